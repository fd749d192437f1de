// Smoke-stage speed: time to the first healthy answer and total time per target, native and under qemu, with our
// growing poll against a fixed 1 s poll (the `until curl ...; do sleep 1; done` of release scripts).
// Run: node --import tsx bench/smoke.ts   (writes bench/results/smoke.json)
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseTarget } from '../src/build/targets.js';
import { findEmulators } from '../src/smoke/emulator.js';
import { smokeBinary } from '../src/smoke/healthz.js';
import { DEFAULT_POLL, type PollSchedule } from '../src/smoke/plan.js';
import { runSmokeTargets } from '../src/smoke/stage.js';
import { GIN_APP, makeTempDir } from '../test/support/fixtures.js';
import { buildFixtures, smokeOptions } from '../test/support/smoke-fixtures.js';

const RUNS = 5;
const FIXED_1S: PollSchedule = { firstMs: 1000, factor: 1, maxMs: 1000 };
const TARGETS = [
  { id: 'linux/amd64', goarch: 'amd64', goarm: undefined, emulatorArch: null },
  { id: 'linux/arm64', goarch: 'arm64', goarm: undefined, emulatorArch: 'arm64' },
  { id: 'linux/arm/v7', goarch: 'arm', goarm: '7', emulatorArch: 'arm' },
] as const;

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

const show = (s: Stats): string => `${s.median} ms (min ${s.min}, max ${s.max})`;

const dir = await makeTempDir('bench-smoke');
try {
  const source = GIN_APP;
  const fixture = 'test/fixtures/gin-app';
  const bins = await buildFixtures(
    dir,
    TARGETS.map((t) => ({ source, name: t.id.replaceAll('/', '-'), goarch: t.goarch, goarm: t.goarm })),
  );
  const emulators = await findEmulators();
  const rows: Array<Record<string, unknown>> = [];
  for (const target of TARGETS) {
    const emulator = target.emulatorArch ? emulators.get(target.emulatorArch) : undefined;
    if (target.emulatorArch && !emulator) {
      console.log(`${target.id}: no emulator, not measured`);
      continue;
    }
    const measure = async (poll: PollSchedule) => {
      const ready: number[] = [];
      const total: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const result = await smokeBinary(
          bins[target.id.replaceAll('/', '-')]!,
          emulator,
          smokeOptions({ poll }),
        );
        total.push(Math.round(performance.now() - started));
        if (result.status !== 'passed') throw new Error(`${target.id} did not pass: ${result.reason}`);
        ready.push(result.readyMs!);
      }
      return { ready: stats(ready), total: stats(total) };
    };
    const ours = await measure(DEFAULT_POLL);
    const fixed = await measure(FIXED_1S);
    rows.push({
      target: target.id,
      runner: emulator ? path.basename(emulator.path) : 'native',
      readyMs: ours.ready,
      totalMs: ours.total,
      fixedPollReadyMs: fixed.ready,
      fixedPollTotalMs: fixed.total,
      speedup: Math.round((fixed.total.median / ours.total.median) * 10) / 10,
    });
  }

  const stageTotals: number[] = [];
  const items = TARGETS.map((t) => ({ target: parseTarget(t.id), binary: bins[t.id.replaceAll('/', '-')]! }));
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const results = await runSmokeTargets(items, { mode: 'auto' }, smokeOptions(), { emulators });
    stageTotals.push(Math.round(performance.now() - started));
    for (const [id, result] of results)
      if (result.status !== 'passed') throw new Error(`${id}: ${result.reason}`);
  }
  const stage = stats(stageTotals);

  console.log(`\nSmoke stage on ${fixture}, ${RUNS} runs each (median, min, max)\n`);
  for (const row of rows) {
    console.log(
      `${String(row['target']).padEnd(13)} ${String(row['runner']).padEnd(20)} ready ${show(row['readyMs'] as Stats)}; ` +
        `total ${show(row['totalMs'] as Stats)}; fixed 1 s poll total ${show(row['fixedPollTotalMs'] as Stats)} ` +
        `(${String(row['speedup'])}x)`,
    );
  }
  console.log(`whole stage, ${TARGETS.map((t) => t.id).join(' + ')}: ${show(stage)}`);
  const native = rows.find((row) => row['runner'] === 'native');
  const nativeTotal = (native?.['totalMs'] as Stats | undefined)?.median;
  console.log(
    `goal: under 1 s per native target -> ${nativeTotal !== undefined && nativeTotal < 1000 ? 'met' : 'NOT met'} (${nativeTotal} ms)`,
  );

  const out = path.resolve(import.meta.dirname, 'results/smoke.json');
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(
    out,
    `${JSON.stringify({ fixture, runs: RUNS, poll: DEFAULT_POLL, targets: rows, stageMs: stage, date: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`written ${path.relative(process.cwd(), out)}`);
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
