// restoreGoCache/saveGoCache against the fake cache service (v2 Twirp + Azurite, and v1 REST as act speaks it)
// with the real @actions/cache client, real tar/zstd and a real go build of the gin fixture.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseTargets } from '../../src/build/targets.js';
import { cacheKey, hashDependencyFiles, restoreGoCache, saveGoCache } from '../../src/go/cache.js';
import { trackedProcesses } from '../../src/util/process/reaper.js';
import { recordAnnotations, type AnnotationRecorder } from '../support/github-annotations.js';
import { STALLED } from '../support/github-http.js';
import { listen } from '../support/http-server.js';
import { applyEnv } from '../support/env.js';
import {
  applyRunnerEnv,
  newBackendIds,
  runnerEnv,
  startGithubServices,
  type GithubServices,
} from '../support/github-services.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/gin-app');
const RUNNER = { RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };
const GO_VERSION = '1.26.8';
const BUILD_TIMEOUT_MS = 20 * 60_000;

let services: GithubServices;
let scratch: string;
let annotations: AnnotationRecorder;
const restorers: Array<() => void> = [];

beforeAll(async () => {
  services = await startGithubServices();
});

afterAll(async () => {
  await services?.stop();
});

beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-cache-'));
  annotations = recordAnnotations();
});

afterEach(async () => {
  annotations.stop();
  while (restorers.length > 0) restorers.pop()!();
  // The module cache is read-only on purpose; make it removable.
  await exec.exec('chmod', ['-R', 'u+w', scratch], { silent: true, ignoreReturnCode: true });
  await fs.rm(scratch, { recursive: true, force: true });
});

function useEnv(vars: Record<string, string | undefined>): void {
  restorers.push(applyEnv(vars));
}

/** A step's environment: the service variables given, and RUNNER_TEMP (where @actions/cache builds its archives). */
function useRunner(vars: Record<string, string>): void {
  restorers.push(applyRunnerEnv({ ...RUNNER, RUNNER_TEMP: scratch, ...vars }));
}

/** The machine's own module cache as a read-only file proxy first, so a fresh GOMODCACHE fills without the network. */
async function hostGoProxy(): Promise<string> {
  const { stdout } = await exec.getExecOutput('go', ['env', 'GOMODCACHE'], { silent: true });
  const download = path.join(stdout.trim(), 'cache', 'download');
  const hasLocal = await fs.stat(download).then(
    () => true,
    () => false,
  );
  return hasLocal ? `file://${download},https://proxy.golang.org` : 'https://proxy.golang.org';
}

/** go build -v of the app for linux/amd64; -v names every package compiled (none when all come from GOCACHE). */
async function goBuild(
  appDir: string,
  extraEnv: Record<string, string> = {},
): Promise<{ exitCode: number; compiled: string[]; stderr: string }> {
  const result = await exec.getExecOutput(
    'go',
    ['build', '-trimpath', '-v', '-o', path.join(appDir, 'out', 'app'), '.'],
    {
      cwd: appDir,
      env: {
        ...(process.env as Record<string, string>),
        GOOS: 'linux',
        GOARCH: 'amd64',
        CGO_ENABLED: '0',
        ...extraEnv,
      },
      ignoreReturnCode: true,
      silent: true,
    },
  );
  const compiled = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('go: downloading'));
  return { exitCode: result.exitCode, compiled, stderr: result.stderr };
}

async function copyFixture(into: string): Promise<string> {
  await fs.cp(FIXTURE, into, { recursive: true });
  return into;
}

async function listFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), await fs.readFile(full));
    }
  }
  return files;
}

