// The fake artifact service across the jobs of one run, as GitHub's behaves, through the real @actions/artifact
// client with Azurite behind it: another job of the run lists and downloads an artifact, another run sees nothing,
// a re-run keeps the older artifact of a name (so `latest` matters), and bytes changed after the upload are caught
// by the digest check.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { BackendIds } from '../support/github-jwt.js';
import {
  applyRunnerEnv,
  newBackendIds,
  runnerEnv,
  startGithubServices,
  type GithubServices,
} from '../support/github-services.js';

let services: GithubServices;
let scratch: string;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  services = await startGithubServices();
});

afterAll(async () => {
  await services?.stop();
});

beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-artifact-jobs-'));
});

afterEach(async () => {
  restoreEnv();
  restoreEnv = () => undefined;
  await fs.rm(scratch, { recursive: true, force: true });
});

/** Runs `work` as the job `ids` (its own runtime token), with a fresh client. */
async function asJob<T>(ids: BackendIds, work: (client: DefaultArtifactClient) => Promise<T>): Promise<T> {
  restoreEnv();
  restoreEnv = applyRunnerEnv(runnerEnv(services.url, ids));
  try {
    return await work(new DefaultArtifactClient());
  } finally {
    restoreEnv();
    restoreEnv = () => undefined;
  }
}

function jobOf(run: BackendIds): BackendIds {
  return {
    workflowRunBackendId: run.workflowRunBackendId,
    workflowJobRunBackendId: newBackendIds().workflowJobRunBackendId,
  };
}

async function upload(
  ids: BackendIds,
  name: string,
  content: string,
): Promise<{ id: number; digest: string }> {
  const dir = await fs.mkdtemp(path.join(scratch, 'up-'));
  await fs.writeFile(path.join(dir, 'file.txt'), content);
  const response = await asJob(ids, (client) =>
    client.uploadArtifact(name, [path.join(dir, 'file.txt')], dir),
  );
  return { id: response.id!, digest: `sha256:${response.digest}` };
}

describe('artifacts across the jobs of one run', () => {
  test('another job of the run lists and downloads it; another run sees nothing', async () => {
    const run = newBackendIds();
    const uploader = jobOf(run);
    const { id } = await upload(uploader, 'from-job-a', 'made by job a');

    const downloader = jobOf(run);
    const listed = await asJob(downloader, (client) => client.listArtifacts());
    expect(listed.artifacts.map((a) => [a.name, a.id])).toEqual([['from-job-a', id]]);
    expect(listed.artifacts[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const into = path.join(scratch, 'down');
    const result = await asJob(downloader, (client) =>
      client.downloadArtifact(id, { path: into, expectedHash: listed.artifacts[0]!.digest! }),
    );
    expect(result.digestMismatch).toBe(false);
    expect(await fs.readFile(path.join(into, 'file.txt'), 'utf8')).toBe('made by job a');
    const signed = services.artifacts.calls
      .filter((c) => c.operation === 'GetSignedArtifactURL')
      .map((c) => c.status);
    expect(signed.at(-1)).toBe(200);

    const stranger = newBackendIds();
    expect((await asJob(stranger, (client) => client.listArtifacts())).artifacts).toEqual([]);
    await expect(
      asJob(stranger, (client) => client.downloadArtifact(id, { path: path.join(scratch, 'no') })),
    ).rejects.toThrow(/No artifacts found for ID/);
  });

  test('a name is unique within a run attempt, across jobs', async () => {
    const run = newBackendIds();
    await upload(jobOf(run), 'once', 'a');
    await expect(upload(jobOf(run), 'once', 'b')).rejects.toThrow(/409.*already exists/);
  });

  test('after a re-run the older artifact of a name is still listed: latest picks the newer one', async () => {
    const run = newBackendIds();
    const first = await upload(jobOf(run), 'shard', 'attempt 1');
    services.artifacts.newAttempt(run.workflowRunBackendId);
    const second = await upload(jobOf(run), 'shard', 'attempt 2');
    expect(second.id).toBeGreaterThan(first.id);

    const merger = jobOf(run);
    const all = await asJob(merger, (client) => client.listArtifacts());
    expect(all.artifacts.map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
    const latest = await asJob(merger, (client) => client.listArtifacts({ latest: true }));
    expect(latest.artifacts.map((a) => a.id)).toEqual([second.id]);
    const got = await asJob(merger, (client) => client.getArtifact('shard'));
    expect(got.artifact.id).toBe(second.id);

    // Each one downloads as what it was: the signed URL is for the uploading job's own artifact.
    for (const [id, text] of [
      [first.id, 'attempt 1'],
      [second.id, 'attempt 2'],
    ] as const) {
      const into = path.join(scratch, `attempt-${id}`);
      await asJob(merger, (client) => client.downloadArtifact(id, { path: into }));
      expect(await fs.readFile(path.join(into, 'file.txt'), 'utf8')).toBe(text);
    }
  });

  test('bytes changed after the upload: the download reports a digest mismatch', async () => {
    const run = newBackendIds();
    const job = jobOf(run);
    const good = await upload(job, 'original', 'the real content');
    // A well-formed zip with other bytes, as a swapped or damaged blob would be.
    await upload(job, 'impostor', 'the fake content');
    await services.artifacts.tamper('original', await services.artifacts.content('impostor'));

    const merger = jobOf(run);
    const checked = await asJob(merger, (client) =>
      client.downloadArtifact(good.id, { path: path.join(scratch, 'checked'), expectedHash: good.digest }),
    );
    expect(checked.digestMismatch).toBe(true);
    // Without the expected hash the client checks nothing: the fake content arrives as if it were real.
    const unchecked = await asJob(merger, (client) =>
      client.downloadArtifact(good.id, { path: path.join(scratch, 'unchecked') }),
    );
    expect(unchecked.digestMismatch).toBe(false);
    expect(await fs.readFile(path.join(scratch, 'unchecked', 'file.txt'), 'utf8')).toBe('the fake content');
  });
});
