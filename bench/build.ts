// Build stage on the gin fixture, six targets, compile time rather than cache hits:
//  (a) runBuilds: our pool at the default parallelism (the machine's cores, as the action's default);
//  (b) the same `go build` commands one after another;
//  (c) `goreleaser build --snapshot --clean` with an equivalent .goreleaser.yaml, when goreleaser is installed.
// Every run gets an empty GOCACHE of its own (so the standard library and every dependency are compiled each
// time); the module cache stays warm (module downloads are not what is measured). Scenarios take turns within
// each round so that a change in machine load hits all of them alike.
// Run: node --import tsx bench/build.ts [--runs 3] [--targets "linux/amd64, ..."]
// Writes bench/results/build.json.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as exec from '@actions/exec';
import { runBuilds } from '../src/build/compile.js';
import { type BuildPlan, buildProcessEnv, planBuilds } from '../src/build/plan.js';
import { parseTargets } from '../src/build/targets.js';
import { seconds, show, stats, type Stats } from './stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    targets: {
      type: 'string',
      default: 'linux/amd64, linux/arm64, linux/arm/v7, darwin/amd64, darwin/arm64, windows/amd64',
    },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const TARGETS = parseTargets(args.targets);
const PARALLELISM = os.availableParallelism();
const GORELEASER = '/usr/local/bin/goreleaser';
const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/gin-app');
const RESULTS = path.resolve(import.meta.dirname, 'results/build.json');
const RELEASE = { version: '1.0.0', commit: '', date: '2024-05-01T12:00:00Z', epoch: 1714564800, ref: '' };

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function git(cwd: string, gitArgs: string[]): Promise<string> {
  const result = await exec.getExecOutput('git', gitArgs, {
    cwd,
    silent: true,
    env: {
      ...(process.env as Record<string, string>),
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
      GIT_COMMITTER_DATE: RELEASE.date,
      GIT_AUTHOR_DATE: RELEASE.date,
    },
  });
  return result.stdout.trim();
}

/** Runs `work` with GOCACHE pointing at a fresh empty folder, removed afterwards. */
async function withColdCache(scratch: string, work: () => Promise<void>): Promise<number> {
  const gocache = await fs.mkdtemp(path.join(scratch, 'gocache-'));
  const saved = process.env['GOCACHE'];
  process.env['GOCACHE'] = gocache;
  try {
    const started = performance.now();
    await work();
    return Math.round(performance.now() - started);
  } finally {
    if (saved === undefined) delete process.env['GOCACHE'];
    else process.env['GOCACHE'] = saved;
    await fs.rm(gocache, { recursive: true, force: true });
  }
}

