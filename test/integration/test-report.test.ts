// scripts/test-report.mjs on what vitest really reports: each fixture suite under test/fixtures/vitest-report breaks
// in one way (a hook that throws or times out, an unhandled rejection, an import error, a global setup that fails),
// vitest runs it as a child, and the closing line must count it as failed, with a non-zero exit code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/vitest-report');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
const REPORT_SCRIPT = path.join(ROOT, 'scripts/test-report.mjs');
const CHILD_TIMEOUT_MS = 120_000;

let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-test-report-'));
});

afterAll(async () => {
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

/** This process's environment without what vitest set for its own workers, so the child is a run of its own. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'TEST' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return { ...env, ...extra };
}

interface VitestRun {
  report: string;
  exit: number;
  output: string;
}

const runs = new Map<string, VitestRun>();

/** `vitest run` of one fixture file with the JSON reporter, as scripts/test.sh runs a project; once per arguments. */
function runVitest(
  fixture: string,
  extraEnv: Record<string, string> = {},
  extraArgs: string[] = [],
): VitestRun {
  const key = JSON.stringify([fixture, extraEnv, extraArgs]);
  const done = runs.get(key);
  if (done) return done;
  const report = path.join(scratch, `run-${runs.size}.json`);
  const result = spawnSync(
    process.execPath,
    [
      VITEST,
      'run',
      '--config',
      path.join(FIXTURES, 'vitest.config.ts'),
      '--root',
      FIXTURES,
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extraArgs,
      `${fixture}.fixture.ts`,
    ],
    { cwd: ROOT, env: childEnv(extraEnv), encoding: 'utf8', timeout: CHILD_TIMEOUT_MS },
  );
  if (result.status === null) throw new Error(`vitest on ${fixture} did not finish: ${String(result.error)}`);
  const run = { report, exit: result.status, output: `${result.stdout}${result.stderr}` };
  runs.set(key, run);
  return run;
}

function runReport(args: string[]): { exit: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, [REPORT_SCRIPT, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
  return { exit: result.status, lines: `${result.stdout}${result.stderr}`.trimEnd().split('\n') };
}

function projectArgs(name: string, run: VitestRun, seconds = 1): string[] {
  return [
    '--project',
    name,
    '--report',
    run.report,
    '--exit',
    String(run.exit),
    '--seconds',
    String(seconds),
  ];
}

describe('the closing line counts every kind of failure', () => {
  test.each([
    {
      fixture: 'broken-hook',
      closing: 'tests: 1 passed, 1 failed, 2 skipped',
      cause: /broken-hook\.fixture\.ts: a hook or a describe block failed/,
    },
    {
      fixture: 'hook-timeout',
      closing: 'tests: 1 passed, 1 failed, 1 skipped',
      cause: /hook-timeout\.fixture\.ts: a hook or a describe block failed/,
    },
    {
      fixture: 'broken-after-all',
      closing: 'tests: 1 passed, 1 failed, 0 skipped',
      cause: /broken-after-all\.fixture\.ts: deliberately broken afterAll/,
    },
    {
      fixture: 'unhandled',
      closing: 'tests: 1 passed, 1 failed, 0 skipped',
      cause: /vitest exited with code 1 although no test failed: an unhandled error/,
    },
    {
      fixture: 'import-error',
      closing: 'tests: 0 passed, 1 failed, 0 skipped',
      cause: /import-error\.fixture\.ts: .*no-such-module\.js/,
    },
  ])('$fixture: $closing, exit 1', ({ fixture, closing, cause }) => {
    const run = runVitest(fixture);
    expect(run.exit, run.output).toBe(1);
    const report = runReport(projectArgs('fixture', run));
    expect(report.lines.at(-1)).toBe(closing);
    expect(report.lines.join('\n')).toMatch(cause);
    expect(report.exit).toBe(1);
  });

  test('a global setup that fails: vitest reports no file at all, and the run counts as 1 failed', () => {
    const run = runVitest('passing', { BREAK_GLOBAL_SETUP: '1' });
    expect(run.exit, run.output).toBe(1);
    expect(run.output).toContain('deliberately broken global setup');
    const report = runReport(projectArgs('fixture', run));
    expect(report.lines.at(-1)).toBe('tests: 0 passed, 1 failed, 0 skipped');
    expect(report.exit).toBe(1);
  });

  test('a missing report is a failed project', () => {
    const report = runReport([
      '--project',
      'gone',
      '--report',
      path.join(scratch, 'nope.json'),
      '--exit',
      '1',
    ]);
    expect(report.lines.at(-1)).toBe('tests: 0 passed, 1 failed, 0 skipped');
    expect(report.lines.join('\n')).toMatch(/gone FAILED: no vitest report/);
    expect(report.exit).toBe(1);
  });
});

describe('a passing run', () => {
  test('counts passed and skipped tests and exits 0', () => {
    const run = runVitest('passing');
    expect(run.exit, run.output).toBe(0);
    const report = runReport(projectArgs('fixture', run));
    expect(report.lines.at(-1)).toBe('tests: 2 passed, 0 failed, 1 skipped');
    expect(report.exit).toBe(0);
  });

  test('several projects merge into one closing line, after one line per project and step with its time', () => {
    const passing = runVitest('passing');
    const broken = runVitest('broken-hook');
    const report = runReport([
      '--step',
      'setup=12.5',
      ...projectArgs('unit', passing, 3.25),
      ...projectArgs('integration', broken, 61),
    ]);
    expect(report.lines).toEqual([
      'setup           12.5 s',
      'unit             3.3 s   2 passed · 0 failed · 1 skipped',
      'integration     61.0 s   1 passed · 1 failed · 2 skipped',
      expect.stringMatching(
        /^ {2}integration FAILED: test\/fixtures\/vitest-report\/broken-hook\.fixture\.ts: /,
      ),
      'total           76.8 s',
      'tests: 3 passed, 1 failed, 3 skipped',
    ]);
    expect(report.exit).toBe(1);
  });

  test('a run in which no test ran is not a pass, though vitest itself exits 0', () => {
    const run = runVitest('no-such', {}, ['--passWithNoTests']);
    expect(run.exit, run.output).toBe(0);
    const report = runReport(projectArgs('empty', run));
    expect(report.lines.slice(-2)).toEqual([
      'no test passed: a run that tests nothing is not a pass',
      'tests: 0 passed, 0 failed, 0 skipped',
    ]);
    expect(report.exit).toBe(1);
  });
});
