// Outputs and summary of a split release: a merge reports the same artifacts a one-job build does, plus the shards
// and who built and smoke-tested each target; a shard reports the artifact it uploaded. Pure.
import { describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import type { ShardRecord } from '../../src/matrix/manifest.js';
import { outputValues, summaryData } from '../../src/outputs.js';
import { newRunState, type RunState } from '../../src/state.js';
import { renderSummary } from '../../src/summary.js';

const AMD64 = parseTarget('linux/amd64');
const WIN = parseTarget('windows/amd64');

const LINUX_SHARD: ShardRecord = {
  name: 'gin-release-shard_api-linux-amd64_0123456789_abcdefabcd_a1',
  id: 11,
  digest: `sha256:${'1'.repeat(64)}`,
  size: 900,
  attempt: 1,
  targets: ['linux/amd64'],
  job: 'build',
  runner: { os: 'Linux', arch: 'ARM64', name: 'GitHub Actions 3' },
  goVersion: '1.26.8',
};
const WINDOWS_SHARD: ShardRecord = {
  ...LINUX_SHARD,
  name: 'gin-release-shard_api-windows-amd64_0123456789_1234567890_a2',
  id: 12,
  attempt: 2,
  targets: ['windows/amd64'],
  runner: { os: 'Windows', arch: 'X64', name: '' },
};

function mergedState(): RunState {
  const state = newRunState();
  state.inputs = {} as RunState['inputs'];
  state.release = { version: '1.2.3', commit: 'abc1234def', date: '2024-05-01T12:00:00Z', epoch: 1, ref: '' };
  state.merge = {
    artifacts: [
      { target: AMD64, path: '/d/api_linux_amd64/api', size: 10, sha256: 'a'.repeat(64), static: true },
      { target: WIN, path: '/d/api_windows_amd64/api.exe', size: 11, sha256: 'b'.repeat(64), static: false },
    ],
    smoke: new Map([
      ['linux/amd64', { status: 'passed', reason: '', readyMs: 120, runner: 'native' }],
      ['windows/amd64', { status: 'passed', reason: '', readyMs: 300, runner: 'native' }],
    ]),
    builtBy: new Map([
      ['linux/amd64', LINUX_SHARD],
      ['windows/amd64', WINDOWS_SHARD],
    ]),
    shards: [LINUX_SHARD, WINDOWS_SHARD],
    goVersion: '1.26.8',
    images: [],
    problems: [],
  };
  return state;
}

describe('a merge job', () => {
  test('sets artifacts (with the shards\u2019 smoke results), go-version and shards; no go-source', () => {
    const values = new Map(outputValues(mergedState()));
    expect(values.get('go-version')).toBe('1.26.8');
    expect(values.has('go-source')).toBe(false);
    const artifacts = JSON.parse(values.get('artifacts')!) as Array<{
      target: string;
      sha256: string;
      smoke: { status: string };
    }>;
    expect(artifacts.map((a) => [a.target, a.sha256, a.smoke.status])).toEqual([
      ['linux/amd64', 'a'.repeat(64), 'passed'],
      ['windows/amd64', 'b'.repeat(64), 'passed'],
    ]);
    expect(JSON.parse(values.get('shards')!)).toEqual([LINUX_SHARD, WINDOWS_SHARD]);
  });

  test('the summary has a row per target saying which job on which runner built and smoke-tested it', () => {
    const text = renderSummary(summaryData(mergedState()));
    expect(text).toContain('Go 1.26.8, in every shard.');
    expect(text).toContain(
      '| Target | Size | SHA-256 | Static | Smoke test | Archive | Built and smoke-tested on |',
    );
    expect(text).toMatch(
      /\| linux\/amd64 \|.*\| passed in 120 ms \|.*\| build on Linux ARM64 \(GitHub Actions 3\) \|$/m,
    );
    expect(text).toMatch(/\| windows\/amd64 \|.*\| passed in 300 ms \|.*\| build on Windows X64 \|$/m);
    expect(text).toContain('### Shards');
    expect(text).toContain(`| ${WINDOWS_SHARD.name} | windows/amd64 | build | Windows X64 | 1.26.8 | 2 |`);
  });
});

describe('a shard job', () => {
  test('names the shard artifact in artifact-names, artifact-ids and shards', () => {
    const state = newRunState();
    state.shard = {
      record: LINUX_SHARD,
      manifest: {} as NonNullable<RunState['shard']>['manifest'],
    };
    const values = new Map(outputValues(state));
    expect(values.get('artifact-names')).toBe(JSON.stringify([LINUX_SHARD.name]));
    expect(values.get('artifact-ids')).toBe('[11]');
    expect(JSON.parse(values.get('shards')!)).toEqual([LINUX_SHARD]);
  });
});