async function quietly<T>(work: () => Promise<T>): Promise<T> {
  // runBuilds prints a log group per target; keep the benchmark's output to its figures.
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

function goreleaserConfig(): string {
  // goreleaser names explicit targets goos_goarch[_variant]: arm as _7, amd64 as _v1.._v4, arm64 as _v8.0...
  const defaults: Record<string, string> = { arm: 'v7', amd64: 'v1', arm64: 'v8.0' };
  const targets = TARGETS.map((t) => {
    const variant = t.variant || defaults[t.goarch] || '';
    return `${t.goos}_${t.goarch}${variant ? `_${t.goarch === 'arm' ? variant.slice(1) : variant}` : ''}`;
  });
  return `version: 2
project_name: gin-app
builds:
  - main: .
    binary: gin-app
    env: [CGO_ENABLED=0]
    flags: [-trimpath, -buildvcs=false]
    ldflags: ["-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.CommitDate}}"]
    targets: [${targets.join(', ')}]
`;
}

async function goreleaserAvailable(): Promise<{ version: string } | { reason: string }> {
  try {
    await fs.access(GORELEASER);
  } catch {
    return {
      reason: `${GORELEASER} not found (its go install did not finish; see /tmp/warm/goreleaser.log)`,
    };
  }
  const result = await exec.getExecOutput(GORELEASER, ['--version'], {
    silent: true,
    ignoreReturnCode: true,
  });
  const version = /GitVersion:\s*(\S+)/.exec(result.stdout)?.[1];
  return result.exitCode === 0 && version
    ? { version }
    : { reason: `${GORELEASER} --version failed: ${result.stderr.trim()}` };
}

async function sequential(plans: BuildPlan[], cwd: string): Promise<void> {
  for (const plan of plans) {
    await fs.mkdir(path.dirname(plan.output), { recursive: true });
    const code = await exec.exec('go', plan.args, {
      cwd,
      env: buildProcessEnv(plan.env, process.env),
      silent: true,
      ignoreReturnCode: true,
    });
    if (code !== 0) throw new Error(`go build for ${plan.target.id} failed with exit code ${code}`);
  }
}

const benchStarted = performance.now();
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-bench-build-'));
try {
  const app = path.join(scratch, 'app');
  await fs.cp(FIXTURE, app, { recursive: true, filter: (source) => source !== path.join(FIXTURE, 'dist') });
  // goreleaser wants a git repository with a commit; the same commit is stamped into our builds.
  await git(app, ['init', '-q', '-b', 'main']);
  await git(app, ['add', '-A']);
  await git(app, ['commit', '-q', '-m', 'bench']);
  const release = { ...RELEASE, commit: await git(app, ['rev-parse', 'HEAD']) };

  const planFor = (outputDir: string): BuildPlan[] =>
    planBuilds({
      workingDirectory: app,
      goBinary: 'go',
      targets: TARGETS,
      main: '.',
      binaryName: 'gin-app',
      outputDir,
      binaryTemplate: '{name}_{os}_{arch}{variant}/{name}{ext}',
      release,
      ldflags: [],
      versionVariable: 'main.version',
      commitVariable: 'main.commit',
      dateVariable: 'main.date',
      buildTags: [],
      buildFlags: [],
      buildEnv: [],
      cgo: false,
      parallelism: PARALLELISM,
    });

  const goreleaser = await goreleaserAvailable();
  if ('version' in goreleaser) await fs.writeFile(path.join(app, '.goreleaser.yaml'), goreleaserConfig());
  const goVersion = (await exec.getExecOutput('go', ['env', 'GOVERSION'], { silent: true })).stdout.trim();

  console.log(
    `gin fixture, ${TARGETS.length} targets (${TARGETS.map((t) => t.id).join(', ')}), ${RUNS} run(s) per scenario`,
  );
  console.log(
    `${goVersion}, ${PARALLELISM} cores, empty GOCACHE per run, warm module cache; load average at start: ${load()}`,
  );

  const measured: Record<'pool' | 'sequential' | 'goreleaser', number[]> = {
    pool: [],
    sequential: [],
    goreleaser: [],
  };
  for (let round = 0; round < RUNS; round++) {
    const order = (['pool', 'sequential', 'goreleaser'] as const).map(
      (_, i, all) => all[(i + round) % all.length]!,
    );
    for (const scenario of order) {
      const out = await fs.mkdtemp(path.join(scratch, `out-${scenario}-`));
      let ms: number;
      if (scenario === 'pool') {
        ms = await withColdCache(scratch, async () => {
          const outcomes = await quietly(() => runBuilds(planFor(out), PARALLELISM, 'go', app));
          const failed = outcomes.filter((o) => !o.ok);
          if (failed.length > 0)
            throw new Error(
              `runBuilds failed for ${failed.map((o) => `${o.plan.target.id}: ${o.output}`).join('\n')}`,
            );
        });
      } else if (scenario === 'sequential') {
        ms = await withColdCache(scratch, () => sequential(planFor(out), app));
      } else {
        if (!('version' in goreleaser)) continue;
        ms = await withColdCache(scratch, async () => {
          const result = await exec.getExecOutput(GORELEASER, ['build', '--snapshot', '--clean'], {
            cwd: app,
            silent: true,
            ignoreReturnCode: true,
          });
          if (result.exitCode !== 0)
            throw new Error(`goreleaser build failed:\n${result.stdout}\n${result.stderr}`);
        });
      }
      measured[scenario].push(ms);
      console.log(`  round ${round + 1} ${scenario.padEnd(10)} ${seconds(ms)}  (load ${load()})`);
      await fs.rm(out, { recursive: true, force: true });
    }
  }

  const pool = stats(measured.pool);
  const seq = stats(measured.sequential);
  const gr = 'version' in goreleaser ? stats(measured.goreleaser) : undefined;
  const ratio = (a: Stats, b: Stats): number => Number((a.median / b.median).toFixed(2));
  const result = {
    benchmark: 'build',
    date: new Date().toISOString(),
    fixture: 'test/fixtures/gin-app',
    targets: TARGETS.map((t) => t.id),
    goVersion,
    cores: PARALLELISM,
    parallelism: PARALLELISM,
    method:
      'wall time of the build stage; empty GOCACHE per run (compile time, not cache hits); warm GOMODCACHE; scenarios interleaved per round',
    loadAverageAtEnd: os.loadavg(),
    runBuildsMs: pool,
    sequentialMs: seq,
    goreleaser:
      gr && 'version' in goreleaser
        ? { version: goreleaser.version, ms: gr }
        : { notMeasured: 'reason' in goreleaser ? goreleaser.reason : '' },
    ratios: {
      sequentialOverRunBuilds: ratio(seq, pool),
      ...(gr ? { goreleaserOverRunBuilds: ratio(gr, pool) } : {}),
    },
    totalBenchMs: Math.round(performance.now() - benchStarted),
  };

  console.log('');
  console.log(`runBuilds (parallelism ${PARALLELISM}): ${show(pool)}`);
  console.log(
    `sequential go build:      ${show(seq)}  -> ${result.ratios.sequentialOverRunBuilds}x the pool's median`,
  );
  if (gr && 'version' in goreleaser) {
    console.log(
      `goreleaser ${goreleaser.version} build:  ${show(gr)}  -> ${result.ratios.goreleaserOverRunBuilds}x the pool's median`,
    );
  } else if ('reason' in goreleaser) {
    console.log(`goreleaser: not measured (${goreleaser.reason})`);
  }
  console.log(`total ${seconds(result.totalBenchMs)}`);
  await fs.mkdir(path.dirname(RESULTS), { recursive: true });
  await fs.writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
} finally {
  await fs.rm(scratch, { recursive: true, force: true });
}
