// The bundled action against cache and artifact services that hang, fail or already hold an artifact (a re-run):
// the local fakes of GitHub's services (test/support/github-services.ts) with faults injected, the real clients in
// the action's service worker, every run bounded by its deadline inputs and by runAction's own time limit.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { STALLED } from '../support/github-http.js';
import { runnerEnv, startGithubServices, type GithubServices } from '../support/github-services.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
// A hard limit for each run of the action, far above what its deadline inputs allow.
const RUN_LIMIT_MS = 240_000;
const TEST_LIMIT_MS = 420_000;

let services: GithubServices;
const runs: ActionRun[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  services = await startGithubServices();
});

afterAll(async () => {
  for (const run of runs) cleanup(run);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  await services?.stop();
});

afterEach(() => {
  services.cache.faults.clear();
  services.artifacts.faults.clear();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function run(
  fixture: string,
  inputs: Record<string, string>,
  env: Record<string, string> = services.env('v2'),
): Promise<ActionRun> {
  const workspace = workspaceFrom(path.join(FIXTURES, fixture));
  dirs.push(workspace);
  const result = await runAction({
    workspace,
    inputs: { targets: 'linux/amd64', 'smoke-test': 'false', ...inputs },
    // A module cache of the test's own: the fixtures need no modules, and nothing may touch the machine's.
    env: { GOMODCACHE: tempDir('gin-release-modcache-'), ...env },
    timeoutMs: RUN_LIMIT_MS,
  });
  runs.push(result);
  return result;
}

function cacheLine(result: ActionRun): string {
  return result.summary.split('\n').find((line) => line.startsWith('Go module and build cache:')) ?? '';
}

/** No process of the run was left for the action's reaper to find. */
function expectNothingLeft(result: ActionRun): void {
  expect(result.warnings().filter((w) => /^Ended \d+ process/.test(w))).toEqual([]);
}

describe('a cache service that hangs or fails', () => {
  test(
    'never answering: the restore gives up after cache-timeout, nothing is saved, the build passes',
    async () => {
      services.cache.faults.failAlways('*', 'stall');
      const before = services.cache.calls.length;

      const result = await run('smoke/good', { 'cache-timeout': '3', upload: 'false' });

      expect(result.exitCode, result.log).toBe(0);
      expect(result.warnings()).toContainEqual(
        expect.stringContaining(
          'Go cache restore did not finish within 3 s (cache-timeout) and was stopped; the build goes on',
        ),
      );
      expect(result.outputs.get('cache-hit')).toBe('false');
      expect(cacheLine(result)).toMatch(
        /^Go module and build cache: restore timed out, key gin-release-go-v1-.*: gave up after 3 s \(cache-timeout\); save skipped: the restore timed out, so the cache service is not sent a save\.$/,
      );
      const calls = services.cache.calls.slice(before);
      expect(calls).toEqual([{ operation: 'GetCacheEntryDownloadURL', status: STALLED }]);
      expect(JSON.parse(result.outputs.get('artifacts')!)).toHaveLength(1);
      expectNothingLeft(result);
    },
    TEST_LIMIT_MS,
  );

  test(
    'answering the restore but never the save: the save gives up after cache-timeout, the build passes',
    async () => {
      services.cache.faults.failAlways('CreateCacheEntry', 'stall');
      const before = services.cache.calls.length;
      // An empty build cache of the run's own, so the save has a few MB to archive, not the machine's cache.
      const goCache = tempDir('gin-release-gocache-');

      const result = await run(
        'minimal',
        { 'cache-timeout': '20', upload: 'false' },
        { ...services.env('v2'), GOCACHE: goCache },
      );

      expect(result.exitCode, result.log).toBe(0);
      expect(result.warnings()).toContainEqual(
        expect.stringContaining('Go cache save did not finish within 20 s (cache-timeout) and was stopped'),
      );
      expect(cacheLine(result)).toMatch(
        /^Go module and build cache: miss \(nothing saved yet for this key\), key .*; save timed out: gave up after 20 s \(cache-timeout\)\.$/,
      );
      // The deadline was spent waiting for the service, not on archiving.
      expect(services.cache.calls.slice(before)).toEqual([
        { operation: 'GetCacheEntryDownloadURL', status: 200 },
        { operation: 'CreateCacheEntry', status: STALLED },
      ]);
      expect(services.cache.saved().filter((e) => e.key.startsWith('gin-release-go-v1-'))).toEqual([]);
      expectNothingLeft(result);
    },
    TEST_LIMIT_MS,
  );

  test(
    'failing the restore (HTTP 500): a warning, no save sent, the build passes',
    async () => {
      services.cache.faults.failAlways('GetCacheEntryDownloadURL', 500);
      const before = services.cache.calls.length;

      const result = await run('smoke/good', { upload: 'false' });

      expect(result.exitCode, result.log).toBe(0);
      // The library's own message, issued as a warning: a cache problem never fails the build.
      expect(result.warnings()).toContainEqual(
        expect.stringMatching(/^Failed to restore: .*GetCacheEntryDownloadURL.*500/),
      );
      expect(result.errors()).toEqual([]);
      expect(cacheLine(result)).toMatch(
        /restore failed, key .*: Failed to restore: .*; save skipped: the restore failed, so the cache service is not sent a save\.$/,
      );
      const operations = new Set(services.cache.calls.slice(before).map((c) => c.operation));
      expect([...operations]).toEqual(['GetCacheEntryDownloadURL']);
    },
    TEST_LIMIT_MS,
  );
});

describe('an artifact service that stalls', () => {
  test(
    'the upload stops at upload-timeout and the step fails naming what was uploaded and what is only in output-dir',
    async () => {
      // The first artifact goes through; the service hangs on the second.
      services.artifacts.faults.failAfter('CreateArtifact', 1, 'stall');

      const result = await run('smoke/good', {
        targets: 'linux/amd64, linux/arm64',
        cache: 'false',
        'upload-mode': 'per-target',
        'artifact-name': 'stalled',
        'upload-timeout': '15',
      });

      expect(result.exitCode).toBe(1);
      const error = result.errors().join('\n');
      expect(error).toContain(
        'Uploading workflow artifacts did not finish within 15 s (upload-timeout) and was stopped while uploading stalled-linux-arm64.',
      );
      const dist = result.outputs.get('dist-dir')!;
      const listed = new RegExp(
        `Not uploaded, still only in the output folder ${dist.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (.*?)\\. Uploaded before: stalled-linux-amd64\\.`,
      ).exec(error);
      expect(listed, error).not.toBeNull();
      const notUploaded = listed![1]!.split(', ');
      expect(notUploaded).toEqual([
        expect.stringMatching(/_linux_arm64\.tar\.gz$/),
        expect.stringMatching(/_linux_arm64\.tar\.gz\.sbom\.json$/),
        'checksums.txt',
      ]);
      for (const file of notUploaded) expect(fs.existsSync(path.join(dist, file)), file).toBe(true);
      expect(JSON.parse(result.outputs.get('artifact-names')!)).toEqual(['stalled-linux-amd64']);
      expect(services.artifacts.find('stalled-linux-amd64')).toBeDefined();
      expect(services.artifacts.find('stalled-linux-arm64')).toBeUndefined();
      expect(result.summary).toMatch(/### Failures[\s\S]*upload-timeout/);
      expect(result.summary).toMatch(/\| stalled-linux-amd64 \|/);
      expectNothingLeft(result);
    },
    TEST_LIMIT_MS,
  );
});

describe('a re-run job (GitHub "Re-run jobs")', () => {
  /** The runner's variables for another attempt of the same job: same run, new job run, new token. */
  function attemptEnv(attempt: number): Record<string, string> {
    const ids = {
      workflowRunBackendId: services.ids.workflowRunBackendId,
      workflowJobRunBackendId: randomUUID(),
    };
    return { ...runnerEnv(services.url, ids), GITHUB_RUN_ATTEMPT: String(attempt) };
  }
  const inputs = { cache: 'false' };

  test(
    'default names: attempt 2 uploads beside attempt 1 and succeeds',
    async () => {
      const first = await run('smoke/good', inputs, attemptEnv(1));
      expect(first.exitCode, first.log).toBe(0);
      const [firstName] = JSON.parse(first.outputs.get('artifact-names')!) as string[];

      const second = await run('smoke/good', inputs, attemptEnv(2));

      expect(second.exitCode, second.log).toBe(0);
      expect(JSON.parse(second.outputs.get('artifact-names')!)).toEqual([`${firstName}-attempt-2`]);
      expect(services.artifacts.find(firstName!)).toBeDefined();
      expect(services.artifacts.find(`${firstName}-attempt-2`)).toBeDefined();
    },
    TEST_LIMIT_MS,
  );

  test(
    'a fixed artifact-name: refused with advice, then replaced with artifact-overwrite: true',
    async () => {
      const named = { ...inputs, 'artifact-name': 'app-release' };
      const first = await run('smoke/good', named, attemptEnv(1));
      expect(first.exitCode, first.log).toBe(0);
      const firstId = services.artifacts.find('app-release')!.id;

      const refused = await run('smoke/good', named, attemptEnv(2));
      expect(refused.exitCode).toBe(1);
      expect(refused.errors().join('\n')).toMatch(
        /Uploading artifact app-release failed: .*\(409\) Conflict: an artifact with this name already exists on the workflow run.*GITHUB_RUN_ATTEMPT is 2.*Set artifact-overwrite: true to replace it/,
      );

      const replaced = await run('smoke/good', { ...named, 'artifact-overwrite': 'true' }, attemptEnv(3));
      expect(replaced.exitCode, replaced.log).toBe(0);
      const stored = services.artifacts.artifacts.filter((a) => a.name === 'app-release');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.id).not.toBe(firstId);
      expect(JSON.parse(replaced.outputs.get('artifact-ids')!)).toEqual([stored[0]!.id]);
      expect(replaced.log).toMatch(/Artifact 'app-release' \(ID: \d+\) deleted/);
    },
    TEST_LIMIT_MS,
  );
});
