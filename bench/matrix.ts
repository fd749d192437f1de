// A six-target release of the gin fixture through the bundled action (dist/index.js), two ways, wall time:
//  (a) one job builds, smoke-tests, archives and uploads all six targets;
//  (b) three shard jobs (two targets each) run at the same time, then a merge job (no Go on PATH) ships them.
// Every job gets an empty GOCACHE and its own checkout, TMPDIR and runtime token in one run of the fake artifact
// service (Azurite behind it), so uploads and downloads are real. The module cache stays warm (GOPROXY=off).
// On one machine the shards share its cores; on GitHub each has its own runner, which is where (b) gains.
// Scenarios take turns within each round so a change in load hits both alike. Also records the shard artifacts'
// sizes. Run: node --import tsx bench/matrix.ts [--runs 1]   (npm run bundle first). Writes bench/results/matrix.json.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cleanup, workspaceFrom, type ActionRun } from '../test/support/action-run.js';
import { newBackendIds, startGithubServices } from '../test/support/github-services.js';
import { checkout, newJob, pathWithoutGo, runJob, scratchRoot } from '../test/support/matrix-run.js';
import { seconds, show, stats, type Stats } from './stats.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
const RUNS = Math.max(1, Number(args.runs));
const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/gin-app');
const RESULTS = path.resolve(import.meta.dirname, 'results/matrix.json');
const TARGETS = 'linux/amd64, linux/arm64, linux/arm/v7, darwin/amd64, darwin/arm64, windows/amd64';
const SHARDS = ['linux/amd64, linux/arm64', 'linux/arm/v7, windows/amd64', 'darwin/amd64, darwin/arm64'];
const COMMON = { 'go-version': '1.26.8', cache: 'false' };
const TIMEOUT_MS = 60 * 60_000;

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function ok(run: ActionRun, what: string): ActionRun {
  if (run.exitCode !== 0) throw new Error(`${what} failed (exit ${run.exitCode}):\n${run.log.slice(-3000)}`);
  return run;
}

interface Round {
  oneJobMs: number;
  shardsMs: number;
  mergeMs: number;
  splitMs: number;
  shardSizes: number[];
  shardStages: Array<Record<string, number>>;
  identicalChecksums: boolean;
}

/** "412 ms", "3.2 s", "2 min 5 s" (the summary's spelling) in milliseconds. */
function durationMs(text: string): number {
  const match = /^(?:(\d+) min )?([\d.]+) (ms|s)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1] ?? 0) * 60_000 + Number(match[2]) * (match[3] === 's' ? 1000 : 1);
}

/** Each stage's time from a run's job summary. */
const stageTimes = (run: ActionRun): Record<string, number> =>
  Object.fromEntries(
    [...run.summary.matchAll(/^\| ([^|]+) \| ((?:\d+ min )?[\d.]+ (?:ms|s)) \|$/gm)].map((m) => [
      m[1]!,
      durationMs(m[2]!),
    ]),
  );

async function round(servicesUrl: string, origin: string, root: string): Promise<Round> {
  const run = newBackendIds();
  const env = { GOPROXY: 'off', GOFLAGS: '-mod=readonly' };
  const started = performance.now();
  const single = ok(
    await runJob({
      workspace: checkout(origin, root, 'one-job'),
      inputs: { ...COMMON, targets: TARGETS, 'artifact-name': 'one-job' },
      job: newJob(servicesUrl, run, root, 'one-job', env),
      jobId: 'release',
      timeoutMs: TIMEOUT_MS,
    }),
    'one job',
  );
  const oneJobMs = performance.now() - started;
  console.log(`  one job: ${seconds(oneJobMs)} (load ${load()})`);

  const splitStarted = performance.now();
  const shards = await Promise.all(
    SHARDS.map(async (targets, i) =>
      ok(
        await runJob({
          workspace: checkout(origin, root, `shard${i}`),
          inputs: { ...COMMON, mode: 'shard', targets },
          job: newJob(servicesUrl, run, root, `shard${i}`, env),
          jobId: 'shard',
          timeoutMs: TIMEOUT_MS,
        }),
        `shard ${targets}`,
      ),
    ),
  );
  const shardsMs = performance.now() - splitStarted;
  const mergeStarted = performance.now();
  const merged = ok(
    await runJob({
      workspace: checkout(origin, root, 'merge'),
      inputs: { ...COMMON, mode: 'merge', targets: TARGETS },
      job: newJob(servicesUrl, run, root, 'merge', { ...env, PATH: pathWithoutGo() }),
      jobId: 'merge',
      timeoutMs: TIMEOUT_MS,
    }),
    'merge',
  );
  const mergeMs = performance.now() - mergeStarted;
  const splitMs = performance.now() - splitStarted;
  console.log(`  3 shards at once: ${seconds(shardsMs)}, merge ${seconds(mergeMs)} (load ${load()})`);

  const sums = async (r: ActionRun): Promise<string> => fs.readFile(r.outputs.get('checksums-file')!, 'utf8');
  const result: Round = {
    oneJobMs,
    shardsMs,
    mergeMs,
    splitMs,
    shardSizes: shards.map((s) => (JSON.parse(s.outputs.get('shards')!) as Array<{ size: number }>)[0]!.size),
    shardStages: shards.map(stageTimes),
    identicalChecksums: (await sums(single)) === (await sums(merged)),
  };
  for (const r of [single, ...shards, merged]) cleanup(r);
  return result;
}

const services = await startGithubServices();
const root = scratchRoot('bench-matrix');
const origin = workspaceFrom(FIXTURE);
try {
  const rounds: Round[] = [];
  for (let i = 0; i < RUNS; i++) {
    console.log(`round ${i + 1}/${RUNS} (load ${load()})`);
    rounds.push(await round(services.url, origin, root));
  }
  const summary: Record<string, Stats> = {
    'one job, six targets': stats(rounds.map((r) => r.oneJobMs)),
    'three shards at once': stats(rounds.map((r) => r.shardsMs)),
    merge: stats(rounds.map((r) => r.mergeMs)),
    'three shards + merge': stats(rounds.map((r) => r.splitMs)),
  };
  for (const [name, s] of Object.entries(summary)) console.log(`${name}: ${show(s)}`);
  const sizes = rounds.flatMap((r) => r.shardSizes);
  console.log(
    `shard artifacts: ${sizes.map((b) => `${(b / 1024 / 1024).toFixed(2)} MiB`).join(', ')} (two targets each, zip level 6)`,
  );
  console.log(`checksums.txt identical in every round: ${rounds.every((r) => r.identicalChecksums)}`);
  await fs.mkdir(path.dirname(RESULTS), { recursive: true });
  await fs.writeFile(
    RESULTS,
    `${JSON.stringify({ date: new Date().toISOString(), cores: os.availableParallelism(), targets: TARGETS, shards: SHARDS, summary, rounds }, null, 2)}\n`,
  );
} finally {
  await services.stop();
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(origin, { recursive: true, force: true });
}
