// The image of a release split over jobs, through the bundled action against the real toolchain of scripts/e2e-env
// (dockerd, buildkitd behind a buildx remote builder, an authenticated registry) and the fake artifact service:
//   - by default the merge job builds the image from the verified binaries, and every platform's manifest is the
//     one a one-job build pushes (provenance off), digest for digest;
//   - with image-distribute each shard pushes its platform by digest and the merge job assembles an index holding
//     every platform, tagged, and reports that index's digest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { startE2eEnv, stopE2eEnv, type E2eEnv } from '../support/e2e-env.js';
import { newBackendIds, startGithubServices, type GithubServices } from '../support/github-services.js';
import { RegistryClient, type IndexDoc } from '../support/image-registry.js';
import { checkout, newJob, pathWithoutGo, runJob, scratchRoot, type Job } from '../support/matrix-run.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/matrix-app');
const TARGETS = 'linux/amd64, linux/arm64';
const SHARDS = ['linux/amd64', 'linux/arm64'];
const REPOSITORY = 'e2e/matrix-app';
const BUILD_TIMEOUT_MS = 25 * 60_000;

let env: E2eEnv | undefined;
let services: GithubServices;
let root: string;
let origin: string;
let registry: RegistryClient;
const runs: ActionRun[] = [];
let shardCheckouts: string[];
let shardJobs: Job[];
let mergeCheckout: string;
let oneJob: ActionRun;

function imageInputs(tag: string): Record<string, string> {
  return {
    'go-version': '1.26.8',
    cache: 'false',
    image: `${env!.registry}/${REPOSITORY}`,
    tags: tag,
    push: 'true',
    builder: env!.builder,
    'registry-username': env!.user,
    'registry-password': env!.password,
    'ready-timeout': '20',
  };
}

function keep(result: ActionRun): ActionRun {
  runs.push(result);
  expect(result.exitCode, result.log.slice(-4000)).toBe(0);
  return result;
}

function jobFor(
  run: ReturnType<typeof newBackendIds>,
  name: string,
  extra: Record<string, string> = {},
): Job {
  return newJob(services.url, run, root, name, { ...env!.dockerEnv, ...extra });
}

/** platform -> manifest digest of the index under `tag`. */
async function platformDigests(tag: string): Promise<Map<string, string>> {
  const index = (await registry.manifest(REPOSITORY, tag)).body as IndexDoc;
  return new Map(
    index.manifests
      .filter((m) => m.platform && m.platform.os !== 'unknown')
      .map((m) => [`${m.platform!.os}/${m.platform!.architecture}`, m.digest]),
  );
}

beforeAll(
  async () => {
    root = scratchRoot('matrix-image');
    origin = workspaceFrom(FIXTURE);
    [env, services] = await Promise.all([startE2eEnv(), startGithubServices()]);
    registry = new RegistryClient(env.registry, env.user, env.password);
    shardCheckouts = SHARDS.map((_, i) => checkout(origin, root, `shard${i}`, i + 1));
    mergeCheckout = checkout(origin, root, 'merge', 3);
    const run = newBackendIds();
    shardJobs = SHARDS.map((_, i) => jobFor(run, `shard${i}`));
    const [reference, ...shards] = await Promise.all([
      runJob({
        workspace: checkout(origin, root, 'one-job'),
        inputs: { ...imageInputs('one-job'), targets: TARGETS, 'artifact-name': 'one-job' },
        job: jobFor(run, 'one-job'),
        jobId: 'one-job',
        timeoutMs: BUILD_TIMEOUT_MS,
      }),
      ...SHARDS.map((targets, i) =>
        runJob({
          workspace: shardCheckouts[i]!,
          inputs: { 'go-version': '1.26.8', cache: 'false', mode: 'shard', targets },
          job: shardJobs[i]!,
          jobId: 'shard',
          timeoutMs: BUILD_TIMEOUT_MS,
        }),
      ),
    ]);
    oneJob = keep(reference!);
    for (const shard of shards) keep(shard!);
    const merged = await runJob({
      workspace: mergeCheckout,
      inputs: { ...imageInputs('merged'), mode: 'merge', targets: TARGETS },
      job: jobFor(run, 'merge', { PATH: pathWithoutGo() }),
      jobId: 'merge',
    });
    keep(merged);
  },
  BUILD_TIMEOUT_MS + 10 * 60_000,
);

afterAll(async () => {
  for (const result of runs) cleanup(result);
  await services?.stop();
  try {
    await stopE2eEnv(env);
  } finally {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    if (origin) fs.rmSync(origin, { recursive: true, force: true });
  }
});

describe('the image of a merged release', () => {
  test('built from the verified binaries: every platform manifest equals the one-job build\u2019s', async () => {
    const merged = runs.at(-1)!;
    expect(merged.outputs.get('image-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
    const one = await platformDigests('one-job');
    const mine = await platformDigests('merged');
    expect([...mine.keys()].sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(mine).toEqual(one);
    expect((await registry.manifest(REPOSITORY, 'merged')).digest).toBe(merged.outputs.get('image-digest'));
    expect(oneJob.outputs.get('image-digest')).toBe((await registry.manifest(REPOSITORY, 'one-job')).digest);
  });

  test(
    'image-distribute: each shard pushes its platform by digest, the merge assembles and tags the index',
    async () => {
      const run = newBackendIds();
      const shards = await Promise.all(
        SHARDS.map((targets, i) =>
          runJob({
            workspace: shardCheckouts[i]!,
            inputs: { ...imageInputs('unused'), mode: 'shard', targets, 'image-distribute': 'true' },
            // The same GOCACHE as before: warm, the link step only.
            job: jobFor(run, `dshard${i}`, { GOCACHE: shardJobs[i]!.env['GOCACHE']! }),
            jobId: 'shard',
            timeoutMs: BUILD_TIMEOUT_MS,
          }),
        ),
      );
      for (const shard of shards) keep(shard);
      // Nothing tagged yet: the shards pushed by digest only.
      expect(await registry.tagStatus(REPOSITORY, 'distributed')).toBe(404);
      expect(await registry.tagStatus(REPOSITORY, 'unused')).toBe(404);

      const merged = keep(
        await runJob({
          workspace: mergeCheckout,
          inputs: {
            ...imageInputs('distributed'),
            mode: 'merge',
            targets: TARGETS,
            'image-distribute': 'true',
          },
          job: jobFor(run, 'dmerge', { PATH: pathWithoutGo() }),
          jobId: 'merge',
        }),
      );
      expect(merged.log).toMatch(/imagetools create/);
      const index = await registry.manifest(REPOSITORY, 'distributed');
      expect(merged.outputs.get('image-digest')).toBe(index.digest);
      const digests = await platformDigests('distributed');
      expect([...digests.keys()].sort()).toEqual(['linux/amd64', 'linux/arm64']);
      // Each shard's own push is what the index points at, and it is the one-job build's manifest too.
      expect(digests).toEqual(await platformDigests('one-job'));
    },
    BUILD_TIMEOUT_MS,
  );
});