describe('Go caches through the v2 cache service (github.com runners)', () => {
  test(
    'run 1 restores nothing, builds and saves; run 2 restores everything: no download, nothing compiled',
    async () => {
      const app = await copyFixture(path.join(scratch, 'app'));
      const modCache = path.join(scratch, 'gomodcache');
      const buildCache = path.join(scratch, 'gocache');
      useEnv({
        GOMODCACHE: modCache,
        GOCACHE: buildCache,
        GOPROXY: await hostGoProxy(),
        GOFLAGS: '-buildvcs=false',
      });
      useRunner(services.env('v2'));
      const targets = parseTargets('linux/amd64');
      const options = {
        goBinary: 'go',
        workingDirectory: app,
        dependencyPatterns: ['go.sum'],
        goVersion: GO_VERSION,
        targets,
      };

      const first = await restoreGoCache(options);
      expect(first.summary.hit).toBe('miss');
      expect(first.paths).toEqual([modCache, buildCache]);
      const cold = await goBuild(app);
      expect(cold.exitCode, cold.stderr).toBe(0);
      expect(cold.compiled).toContain('github.com/gin-gonic/gin');
      const afterSave = await saveGoCache(first);
      expect(afterSave.summary.save).toEqual({ outcome: 'saved' });
      const saved = services.cache.saved().filter((e) => e.key === first.key);
      expect(saved).toHaveLength(1);
      expect(saved[0]!.size).toBeGreaterThan(1_000_000);

      await exec.exec('go', ['clean', '-modcache'], { cwd: app, silent: true });
      await fs.rm(buildCache, { recursive: true, force: true });
      await expect(fs.readdir(modCache).catch(() => [])).resolves.toEqual([]);

      const second = await restoreGoCache(options);
      expect(second.summary.hit).toBe('exact');
      expect(second.matchedKey).toBe(first.key);
      // GOPROXY=off: any module missing from the restored cache would fail the build.
      const warm = await goBuild(app, { GOPROXY: 'off', GOFLAGS: '-mod=mod -buildvcs=false' });
      expect(warm.exitCode, warm.stderr).toBe(0);
      expect(warm.compiled, 'packages compiled although the build cache was restored').toEqual([]);

      const entries = services.cache.saved().length;
      expect((await saveGoCache(second)).summary.save).toEqual({ outcome: 'not-needed' });
      expect(services.cache.saved().length, 'an exact hit saves nothing').toBe(entries);

      // Another target set: the same dependencies' cache is restored through the first restore key.
      const third = await restoreGoCache({ ...options, targets: parseTargets('linux/amd64, linux/arm64') });
      expect(third.summary.hit).toBe('partial');
      expect(third.matchedKey).toBe(first.key);
      expect(third.key).not.toBe(first.key);
      expect(annotations.messages('warning')).toEqual([]);
      expect(annotations.messages('error')).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );
});

/** A small module and fake cache folders, for checks that need no compiler. */
async function smallModule(): Promise<{ app: string; modCache: string; buildCache: string }> {
  const app = path.join(scratch, 'small');
  const modCache = path.join(scratch, 'small-mod');
  const buildCache = path.join(scratch, 'small-build');
  await fs.mkdir(app, { recursive: true });
  await fs.writeFile(path.join(app, 'go.mod'), 'module example.com/small\n\ngo 1.25\n');
  await fs.writeFile(path.join(app, 'go.sum'), 'example.com/dep v1.0.0 h1:abc=\n');
  await fs.mkdir(path.join(modCache, 'cache', 'download', 'example.com'), { recursive: true });
  await fs.writeFile(
    path.join(modCache, 'cache', 'download', 'example.com', 'dep.zip'),
    Buffer.from([0, 1, 2, 255]),
  );
  await fs.mkdir(path.join(buildCache, 'ab'), { recursive: true });
  await fs.writeFile(path.join(buildCache, 'ab', 'abcdef-d'), 'build output');
  await fs.writeFile(
    path.join(buildCache, 'README'),
    'This directory holds cached build artifacts from the Go build system.\n',
  );
  useEnv({ GOMODCACHE: modCache, GOCACHE: buildCache, GOFLAGS: '-buildvcs=false' });
  return { app, modCache, buildCache };
}

describe('Go caches through the v1 cache service (act, GHES)', () => {
  test('save, wipe, restore gives back every file byte for byte', async () => {
    const { app, modCache, buildCache } = await smallModule();
    useRunner(services.env('v1'));
    const before = new Map(
      [...(await listFiles(modCache)), ...(await listFiles(buildCache))].map(([k, v]) => [k, v]),
    );
    const options = {
      goBinary: 'go',
      workingDirectory: app,
      dependencyPatterns: ['go.sum'],
      goVersion: GO_VERSION,
      targets: parseTargets('linux/amd64'),
    };

    const first = await restoreGoCache(options);
    expect(first.summary.hit).toBe('miss');
    await saveGoCache(first);
    const entry = services.cache.saved().find((e) => e.key === first.key);
    expect(entry?.protocol).toBe('v1');

    await fs.rm(modCache, { recursive: true });
    await fs.rm(buildCache, { recursive: true });
    const second = await restoreGoCache(options);
    expect(second.summary.hit).toBe('exact');
    const after = new Map([...(await listFiles(modCache)), ...(await listFiles(buildCache))]);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, content] of before) expect(after.get(name)?.equals(content), name).toBe(true);
    expect(annotations.messages('warning')).toEqual([]);
  });
});

