// What the build stage prints while it works: the start line, the heartbeat's words, and a heartbeat timer that
// fires while builds run, stays quiet between them, never holds the process open and stops with the stage.
import { describe, expect, test } from 'vitest';
import { BuildProgress, buildStartLine, cacheStatus, heartbeatLine } from '../../src/build/progress.js';

describe('lines', () => {
  test.each<[string[], number, string, string]>([
    [
      ['linux/amd64', 'linux/arm64', 'windows/amd64'],
      2,
      cacheStatus('off'),
      'Building 3 target(s), 2 at a time, cold: cache: false: linux/amd64, linux/arm64, windows/amd64',
    ],
    [
      ['linux/amd64'],
      8,
      cacheStatus('exact'),
      'Building 1 target(s), 1 at a time, Go caches restored (exact key): linux/amd64',
    ],
    [
      ['a/b', 'c/d'],
      2,
      cacheStatus('miss'),
      'Building 2 target(s), 2 at a time, cold: no Go cache saved yet for this key: a/b, c/d',
    ],
  ])('%j at %d', (targets, parallelism, cache, line) => {
    expect(buildStartLine(targets, parallelism, cache)).toBe(line);
  });

  test.each<[Array<{ id: string; ms: number }>, number, number, string]>([
    [
      [
        { id: 'linux/amd64', ms: 30_000 },
        { id: 'linux/arm64', ms: 29_500 },
      ],
      0,
      6,
      'Still building linux/amd64 (30.0 s), linux/arm64 (29.5 s); 0 of 6 done, 4 waiting.',
    ],
    [[{ id: 'darwin/arm64', ms: 95_000 }], 5, 6, 'Still building darwin/arm64 (1 min 35 s); 5 of 6 done.'],
  ])('%j', (running, finished, total, line) => {
    expect(heartbeatLine(running, finished, total)).toBe(line);
  });
});

/** Resolves once `lines` holds `count` entries, polling every 5 ms for at most 2 s. */
async function waitForLines(lines: string[], count: number): Promise<void> {
  for (let i = 0; i < 400 && lines.length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('BuildProgress', () => {
  test('beats while a build runs, names it with its time, and is silent after stop', async () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = new BuildProgress(
      2,
      (line) => lines.push(line),
      10,
      () => clock,
    );
    progress.started('linux/amd64');
    clock = 30_000;
    await waitForLines(lines, 2);
    progress.done('linux/amd64');
    progress.stop();
    const seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBe(seen);
    expect(lines.at(-1)).toBe('Still building linux/amd64 (30.0 s); 0 of 2 done, 1 waiting.');
  });

  test('says nothing while no build runs, and its timer does not keep the process alive', async () => {
    const lines: string[] = [];
    const progress = new BuildProgress(1, (line) => lines.push(line), 5);
    const timer = (progress as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    progress.stop();
    expect(lines).toEqual([]);
  });
});
