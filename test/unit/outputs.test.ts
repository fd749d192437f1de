// The outputs and summary are written once from the run's state: what was reached is set, the rest is not.
import { describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import { artifactRecords, outputValues, summaryData } from '../../src/outputs.js';
import { newRunState, type RunState } from '../../src/state.js';

const AMD64 = parseTarget('linux/amd64');
const ARM7 = parseTarget('linux/arm/v7');

function builtState(): RunState {
  const state = newRunState();
  state.go = { version: '1.26.8', goroot: '/go', goBinary: '/go/bin/go', source: 'runner' };
  state.release = { version: '1.2.3', commit: 'abc1234def', date: '2024-05-01T12:00:00Z', epoch: 1, ref: '' };
  state.build = {
    artifacts: [
      { target: AMD64, path: '/d/app_linux_amd64/app', size: 10, sha256: 'a'.repeat(64), static: true },
      { target: ARM7, path: '/d/app_linux_arm_v7/app', size: 9, sha256: 'b'.repeat(64), static: true },
    ],
    problems: [],
  };
  return state;
}

describe('outputValues', () => {
  test('nothing is set before the inputs were read', () => {
    expect(outputValues(newRunState())).toEqual([]);
  });

  test('a run that stopped after the build sets what it reached, each output once', () => {
    const names = outputValues(builtState()).map(([name]) => name);
    expect(names).toEqual(['go-version', 'go-source', 'artifacts', 'version']);
    expect(new Set(names).size).toBe(names.length);
  });

  test('artifacts carry the smoke result and the archive of their own target', () => {
    const state = builtState();
    state.smoke = {
      results: new Map([
        ['linux/arm/v7', { status: 'passed', reason: '', readyMs: 900, runner: 'qemu-arm-static' }],
      ]),
      problems: [],
    };
    state.package = {
      archives: new Map([['linux/amd64', { path: '/d/app.tar.gz', size: 5, sha256: 'c'.repeat(64) }]]),
      checksumsFile: '/d/checksums.txt',
    };
    const records = artifactRecords(state);
    expect(records.map((r) => [r.target, r.goarch, r.variant, r.smoke?.status, r.archive?.path])).toEqual([
      ['linux/amd64', 'amd64', '', undefined, '/d/app.tar.gz'],
      ['linux/arm/v7', 'arm', 'v7', 'passed', undefined],
    ]);
    const values = new Map(outputValues(state));
    expect(JSON.parse(values.get('artifacts')!)).toEqual(records);
    expect(values.get('checksums-file')).toBe('/d/checksums.txt');
  });

  test('image outputs: refs always, digest and metadata only when there are some', () => {
    const state = builtState();
    state.image = { refs: ['r/app:1'], platforms: ['linux/amd64'], pushed: false };
    const values = new Map(outputValues(state));
    expect(values.get('image-refs')).toBe('["r/app:1"]');
    expect(values.has('image-digest')).toBe(false);
    expect(values.has('image-metadata')).toBe(false);
  });
});

describe('summaryData', () => {
  test('failures are listed as recorded, once each', () => {
    const state = builtState();
    state.failures.push('linux/arm/v7: build failed');
    expect(summaryData(state).failures).toEqual(['linux/arm/v7: build failed']);
    expect(summaryData(state).artifacts.map((a) => a.target)).toEqual(['linux/amd64', 'linux/arm/v7']);
  });

  test('the cache line appears only once the plan was made', () => {
    expect(summaryData(builtState()).cache).toBeUndefined();
  });
});