describe('Go caches when the service hangs', () => {
  test('a download that stalls is stopped at the deadline: nothing written, no process left, no save', async () => {
    const { app, modCache, buildCache } = await smallModule();
    useRunner(services.env('v1'));
    const options = {
      goBinary: 'go',
      workingDirectory: app,
      dependencyPatterns: ['go.sum'],
      goVersion: GO_VERSION,
      // A target set of its own, so the entry saved here is this test's alone.
      targets: parseTargets('linux/386'),
    };
    const first = await restoreGoCache(options);
    expect(first.summary.hit).toBe('miss');
    expect((await saveGoCache(first)).summary.save).toEqual({ outcome: 'saved' });
    await fs.rm(modCache, { recursive: true });
    await fs.rm(buildCache, { recursive: true });
    services.cache.faults.failAlways('DownloadArchive', 'stall');
    const before = services.cache.calls.length;
    try {
      // Long enough for the worker to start from the sources (through tsx) and reach the download.
      const stalled = await restoreGoCache({ ...options, timeoutMs: 15_000 });

      expect(stalled.summary).toEqual({
        hit: 'timeout',
        key: first.key,
        detail: 'gave up after 15 s (cache-timeout)',
      });
      expect(services.cache.calls.slice(before)).toEqual([
        { operation: 'GetCacheEntry', status: 200 },
        { operation: 'DownloadArchive', status: STALLED },
      ]);
      expect(trackedProcesses(), 'the worker and its children are gone').toEqual([]);
      await expect(fs.readdir(modCache).catch(() => [])).resolves.toEqual([]);
      await expect(fs.readdir(buildCache).catch(() => [])).resolves.toEqual([]);
      expect(annotations.messages('warning')).toEqual([
        expect.stringContaining(
          'Go cache restore did not finish within 15 s (cache-timeout) and was stopped',
        ),
      ]);
      const calls = services.cache.calls.length;
      expect((await saveGoCache(stalled)).summary.save?.outcome).toBe('skipped');
      expect(services.cache.calls.length, 'no save was sent').toBe(calls);
    } finally {
      services.cache.faults.clear();
    }
  });
});

