// A cancelled or ending action leaves no smoke-test process behind, and the cleanup never keeps it alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { makeTempDir } from '../support/fixtures.js';
import { buildFixtures, isAlive, processesMentioning, waitDead } from '../support/smoke-fixtures.js';

const CHILD_SCRIPT = path.resolve(import.meta.dirname, '../support/smoke-child.ts');
/** Bounds every wait on the stand-in action process; none should come near it. */
const CHILD_LIMIT_MS = 60_000;

let dir = '';
let bin: Record<string, string> = {};
const started: ChildProcess[] = [];

beforeAll(async () => {
  dir = await makeTempDir('smoke-cancel');
  bin = await buildFixtures(dir, [
    { source: 'silent', name: 'silent' },
    { source: 'good', name: 'good' },
  ]);
});

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && isAlive(child.pid)) child.kill('SIGKILL');
  }
  const left = processesMentioning(dir);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  expect(left).toEqual([]);
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  /** The stand-in's RUNNER_TEMP, where the smoke test's sandbox folder is made. */
  runnerTemp: string;
  /** The fixture's PIDs, once the script has seen them running. */
  fixturePids: Promise<number[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function runChild(mode: 'wait' | 'exit' | 'finish', binary: string): Run {
  const runnerTemp = mkdtempSync(path.join(dir, 'runner-temp-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, mode, binary], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, RUNNER_TEMP: runnerTemp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  const fixturePids = new Promise<number[]>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^FIXTURE ([\d,]*)$/m.exec(output);
      if (match) resolve(match[1]!.split(',').filter(Boolean).map(Number));
    });
    child.once('exit', () => reject(new Error(`the script exited before it saw the fixture:\n${output}`)));
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve, reject) => {
      const limit = setTimeout(
        () => reject(new Error(`still running after ${CHILD_LIMIT_MS} ms:\n${output}`)),
        CHILD_LIMIT_MS,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(limit);
        resolve({ code, signal, output });
      });
    },
  );
  fixturePids.catch(() => undefined);
  return { child, runnerTemp, fixturePids, exited };
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  '%s to the action kills the running binary and still ends the action',
  async (signal) => {
    const run = runChild('wait', bin['silent']!);
    const pids = await run.fixturePids;
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0]!)).toBe(true);
    expect(readdirSync(run.runnerTemp)).toEqual([expect.stringMatching(/^gin-release-smoke-/)]);
    run.child.kill(signal);
    const exit = await run.exited;
    // Ended by the signal itself: the cleanup listener re-raised it instead of swallowing it.
    expect(exit).toMatchObject({ code: null, signal });
    expect(await waitDead(pids[0]!)).toBe(true);
    // The app's sandbox folder went with it.
    expect(readdirSync(run.runnerTemp)).toEqual([]);
  },
);

test('process.exit in the middle of a smoke test kills the running binary', async () => {
  const run = runChild('exit', bin['silent']!);
  const pids = await run.fixturePids;
  expect(pids).toHaveLength(1);
  const exit = await run.exited;
  expect(exit.code).toBe(7);
  expect(await waitDead(pids[0]!)).toBe(true);
  expect(readdirSync(run.runnerTemp)).toEqual([]);
});

test('the cleanup handlers do not keep a finished action alive', async () => {
  const run = runChild('finish', bin['good']!);
  const exit = await run.exited;
  expect(exit.output).toContain('RESULT passed');
  expect(exit).toMatchObject({ code: 0, signal: null });
});
