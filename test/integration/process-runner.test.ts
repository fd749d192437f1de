// The one process runner and the reaper, with real processes: the environment children see, the bounded output,
// and that a process which left its group (setsid) is still found by the tracking variable and ended.
import { afterAll, describe, expect, test } from 'vitest';
import { TRACKING_ID, TRACKING_VARIABLE } from '../../src/util/process/env.js';
import { endTrackedProcesses, environHolds, trackedProcesses } from '../../src/util/process/reaper.js';
import { runCommand } from '../../src/util/process/run.js';

afterAll(async () => {
  await endTrackedProcesses(2000);
});

describe('runCommand', () => {
  test('children get the runner environment without inputs, runtime tokens and file commands, plus the tracking id', async () => {
    const result = await runCommand('env', [], {
      baseEnv: {
        PATH: process.env['PATH'],
        HOME: '/home/runner',
        'INPUT_REGISTRY-PASSWORD': 'hunter2',
        ACTIONS_RUNTIME_TOKEN: 'jwt',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
        GITHUB_OUTPUT: '/runner/output',
        GITHUB_ENV: '/runner/env',
        GITHUB_STEP_SUMMARY: '/runner/summary',
        GITHUB_SHA: 'abc',
      },
      env: { GOOS: 'linux' },
    });
    const seen = new Map(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(result.exitCode).toBe(0);
    expect(seen.get('HOME')).toBe('/home/runner');
    expect(seen.get('GITHUB_SHA')).toBe('abc');
    expect(seen.get('GOOS')).toBe('linux');
    expect(seen.get(TRACKING_VARIABLE)).toBe(TRACKING_ID);
    for (const hidden of [
      'INPUT_REGISTRY-PASSWORD',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_STEP_SUMMARY',
    ]) {
      expect(seen.has(hidden), hidden).toBe(false);
    }
  });

  test('a command that cannot be started gives exit code -1 and says why', async () => {
    const result = await runCommand('/nonexistent/tool', ['x']);
    expect(result.exitCode).toBe(-1);
    expect(result.output.excerpt(5, 5)).toMatch(/nonexistent/);
  });

  test('a noisy command keeps its first and last lines, the middle counted', async () => {
    const result = await runCommand('seq', ['1', '5000'], { headLines: 3, tailLines: 3 });
    expect(result.exitCode).toBe(0);
    expect(result.output.excerpt(3, 3).split('\n')).toEqual([
      '1',
      '2',
      '3',
      '… (4994 lines not shown) …',
      '4998',
      '4999',
      '5000',
    ]);
  });

  test('standard input reaches the command', async () => {
    const result = await runCommand('cat', [], { input: Buffer.from('secret-from-stdin') });
    expect(result.stdout).toBe('secret-from-stdin');
  });
});

describe('the reaper', () => {
  test('environHolds matches whole NAME=value entries only', () => {
    expect(environHolds('A=1\0T=x\0', 'T', 'x')).toBe(true);
    expect(environHolds('A=1\0T=xy\0', 'T', 'x')).toBe(false);
    expect(environHolds('AT=x\0', 'T', 'x')).toBe(false);
  });

  test('a process that escaped into its own session is found by the tracking id and ended', async () => {
    // The command returns at once; the sleeper it leaves behind is in a new session, out of every process group.
    const started = await runCommand('setsid', ['--fork', 'sleep', '300']);
    expect(started.exitCode).toBe(0);
    let found = trackedProcesses();
    for (let i = 0; i < 50 && !found.some((p) => p.command === 'sleep'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      found = trackedProcesses();
    }
    const sleeper = found.find((p) => p.command === 'sleep');
    expect(sleeper, JSON.stringify(found)).toBeDefined();
    const ended = await endTrackedProcesses(3000);
    expect(ended.map((p) => p.pid)).toContain(sleeper!.pid);
    expect(trackedProcesses().map((p) => p.pid)).not.toContain(sleeper!.pid);
  });

  test('processes of another tracking id are left alone', async () => {
    await runCommand('setsid', ['--fork', 'sleep', '300']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await endTrackedProcesses(100, 'someone-else')).toEqual([]);
    expect(trackedProcesses().some((p) => p.command === 'sleep')).toBe(true);
  });
});