describe('Go caches when the service is unusable', () => {
  test('a cache server that is down gives a warning, never an exception, and is not sent a save', async () => {
    const { app } = await smallModule();
    const closed = await listen(async () => undefined);
    await closed.close();
    useRunner(runnerEnv(closed.url, newBackendIds(), 'v2'));
    const options = {
      goBinary: 'go',
      workingDirectory: app,
      dependencyPatterns: ['go.sum'],
      goVersion: GO_VERSION,
      targets: parseTargets('linux/amd64'),
    };

    const state = await restoreGoCache(options);
    expect(state.summary.hit).toBe('error');
    expect(state.summary.detail).toMatch(/Failed to restore: .*ECONNREFUSED/);
    expect(annotations.messages('warning')).toEqual([
      expect.stringMatching(/Failed to restore: .*ECONNREFUSED/),
    ]);

    const saved = await saveGoCache(state);
    expect(saved.summary.save).toEqual({
      outcome: 'skipped',
      detail: 'the restore failed, so the cache service is not sent a save',
    });
    expect(annotations.messages('warning')).toHaveLength(1);
    expect(annotations.messages('error')).toEqual([]);
  });

  test('off GitHub (no runtime token, no cache URL) the caches are skipped with a notice', async () => {
    const { app } = await smallModule();
    useRunner({});
    const calls = services.cache.calls.length;

    const state = await restoreGoCache({
      goBinary: 'go',
      workingDirectory: app,
      dependencyPatterns: ['go.sum'],
      goVersion: GO_VERSION,
      targets: parseTargets('linux/amd64'),
    });
    await saveGoCache(state);

    expect(state.summary.hit).toBe('skipped');
    expect(annotations.messages('notice')).toEqual([
      expect.stringContaining('Go cache skipped: not running in GitHub Actions'),
    ]);
    expect(services.cache.calls.length).toBe(calls);
  });

  test('a go binary that cannot report its cache paths gives a warning and an error state', async () => {
    const { app } = await smallModule();
    useRunner(services.env('v2'));
    const state = await restoreGoCache({
      goBinary: path.join(scratch, 'no-such-go'),
      workingDirectory: app,
      dependencyPatterns: ['go.sum'],
      goVersion: GO_VERSION,
      targets: parseTargets('linux/amd64'),
    });
    expect(state.summary.hit).toBe('error');
    expect(annotations.messages('warning')).toEqual([expect.stringContaining('Go cache not restored')]);
    const calls = services.cache.calls.length;
    await expect(saveGoCache(state)).resolves.toEqual(state);
    expect(services.cache.calls.length).toBe(calls);
  });
});

describe('hashDependencyFiles', () => {
  async function module(files: Record<string, string>): Promise<string> {
    const dir = path.join(scratch, `mod-${Object.keys(files).length}-${Date.now()}`);
    for (const [name, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), content);
    }
    return dir;
  }

  test('globs are relative to the working directory; exclusions apply; the hash follows the contents', async () => {
    const dir = await module({
      'go.mod': 'module a\n',
      'go.sum': 'x\n',
      'tools/go.sum': 'y\n',
      'vendor/go.sum': 'z\n',
    });
    const all = await hashDependencyFiles(dir, ['**/go.sum', '!vendor/**']);
    expect(all.files.map((f) => path.relative(dir, f))).toEqual(['go.sum', 'tools/go.sum']);
    const rootOnly = await hashDependencyFiles(dir, ['go.sum']);
    expect(rootOnly.hash).not.toBe(all.hash);
    await fs.writeFile(path.join(dir, 'tools/go.sum'), 'y changed\n');
    expect((await hashDependencyFiles(dir, ['**/go.sum', '!vendor/**'])).hash).not.toBe(all.hash);
    expect((await hashDependencyFiles(dir, ['go.sum'])).hash).toBe(rootOnly.hash);
  });

  test('nothing matched: a warning, and go.mod stands in', async () => {
    const dir = await module({ 'go.mod': 'module a\n' });
    const result = await hashDependencyFiles(dir, ['go.sum']);
    expect(result.files).toEqual([path.join(dir, 'go.mod')]);
    expect(annotations.messages('warning')).toEqual([expect.stringContaining('matched no files (go.sum)')]);
    const key = cacheKey({
      runnerOs: 'Linux',
      runnerArch: 'X64',
      goVersion: GO_VERSION,
      depsHash: result.hash,
      targets: [],
    }).key;
    expect(key).toContain(result.hash);
  });
});
