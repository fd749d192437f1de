// Go cache benefit on the gin fixture, six targets: wall time of restore + build
//  - cold:      empty GOMODCACHE and GOCACHE, nothing restored (modules come from the machine's module cache as a
//               file:// proxy, so real-world cold runs, which download from proxy.golang.org, are slower still);
//  - warm:      restored by restoreGoCache from the fake cache service (v2 Twirp + Azurite, real @actions/cache);
//  - setup-go:  setup-go's key (OS, Go version, go.sum hash; no targets) saved first by a one-target job, as a CI
//               test job does; the six-target job then gets that exact hit, and setup-go never saves on an exact hit;
//  - goreleaser `build --snapshot` cold and warm, when /usr/local/bin/goreleaser exists.
// Run: node --import tsx bench/cache.ts [--runs 3] [--goreleaser-runs 3] [--no-goreleaser]
// Writes bench/results/cache.json. Each cold six-target build of gin takes minutes on 2 cores (34 min under heavy
// load here), so --runs 1 is the practical choice on a shared machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as cache from '@actions/cache';
import * as exec from '@actions/exec';
import { parseTargets, targetEnv } from '../src/build/targets.js';
import { restoreGoCache, saveGoCache } from '../src/go/cache.js';
import type { Target } from '../src/types.js';
import { applyEnv } from '../test/support/env.js';
import { applyRunnerEnv, startGithubServices } from '../test/support/github-services.js';
import { seconds, show, stats, type Stats } from './stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'goreleaser-runs': { type: 'string' },
    'no-goreleaser': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const GORELEASER_RUNS = Math.max(1, Number(args['goreleaser-runs'] ?? RUNS));
const GORELEASER = '/usr/local/bin/goreleaser';
const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/gin-app');
const TARGETS = parseTargets(
  'linux/amd64, linux/arm64, linux/arm/v7, darwin/amd64, darwin/arm64, windows/amd64',
);
const CI_TEST_JOB_TARGETS = parseTargets('linux/amd64');

async function quietly<T>(work: () => Promise<T>): Promise<T> {
  // The cache client logs every step; keep the benchmark's output to its figures.
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-bench-cache-'));
const app = path.join(scratch, 'app');
const modCache = path.join(scratch, 'gomodcache');
const buildCache = path.join(scratch, 'gocache');
const services = await startGithubServices();
const hostModCache = (await exec.getExecOutput('go', ['env', 'GOMODCACHE'], { silent: true })).stdout.trim();
const goVersion = (await exec.getExecOutput('go', ['env', 'GOVERSION'], { silent: true })).stdout
  .trim()
  .replace(/^go/, '');
const restoreGoEnv = applyEnv({
  GOMODCACHE: modCache,
  GOCACHE: buildCache,
  GOPROXY: `file://${path.join(hostModCache, 'cache', 'download')},https://proxy.golang.org`,
  GOFLAGS: '-buildvcs=false',
  GOTOOLCHAIN: 'local',
});
const restoreRunnerEnv = applyRunnerEnv({
  ...services.env('v2'),
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_TEMP: scratch,
});

/** The build or goreleaser process running now, so an interrupted benchmark can stop it with its compilers. */
let running: ChildProcess | undefined;

let cleaning: Promise<void> | undefined;
/** Stops what runs and removes what was made; every caller (signal or normal end) awaits the same clean-up. */
function cleanUp(): Promise<void> {
  cleaning ??= stopAndRemove();
  return cleaning;
}
async function stopAndRemove(): Promise<void> {
  if (running?.pid !== undefined && running.exitCode === null) {
    const group = running.pid;
    const exited = new Promise((resolve) => running?.once('close', resolve));
    process.kill(-group, 'SIGKILL');
    await exited;
  }
  await services.stop();
  restoreRunnerEnv();
  restoreGoEnv();
  await exec.exec('chmod', ['-R', 'u+w', scratch], { silent: true, ignoreReturnCode: true });
  await fs.rm(scratch, { recursive: true, force: true, maxRetries: 3 });
}
// An interrupted run (each cold build takes minutes) still stops Azurite and removes its gigabyte of caches.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function wipe(): Promise<void> {
  await exec.exec('go', ['clean', '-modcache'], { cwd: app, silent: true, ignoreReturnCode: true });
  await fs.rm(modCache, { recursive: true, force: true });
  await fs.rm(buildCache, { recursive: true, force: true });
}

