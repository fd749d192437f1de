import { describe, expect, test } from 'vitest';
import {
  decideRelease,
  devVersion,
  normaliseTime,
  type ReleaseFacts,
  versionFromRef,
  versionFromTag,
} from '../../src/release.js';

describe('versionFromRef', () => {
  test.each([
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3', '1.2.3'],
    ['refs/tags/v1.2.3-rc.1+build.5', '1.2.3-rc.1+build.5'],
    ['refs/tags/cmd/server/v2.0.1', '2.0.1'],
    ['refs/tags/release-2024', 'release-2024'],
    ['refs/tags/version', 'version'],
    ['refs/tags/', ''],
    ['refs/heads/main', ''],
    ['refs/heads/v1.2.3', ''],
    ['refs/pull/42/merge', ''],
    ['', ''],
  ])('%j -> %j', (ref, version) => {
    expect(versionFromRef(ref)).toBe(version);
  });
});

describe('versionFromTag', () => {
  test.each([
    ['v0.1.0', '0.1.0'],
    ['vNext', 'vNext'],
    ['api/v3.4.5', '3.4.5'],
  ])('%s -> %s', (tag, version) => {
    expect(versionFromTag(tag)).toBe(version);
  });
});

describe('devVersion', () => {
  test.each([
    ['0123456789abcdef0123456789abcdef01234567', '0.0.0-dev+0123456'],
    ['', '0.0.0-dev'],
  ])('%j -> %s', (commit, version) => {
    expect(devVersion(commit)).toBe(version);
  });
});

describe('normaliseTime', () => {
  test.each([
    ['2024-05-01T14:00:00+02:00', { date: '2024-05-01T12:00:00Z', epoch: 1714564800 }],
    ['2024-05-01T12:00:00Z', { date: '2024-05-01T12:00:00Z', epoch: 1714564800 }],
    ['2024-04-30T19:30:00-04:30\n', { date: '2024-05-01T00:00:00Z', epoch: 1714521600 }],
    ['not a date', undefined],
    ['', undefined],
  ])('%j', (iso, expected) => {
    expect(normaliseTime(iso)).toEqual(expected);
  });
});

const SHA = '0123456789abcdef0123456789abcdef01234567';
const NONE: ReleaseFacts = {
  versionInput: '',
  gitCommit: '',
  gitCommitTime: '',
  gitSymbolicRef: '',
  gitExactTag: '',
  GITHUB_SHA: '',
  GITHUB_REF: '',
  SOURCE_DATE_EPOCH: '',
};

describe('decideRelease', () => {
  test.each<
    [
      string,
      Partial<ReleaseFacts>,
      { version: string; commit: string; date: string; epoch: number; ref: string },
    ]
  >([
    [
      'nothing known',
      {},
      { version: '0.0.0-dev', commit: '', date: '1970-01-01T00:00:00Z', epoch: 0, ref: '' },
    ],
    [
      'git checkout on a branch',
      { gitCommit: SHA, gitCommitTime: '2024-05-01T14:00:00+02:00', gitSymbolicRef: 'refs/heads/main' },
      {
        version: '0.0.0-dev+0123456',
        commit: SHA,
        date: '2024-05-01T12:00:00Z',
        epoch: 1714564800,
        ref: 'refs/heads/main',
      },
    ],
    [
      'tag push in Actions',
      {
        gitCommit: SHA,
        gitCommitTime: '2024-05-01T12:00:00Z',
        GITHUB_REF: 'refs/tags/v1.2.3',
        GITHUB_SHA: SHA,
      },
      {
        version: '1.2.3',
        commit: SHA,
        date: '2024-05-01T12:00:00Z',
        epoch: 1714564800,
        ref: 'refs/tags/v1.2.3',
      },
    ],
    [
      'the input beats the tag',
      { versionInput: '9.9.9', GITHUB_REF: 'refs/tags/v1.2.3', gitCommit: SHA },
      { version: '9.9.9', commit: SHA, date: '1970-01-01T00:00:00Z', epoch: 0, ref: 'refs/tags/v1.2.3' },
    ],
    [
      'branch build whose HEAD carries a tag',
      { gitCommit: SHA, GITHUB_REF: 'refs/heads/main', gitExactTag: 'v2.0.0' },
      { version: '2.0.0', commit: SHA, date: '1970-01-01T00:00:00Z', epoch: 0, ref: 'refs/heads/main' },
    ],
    [
      'detached HEAD on a tag, outside Actions',
      { gitCommit: SHA, gitExactTag: 'v2.0.0' },
      { version: '2.0.0', commit: SHA, date: '1970-01-01T00:00:00Z', epoch: 0, ref: 'refs/tags/v2.0.0' },
    ],
    [
      'no git: GITHUB_SHA and SOURCE_DATE_EPOCH',
      { GITHUB_SHA: SHA, GITHUB_REF: 'refs/pull/7/merge', SOURCE_DATE_EPOCH: '1714564800' },
      {
        version: '0.0.0-dev+0123456',
        commit: SHA,
        date: '2024-05-01T12:00:00Z',
        epoch: 1714564800,
        ref: 'refs/pull/7/merge',
      },
    ],
    [
      'git commit time beats SOURCE_DATE_EPOCH',
      { gitCommit: SHA, gitCommitTime: '2024-05-01T12:00:00Z', SOURCE_DATE_EPOCH: '1' },
      { version: '0.0.0-dev+0123456', commit: SHA, date: '2024-05-01T12:00:00Z', epoch: 1714564800, ref: '' },
    ],
    [
      'git commit beats GITHUB_SHA',
      { gitCommit: SHA, GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff' },
      { version: '0.0.0-dev+0123456', commit: SHA, date: '1970-01-01T00:00:00Z', epoch: 0, ref: '' },
    ],
    [
      'a malformed SOURCE_DATE_EPOCH is ignored',
      { SOURCE_DATE_EPOCH: 'yesterday' },
      { version: '0.0.0-dev', commit: '', date: '1970-01-01T00:00:00Z', epoch: 0, ref: '' },
    ],
  ])('%s', (_name, facts, expected) => {
    expect(decideRelease({ ...NONE, ...facts })).toEqual(expected);
  });
});
