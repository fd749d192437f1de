// The action run by a real workflow runner: act runs the jobs of .github/workflows/e2e-*.yml on this machine
// (host platform, no containers) against a git copy of the working tree, so `uses: ./` runs the current
// dist/index.js exactly as GitHub would. The steps reach the fake artifact and cache services (real protocols,
// Azurite behind them) through the runner variables. Each scenario asserts the job's own check line, the action's
// outputs as act recorded them, and what the services stored.
import { spawnSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACT_VERSION,
  copyRepository,
  describeRun,
  installedActVersion,
  REPO_ROOT,
  runAct,
  type ActRun,
  type ActStep,
  type RepoCopy,
} from '../support/act-runner.js';
import { startE2eEnv, stopE2eEnv } from '../support/e2e-env.js';
import { startReleasesServer } from '../support/github-releases-server.js';
import { startGithubServices, type GithubServices } from '../support/github-services.js';
import { RegistryClient, type IndexDoc } from '../support/image-registry.js';

const TAG = 'v1.2.3';
/** One act run; the cache run holds a cold build of the fixture (about a minute on 2 idle cores). */
const RUN_TIMEOUT_MS = 10 * 60_000;
const CACHE_RUN_TIMEOUT_MS = 15 * 60_000;
/** The matrix run: a reference and two shard jobs (six cold target builds), then the merge. */
const MATRIX_RUN_TIMEOUT_MS = 20 * 60_000;
/** The test around a run: the run, then reading back what the services stored. */
const TEST_MARGIN_MS = 2 * 60_000;

let services: GithubServices;
let repo: RepoCopy;
let scratch: string;
const timings: Array<{ scenario: string; ms: number }> = [];

interface BuiltArtifactOutput {
  target: string;
  goos: string;
  path: string;
  sha256: string;
  static: boolean;
  smoke?: { status: string; reason: string };
  archive?: { path: string; sha256: string };
}

function hostGoModCache(): string {
  const result = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`go env GOMODCACHE failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * The fixtures' modules must be in this machine's module cache: the steps read them from there through a file://
 * GOPROXY, never from the internet. Throws with the command that puts them there.
 */
function checkFixtureModules(): void {
  for (const fixture of ['test/fixtures/gin-app', 'test/fixtures/act-toolchain']) {
    const result = spawnSync('go', ['mod', 'download'], {
      cwd: path.join(REPO_ROOT, fixture),
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local' },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(
        `The modules of ${fixture} are not in the module cache (${result.stderr.trim().split('\n').pop()}); ` +
          `run \`(cd ${fixture} && go mod download)\` once (it needs the Go module proxy).`,
      );
    }
  }
}

/** What every step gets on top of act's own runner variables. */
function stepEnv(): Record<string, string> {
  return {
    ...services.env('v2'),
    // Modules come from this machine's module cache, never from the internet; go.sum still verifies them.
    GOPROXY: `file://${path.join(hostGoModCache(), 'cache', 'download')}`,
    GOSUMDB: 'off',
    // Unique per test run: the cache jobs keep their Go caches in a folder named after it.
    GITHUB_RUN_ID: String(randomInt(100_000_000, 999_999_999)),
  };
}

interface ScenarioOptions {
  eventPayload?: Record<string, unknown>;
  env?: Record<string, string>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  timeoutMs?: number;
}