/** Runs a command (no shell) in its own process group; rejects with its output when it fails. */
function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: app,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.once('error', reject);
    child.once('close', (code) => {
      running = undefined;
      if (code === 0) resolve();
      else reject(new Error(`${command} ${commandArgs.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

async function buildAll(targets: Target[]): Promise<void> {
  for (const target of targets) {
    const out = path.join(app, 'out', target.id.replaceAll('/', '_'), 'app');
    await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', out, '.'], {
      ...process.env,
      CGO_ENABLED: '0',
      ...targetEnv(target),
    });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

const restoreOptions = (targets: Target[]) => ({
  goBinary: 'go',
  workingDirectory: app,
  dependencyPatterns: ['go.sum'],
  goVersion,
  targets,
});

async function setupGoKey(): Promise<string> {
  const sum = createHash('sha256')
    .update(await fs.readFile(path.join(app, 'go.sum')))
    .digest('hex');
  return `setup-go-Linux-x64-ubuntu24-go-${goVersion}-${sum}`;
}

async function goreleaserBuild(): Promise<void> {
  await run(GORELEASER, ['build', '--snapshot', '--clean']);
}

const GORELEASER_CONFIG = `version: 2
project_name: gin-app
builds:
  - main: .
    binary: app
    env: [CGO_ENABLED=0]
    flags: [-trimpath]
    ldflags: ["-s -w"]
    goos: [linux, darwin, windows]
    goarch: [amd64, arm64, arm]
    goarm: ["7"]
    ignore:
      - { goos: darwin, goarch: arm }
      - { goos: windows, goarch: arm }
      - { goos: windows, goarch: arm64 }
`;

const benchStarted = performance.now();
try {
  await fs.cp(FIXTURE, app, { recursive: true });
  console.log(
    `gin fixture, ${TARGETS.length} targets (${TARGETS.map((t) => t.id).join(', ')}), ${RUNS} run(s) each`,
  );
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.availableParallelism()} cores`,
  );

  // Cold. The first cold run also primes the warm scenario's cache entry, saved as the action saves it.
  const cold: number[] = [];
  let saveMs = 0;
  for (let i = 0; i < RUNS; i++) {
    await wipe();
    cold.push(await timed(() => buildAll(TARGETS)));
    console.log(`  cold run ${i + 1}: ${seconds(cold.at(-1)!)}`);
    if (i === 0) {
      const state = await quietly(() => restoreGoCache(restoreOptions(TARGETS)));
      saveMs = await timed(async () => {
        await quietly(() => saveGoCache(state));
      });
      console.log(`  saved the six-target cache in ${seconds(saveMs)}`);
    }
  }

  const warm: number[] = [];
  const warmRestore: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await wipe();
    let restoreMs = 0;
    const total = await timed(async () => {
      restoreMs = await timed(async () => {
        const state = await quietly(() => restoreGoCache(restoreOptions(TARGETS)));
        if (state.summary.hit !== 'exact')
          throw new Error(`warm run expected an exact hit, got ${state.summary.hit}`);
      });
      await buildAll(TARGETS);
    });
    warm.push(total);
    warmRestore.push(restoreMs);
    console.log(`  warm run ${i + 1}: ${seconds(total)} (restore ${seconds(restoreMs)})`);
  }

  // setup-go: its key has no target set, so whichever job saves first (here the one-target test job) wins.
  const key = await setupGoKey();
  await wipe();
  await buildAll(CI_TEST_JOB_TARGETS);
  await quietly(() => cache.saveCache([modCache, buildCache], key));
  const setupGo: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await wipe();
    setupGo.push(
      await timed(async () => {
        const matched = await quietly(() => cache.restoreCache([modCache, buildCache], key));
        if (matched !== key) throw new Error('setup-go style run expected its exact hit');
        await buildAll(TARGETS);
      }),
    );
    console.log(`  setup-go style run ${i + 1}: ${seconds(setupGo.at(-1)!)}`);
  }

  let goreleaser: { cold: Stats; warm: Stats; speedup: number } | { skipped: string };
  const hasGoreleaser = await fs.access(GORELEASER).then(
    () => true,
    () => false,
  );
  if (args['no-goreleaser'] || !hasGoreleaser) {
    goreleaser = { skipped: hasGoreleaser ? '--no-goreleaser' : `${GORELEASER} not found` };
  } else {
    await fs.writeFile(path.join(app, '.goreleaser.yaml'), GORELEASER_CONFIG);
    await fs.writeFile(path.join(app, '.gitignore'), 'out/\ndist/\n');
    const git = (gitArgs: string[]) => exec.exec('git', gitArgs, { cwd: app, silent: true });
    await git(['init', '-q']);
    await git(['add', '.']);
    await git([
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@example.com',
      'commit',
      '-q',
      '-m',
      'fixture',
    ]);
    const grCold: number[] = [];
    const grWarm: number[] = [];
    for (let i = 0; i < GORELEASER_RUNS; i++) {
      await wipe();
      grCold.push(await timed(goreleaserBuild));
      console.log(`  goreleaser cold run ${i + 1}: ${seconds(grCold.at(-1)!)}`);
    }
    for (let i = 0; i < GORELEASER_RUNS; i++) {
      await wipe();
      grWarm.push(
        await timed(async () => {
          await quietly(() => restoreGoCache(restoreOptions(TARGETS)));
          await goreleaserBuild();
        }),
      );
      console.log(`  goreleaser warm run ${i + 1}: ${seconds(grWarm.at(-1)!)}`);
    }
    const c = stats(grCold);
    const w = stats(grWarm);
    goreleaser = { cold: c, warm: w, speedup: Number((c.median / w.median).toFixed(2)) };
  }

  const coldStats = stats(cold);
  const warmStats = stats(warm);
  const setupGoStats = stats(setupGo);
  const entries = services.cache.saved().map((e) => ({ key: e.key, bytes: e.size }));
  const result = {
    fixture: 'test/fixtures/gin-app',
    targets: TARGETS.map((t) => t.id),
    runs: RUNS,
    machine: {
      cores: os.availableParallelism(),
      loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(1))),
    },
    coldMs: coldStats,
    warmMs: warmStats,
    warmRestoreMs: stats(warmRestore),
    setupGoStyleMs: setupGoStats,
    saveMs,
    cacheEntries: entries,
    speedupWarmVsCold: Number((coldStats.median / warmStats.median).toFixed(2)),
    speedupWarmVsSetupGo: Number((setupGoStats.median / warmStats.median).toFixed(2)),
    goalWarmAtLeast3xFaster: coldStats.median / warmStats.median >= 3,
    goreleaser,
    benchSeconds: Math.round((performance.now() - benchStarted) / 1000),
  };

  console.log('');
  console.log(`cold (nothing restored):            ${show(coldStats)}`);
  console.log(
    `warm (restoreGoCache, exact hit):   ${show(warmStats)}; restore alone ${show(result.warmRestoreMs)}`,
  );
  console.log(`setup-go style (one-target key):    ${show(setupGoStats)}`);
  console.log(
    `warm vs cold: ${result.speedupWarmVsCold}x faster (goal >= 3x: ${result.goalWarmAtLeast3xFaster ? 'met' : 'NOT met'})`,
  );
  console.log(`warm vs setup-go style: ${result.speedupWarmVsSetupGo}x faster`);
  for (const e of entries) console.log(`cache entry ${e.key}: ${(e.bytes / 1024 / 1024).toFixed(1)} MiB`);
  if ('skipped' in goreleaser) console.log(`goreleaser: skipped (${goreleaser.skipped})`);
  else
    console.log(
      `goreleaser build --snapshot: cold ${show(goreleaser.cold)}, warm ${show(goreleaser.warm)}, ${goreleaser.speedup}x`,
    );

  await fs.mkdir(path.resolve(import.meta.dirname, 'results'), { recursive: true });
  await fs.writeFile(
    path.resolve(import.meta.dirname, 'results/cache.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log('wrote bench/results/cache.json');
} finally {
  await cleanUp();
}