async function act(
  scenario: string,
  workflow: string,
  job: string,
  options: ScenarioOptions = {},
): Promise<ActRun> {
  const run = await runAct({
    repoDir: repo.dir,
    workflow: `.github/workflows/${workflow}`,
    job,
    env: { ...stepEnv(), ...options.env },
    actionCachePath: path.join(scratch, 'act'),
    timeoutMs: options.timeoutMs ?? RUN_TIMEOUT_MS,
    ...(options.eventPayload ? { eventPayload: options.eventPayload } : {}),
    ...(options.vars ? { vars: options.vars } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  timings.push({ scenario, ms: run.durationMs });
  return run;
}

function onPath(tool: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why the image scenario cannot run here, or null: it needs the image toolchain of scripts/e2e-env. */
function imageEnvMissing(): string | null {
  const tools = ['dockerd', 'docker', 'buildkitd', 'runc', 'docker-registry', 'htpasswd', 'curl'];
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length > 0) return `${missing.join(', ')} not installed (scripts/e2e-env/install.sh)`;
  if (spawnSync('docker', ['buildx', 'version']).status !== 0) {
    return 'the docker buildx plugin is not installed (scripts/e2e-env/install.sh)';
  }
  return null;
}
const IMAGE_ENV_MISSING = imageEnvMissing();
if (IMAGE_ENV_MISSING) console.warn(`act image scenario skipped: ${IMAGE_ENV_MISSING}`);

function mainResult(step: ActStep): string | undefined {
  return step.results['Main'];
}

function errorsOf(step: ActStep): string[] {
  return step.commands.filter((c) => c.command === 'error').map((c) => c.arg ?? '');
}

function parseArtifacts(step: ActStep): BuiltArtifactOutput[] {
  const text = step.outputs['artifacts'];
  expect(text, 'artifacts output').toBeDefined();
  return JSON.parse(text!) as BuiltArtifactOutput[];
}

/** The files of an uploaded artifact, read back from the fake service's blob store. */
async function storedFiles(name: string): Promise<Map<string, Buffer>> {
  const zip = await services.artifacts.content(name);
  const dir = await fsp.mkdtemp(path.join(scratch, 'artifact-'));
  try {
    await fsp.writeFile(path.join(dir, 'artifact.zip'), zip);
    const unzip = spawnSync('unzip', ['-q', '-o', 'artifact.zip', '-d', 'files'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (unzip.status !== 0) throw new Error(`unzip of artifact ${name} failed: ${unzip.stderr}`);
    const files = new Map<string, Buffer>();
    for (const entry of await fsp.readdir(path.join(dir, 'files'), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(path.join(dir, 'files'), full), await fsp.readFile(full));
    }
    return files;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('the action in workflows run by act', () => {
  beforeAll(async () => {
    const version = installedActVersion();
    if (version === null) throw new Error('act is not installed: run scripts/act/install.sh');
    if (version !== ACT_VERSION)
      throw new Error(`act ${version} is installed; these tests expect ${ACT_VERSION}`);
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) {
      throw new Error(
        'dist/index.js does not exist: run `npm run bundle` first (the workflows run `uses: ./`)',
      );
    }
    checkFixtureModules();
    scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-act-e2e-'));
    services = await startGithubServices();
    repo = await copyRepository({ tags: [TAG] });
  });

  afterAll(async () => {
    await services?.stop();
    await repo?.remove();
    if (scratch) await fsp.rm(scratch, { recursive: true, force: true });
    if (timings.length > 0) {
      console.log(
        `act runs: ${timings.map((t) => `${t.scenario} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}`,
      );
    }
  });

  it(
    'defaults: builds, smoke-tests, archives, checksums and uploads; the job checks every file',
    async () => {
      const run = await act('defaults', 'e2e-action.yml', 'defaults', {
        eventPayload: { ref: `refs/tags/${TAG}` },
      });
      const job = run.job('defaults');
      expect(job.result, describeRun(run, 'defaults')).toBe('success');
      expect(run.exitCode).toBe(0);

      const release = job.step('release');
      expect(mainResult(release)).toBe('success');
      expect(release.outputs['version']).toBe('1.2.3');
      expect(release.outputs['go-version']).toBe('1.26.8');
      const artifacts = parseArtifacts(release);
      expect(artifacts.map((a) => a.target).sort()).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64']);
      expect(artifacts.filter((a) => a.goos === 'linux').map((a) => a.smoke?.status)).toEqual([
        'passed',
        'passed',
      ]);

      const names = JSON.parse(release.outputs['artifact-names'] ?? '[]') as string[];
      expect(names).toHaveLength(1);
      const check = job.step('check');
      expect(check.lines).toContain(
        `OK: 3 artifacts, Linux ones static, smoke passed on 2, checksums verified, version 1.2.3, uploaded as ${names[0]}`,
      );

      // What reached the artifact service: the three archives, their SBOMs and the checksums, byte for byte.
      const stored = await storedFiles(names[0]!);
      const archiveNames = artifacts.map((a) => path.basename(a.archive!.path));
      const sbomNames = archiveNames.map((name) => `${name}.sbom.json`);
      expect([...stored.keys()].sort()).toEqual([...archiveNames, ...sbomNames, 'checksums.txt'].sort());
      for (const artifact of artifacts) {
        expect(sha256(stored.get(path.basename(artifact.archive!.path))!)).toBe(artifact.archive!.sha256);
      }
      const checksumLines = stored.get('checksums.txt')!.toString('utf8').trim().split('\n');
      expect(checksumLines.sort()).toEqual(
        [
          ...artifacts.map((a) => `${a.archive!.sha256}  ${path.basename(a.archive!.path)}`),
          ...sbomNames.map((name) => `${sha256(stored.get(name)!)}  ${name}`),
        ].sort(),
      );
      expect(archiveNames.every((name) => name.includes('_1.2.3_'))).toBe(true);

      // The job summary the action wrote went through act's summary command.
      const summary = release.commands
        .filter((c) => c.command === 'summary')
        .map((c) => c.content ?? '')
        .join('');
      expect(summary).toContain('linux/arm64');
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'go-version-file: go.mod with a toolchain line selects exactly that Go',
    async () => {
      const run = await act('version-file', 'e2e-action.yml', 'version-file');
      const job = run.job('version-file');
      expect(job.result, describeRun(run, 'version-file')).toBe('success');
      const release = job.step('release');
      expect(release.outputs['go-version']).toBe('1.26.8');
      expect(job.step('check').lines.join('\n')).toMatch(
        /^OK: go.mod toolchain line gave Go 1\.26\.8 \(source: (runner|tool-cache|download)\), binary built with go1\.26\.8$/m,
      );
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'uploads: one artifact per target plus the checksums, stored with the ids the outputs name',
    async () => {
      const run = await act('uploads', 'e2e-action.yml', 'uploads');
      const job = run.job('uploads');
      expect(job.result, describeRun(run, 'uploads')).toBe('success');
      const release = job.step('release');
      const names = JSON.parse(release.outputs['artifact-names'] ?? '[]') as string[];
      const ids = JSON.parse(release.outputs['artifact-ids'] ?? '[]') as number[];
      const base = 'gin-app-e2e-uploads-1';
      expect([...names].sort()).toEqual([
        `${base}-checksums`,
        `${base}-linux-amd64`,
        `${base}-windows-amd64`,
      ]);
      expect(
        job.step('check').lines.some((line) => line.startsWith(`OK: uploaded ${names.join(', ')} with ids`)),
      ).toBe(true);

      names.forEach((name, index) => {
        expect(services.artifacts.find(name)?.id, name).toBe(ids[index]);
      });
      // Each target's artifact holds its archive and the archive's SBOM.
      const linux = await storedFiles(`${base}-linux-amd64`);
      expect([...linux.keys()].sort()).toEqual([
        expect.stringMatching(/_linux_amd64\.tar\.gz$/),
        expect.stringMatching(/_linux_amd64\.tar\.gz\.sbom\.json$/),
      ]);
      const windows = await storedFiles(`${base}-windows-amd64`);
      expect([...windows.keys()].sort()).toEqual([
        expect.stringMatching(/_windows_amd64\.zip$/),
        expect.stringMatching(/_windows_amd64\.zip\.sbom\.json$/),
      ]);
      const checksums = (await storedFiles(`${base}-checksums`)).get('checksums.txt')!.toString('utf8');
      for (const [file, data] of [...linux, ...windows])
        expect(checksums).toContain(`${sha256(data)}  ${file}`);
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'cache: the second job restores the first one’s Go caches and builds without a module proxy',
    async () => {
      const run = await act('cache (save + restore)', 'e2e-cache.yml', 'cache-restore', {
        timeoutMs: CACHE_RUN_TIMEOUT_MS,
      });
      const save = run.job('cache-save');
      const restore = run.job('cache-restore');
      expect(save.result, describeRun(run, 'cache-save')).toBe('success');
      expect(restore.result, describeRun(run, 'cache-restore')).toBe('success');

      expect(save.step('release').outputs['cache-hit']).toBe('false');
      expect(
        save.step('release').lines.some((line) => /^Go cache saved under gin-release-go-v1-/.test(line)),
      ).toBe(true);
      const saved = services.cache.saved();
      expect(saved).toHaveLength(1);
      expect(saved[0]!.key).toMatch(/^gin-release-go-v1-linux-x64-go1\.26\.8-/);

      expect(restore.step('release').outputs['cache-hit']).toBe('true');
      expect(restore.step('release').lines).toContain(`Go cache restored from ${saved[0]!.key}.`);
      expect(restore.step('check').lines).toContain(
        'OK: cache restored from the exact key, built with GOPROXY=off',
      );
    },
    CACHE_RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'smoke failure: a 503 health check fails the action step, with the reason',
    async () => {
      const run = await act('smoke-failure', 'e2e-action.yml', 'smoke-failure');
      const job = run.job('smoke-failure');
      expect(job.result, describeRun(run, 'smoke-failure')).toBe('success');
      const release = job.step('release');
      expect(mainResult(release)).toBe('failure');
      expect(errorsOf(release).join('\n')).toMatch(/503/);
      const [artifact] = parseArtifacts(release);
      expect(artifact?.smoke?.status).toBe('failed');
      expect(
        job
          .step('check')
          .lines.some((line) => line.startsWith('OK: smoke test failed the step: ') && line.includes('503')),
      ).toBe(true);
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'bad inputs: each step fails with a message naming the input, and builds nothing',
    async () => {
      const run = await act('bad-inputs', 'e2e-action.yml', 'bad-inputs');
      const job = run.job('bad-inputs');
      expect(job.result, describeRun(run, 'bad-inputs')).toBe('success');
      const expectations: Array<[string, RegExp]> = [
        ['duplicate-targets', /^Invalid input targets: "linux\/amd64, linux\/amd64"\. .*listed twice/],
        ['archive-format', /^Invalid input archive-format: "rar"\. Allowed: /],
        ['no-module', /^Invalid input working-directory: .*go\.mod/],
      ];
      for (const [id, message] of expectations) {
        const step = job.step(id);
        expect(mainResult(step), id).toBe('failure');
        expect(
          errorsOf(step).some((error) => message.test(error)),
          `${id}: ${errorsOf(step).join(' | ')}`,
        ).toBe(true);
        expect(step.outputs['artifacts'], id).toBeUndefined();
      }
      expect(job.step('check').lines).toContain('OK: 3 bad inputs, 3 failed steps, nothing built');
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'release: a tag push publishes the GitHub release to the local releases API; the job checks every digest',
    async () => {
      const token = 'ghs_e2eReleaseToken000000000000';
      // act names the repository after the copy's origin remote.
      const releases = await startReleasesServer({ token, repository: 'org/gin-release', immutable: true });
      try {
        const run = await act('release', 'e2e-release.yml', 'release', {
          eventPayload: { ref: `refs/tags/${TAG}` },
          vars: { E2E_GITHUB_API_URL: releases.env()['GITHUB_API_URL']! },
          secrets: { GITHUB_TOKEN: token },
        });
        const job = run.job('release');
        expect(job.result, describeRun(run, 'release')).toBe('success');
        const release = job.step('release');
        const published = releases.publishedRelease(TAG);
        expect(published).toMatchObject({
          draft: false,
          immutable: true,
          body: `gin-app 1.2.3 from ${repo.sha.slice(0, 7)}.`,
        });
        expect(release.outputs['release-id']).toBe(String(published!.id));
        expect(job.step('check').lines).toContain(
          `OK: published ${TAG} with 5 assets, every digest matches the built files`,
        );
        // Two archives, their SBOMs, the checksums file: the files the job built, byte for byte.
        const artifacts = parseArtifacts(release) as Array<BuiltArtifactOutput & { sbom?: { path: string } }>;
        const names = artifacts.flatMap((a) => [path.basename(a.archive!.path), path.basename(a.sbom!.path)]);
        expect(published!.assets.map((a) => a.name).sort()).toEqual([...names, 'checksums.txt'].sort());
        for (const artifact of artifacts) {
          const asset = published!.assets.find((a) => a.name === path.basename(artifact.archive!.path))!;
          expect(sha256(asset.data)).toBe(artifact.archive!.sha256);
        }
        // The token was masked at once; act logs add-mask arguments as they are, GitHub's runner never does.
        const leaking = run.output.split('\n').filter((line) => line.includes(token));
        expect(leaking.filter((line) => !line.includes('"command":"add-mask"'))).toEqual([]);
      } finally {
        await releases.stop();
      }
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it(
    'matrix: shard jobs and a merge job without Go make the release one job makes, byte for byte',
    async () => {
      const run = await act('matrix (reference, 2 shards, merge)', 'e2e-matrix.yml', 'merge', {
        timeoutMs: MATRIX_RUN_TIMEOUT_MS,
      });
      const merge = run.job('merge');
      expect(run.job('reference').result, describeRun(run, 'reference')).toBe('success');
      expect(merge.result, describeRun(run, 'merge')).toBe('success');
      expect(merge.step('check').lines).toContain(
        // Three archives and their SBOMs: the SBOMs come from each binary's build info, so they match too.
        'OK: merged 2 shards without Go; checksums.txt identical to the reference (6 files)',
      );

      const release = merge.step('release');
      expect(release.outputs['go-source']).toBeUndefined();
      const shards = JSON.parse(release.outputs['shards'] ?? '[]') as Array<{
        name: string;
        targets: string[];
      }>;
      expect(shards.map((s) => s.targets.join(', ')).sort()).toEqual([
        'linux/amd64, linux/arm64',
        'windows/amd64',
      ]);
      // Both shard artifacts reached the service; the merged release is the one artifact the merge uploaded.
      for (const shard of shards) expect(services.artifacts.find(shard.name), shard.name).toBeDefined();
      const [uploaded] = JSON.parse(release.outputs['artifact-names'] ?? '[]') as string[];
      expect(uploaded).toBe('e2e-matrix-merged-1');
      const stored = await storedFiles(uploaded!);
      const artifacts = parseArtifacts(release) as Array<BuiltArtifactOutput & { sbom?: { path: string } }>;
      expect([...stored.keys()].sort()).toEqual(
        [
          ...artifacts.flatMap((a) => [path.basename(a.archive!.path), path.basename(a.sbom!.path)]),
          'checksums.txt',
        ].sort(),
      );
      const reference = await storedFiles('e2e-matrix-reference-1');
      expect(stored.get('checksums.txt')!.equals(reference.get('checksums.txt')!)).toBe(true);
      for (const [name, data] of stored) expect(data.equals(reference.get(name)!), name).toBe(true);
    },
    MATRIX_RUN_TIMEOUT_MS + TEST_MARGIN_MS,
  );

  it.skipIf(IMAGE_ENV_MISSING !== null)(
    'image: a two-platform image from the binaries, smoke-tested, pushed, its digest in the outputs',
    async () => {
      const e2e = await startE2eEnv();
      try {
        const run = await act('image', 'e2e-image.yml', 'image', {
          env: e2e.dockerEnv,
          vars: { E2E_REGISTRY: e2e.registry, E2E_REGISTRY_USER: e2e.user },
          secrets: { E2E_REGISTRY_PASSWORD: e2e.password },
        });
        const job = run.job('image');
        expect(job.result, describeRun(run, 'image')).toBe('success');
        const release = job.step('release');
        const digest = release.outputs['image-digest'];
        expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        const [ref] = JSON.parse(release.outputs['image-refs'] ?? '[]') as string[];
        expect(ref).toMatch(new RegExp(`^${e2e.registry.replace(/\./g, '\\.')}/e2e/gin-app:e2e-\\d+-1$`));
        expect(job.step('check').lines).toContain(
          `OK: pushed ${ref} as ${digest} for linux/amd64,linux/arm64`,
        );

        // The registry, asked directly, has that index under that tag.
        const registry = new RegistryClient(e2e.registry, e2e.user, e2e.password);
        const byTag = await registry.manifest('e2e/gin-app', ref!.split(':').pop()!);
        expect(byTag.digest).toBe(digest);
        const index = byTag.body as IndexDoc;
        expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual([
          'linux/amd64',
          'linux/arm64',
        ]);
        // The action masked the password at once; the only lines of act's JSON log holding it are those
        // add-mask commands (act logs their argument as is; GitHub's runner never prints it).
        expect(release.commands).toContainEqual(
          expect.objectContaining({ command: 'add-mask', arg: e2e.password }),
        );
        const leaking = run.output.split('\n').filter((line) => line.includes(e2e.password));
        expect(leaking.filter((line) => !line.includes('"command":"add-mask"'))).toEqual([]);
      } finally {
        await stopE2eEnv(e2e);
      }
    },
    RUN_TIMEOUT_MS + TEST_MARGIN_MS + 5 * 60_000, // plus starting and stopping the image toolchain
  );
});
