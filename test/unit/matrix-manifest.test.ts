// The shard manifest: its fingerprint, the build info half of it read from a binary, and reading a manifest back
// field by field. Pure.
import { describe, expect, test } from 'vitest';
import type { GoBuildInfo } from '../../src/build/buildinfo.js';
import {
  buildInfoSettings,
  differingKeys,
  fingerprintOf,
  ManifestError,
  parseShardManifest,
  type ShardManifest,
} from '../../src/matrix/manifest.js';
import { manifestFor } from '../support/matrix-manifests.js';

const INFO: GoBuildInfo = {
  goVersion: 'go1.26.8',
  path: 'example.com/app',
  mainModule: { path: 'example.com/app', version: '(devel)', sum: '' },
  deps: [
    {
      path: 'github.com/gin-gonic/gin',
      version: 'v1.10.0',
      sum: 'h1:nTuyha1TYqgedzytsKYqna+DfLos46nTv2ygFy86HFU=',
    },
  ],
  settings: {
    '-buildmode': 'exe',
    '-compiler': 'gc',
    '-trimpath': 'true',
    DefaultGODEBUG: 'asynctimerchan=1',
    CGO_ENABLED: '0',
    GOARCH: 'arm',
    GOOS: 'linux',
    GOARM: '7',
  },
};

describe('fingerprint', () => {
  test('the same settings in any order hash alike; any changed value changes the hash', () => {
    const a = fingerprintOf({ b: '2', a: '1' });
    expect(a).toEqual(fingerprintOf({ a: '1', b: '2' }));
    expect(Object.keys(a.settings)).toEqual(['a', 'b']);
    expect(fingerprintOf({ a: '1', b: '3' }).sha256).not.toBe(a.sha256);
    expect(fingerprintOf({ a: '1' }).sha256).not.toBe(a.sha256);
  });

  test('differingKeys names changed, added and removed keys', () => {
    expect(differingKeys({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' })).toEqual(['b', 'c', 'd']);
  });

  test('the build info half leaves out what differs by target, keeps everything else', () => {
    const settings = buildInfoSettings(INFO);
    expect(settings).toEqual({
      'buildinfo.go': 'go1.26.8',
      'buildinfo.path': 'example.com/app',
      'buildinfo.mod': 'example.com/app (devel)',
      'buildinfo.deps': 'github.com/gin-gonic/gin@v1.10.0',
      'buildinfo.-compiler': 'gc',
      'buildinfo.-trimpath': 'true',
      'buildinfo.DefaultGODEBUG': 'asynctimerchan=1',
      'buildinfo.CGO_ENABLED': '0',
    });
    const amd64 = buildInfoSettings({
      ...INFO,
      settings: { ...INFO.settings, GOARCH: 'amd64', GOAMD64: 'v3' },
    });
    expect(amd64).toEqual(settings);
  });

  test.each<[string, Partial<GoBuildInfo>]>([
    ['a GOEXPERIMENT', { goVersion: 'go1.26.8 X:jsonv2' }],
    [
      'another dependency version',
      {
        deps: [
          {
            path: 'github.com/gin-gonic/gin',
            version: 'v1.10.1',
            sum: 'h1:nTuyha1TYqgedzytsKYqna+DfLos46nTv2ygFy86HFU=',
          },
        ],
      },
    ],
    ['cgo', { settings: { ...INFO.settings, CGO_ENABLED: '1' } }],
    ['build tags', { settings: { ...INFO.settings, '-tags': 'netgo' } }],
  ])('the build info half sees %s', (_what, change) => {
    expect(buildInfoSettings({ ...INFO, ...change })).not.toEqual(buildInfoSettings(INFO));
  });
});

describe('parseShardManifest', () => {
  const good = manifestFor('linux/amd64, windows/amd64');

  test('a manifest as written reads back equal', () => {
    expect(parseShardManifest(JSON.parse(JSON.stringify(good)) as unknown, 'x')).toEqual(good);
  });

  const edit = (change: (m: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
    change(copy);
    return copy;
  };
  const binaries = (m: Record<string, unknown>): Array<Record<string, unknown>> =>
    m['binaries'] as Array<Record<string, unknown>>;

  test.each<[string, unknown, RegExp]>([
    ['not an object', [1, 2], /schema is undefined/],
    [
      'another schema',
      edit((m) => (m['schema'] = 'gin-release.shard.v0')),
      /schema is "gin-release\.shard\.v0", not gin-release\.shard\.v1/,
    ],
    ['no binaries', edit((m) => (m['binaries'] = [])), /binaries must be a list of at least one binary/],
    [
      'a bad sha256',
      edit((m) => (binaries(m)[0]!['sha256'] = 'abc')),
      /binaries\[0\]\.sha256 is "abc", not of the form/,
    ],
    [
      'a negative size',
      edit((m) => (binaries(m)[1]!['size'] = -1)),
      /binaries\[1\]\.size must be a whole number/,
    ],
    [
      'a bad target',
      edit((m) => (binaries(m)[0]!['target'] = 'linux')),
      /binaries\[0\]\.target: "linux" is not of the form/,
    ],
    [
      'a target not in canonical form',
      edit((m) => (binaries(m)[0]!['target'] = 'linux/arm/7')),
      /not in canonical form/,
    ],
    [
      'a bad smoke status',
      edit((m) => (binaries(m)[0]!['smoke'] = { status: 'ok' })),
      /smoke\.status is "ok"/,
    ],
    [
      'a bad image digest',
      edit((m) => (m['image'] = { name: 'r/x', digest: 'latest', platforms: [] })),
      /image\.digest is "latest"/,
    ],
    [
      'targets that are not its binaries',
      edit((m) => ((m['shard'] as Record<string, unknown>)['targets'] = ['linux/amd64'])),
      /shard\.targets \(linux\/amd64\) are not the targets of its binaries/,
    ],
    [
      'edited settings',
      edit((m) => ((m['fingerprint'] as { settings: Record<string, string> }).settings['cgo'] = 'true')),
      /fingerprint\.sha256 is not the hash of fingerprint\.settings/,
    ],
    ['a missing runner', edit((m) => delete m['runner']), /runner must be an object/],
    [
      'binaries without build settings',
      edit((m) => delete binaries(m)[0]!['buildSettings']),
      /binaries\[0\]\.buildSettings must be an object/,
    ],
  ])('refuses %s', (_what, value, message) => {
    const error = (() => {
      try {
        parseShardManifest(value, 'shard-x/manifest.json');
      } catch (e) {
        return e;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/^shard-x\/manifest\.json: /);
    expect((error as Error).message).toMatch(message);
  });

  test('every problem of a manifest is listed at once', () => {
    const bad = edit((m) => {
      binaries(m)[0]!['sha256'] = 'x';
      binaries(m)[1]!['static'] = 'yes';
    });
    expect(() => parseShardManifest(bad, 'x')).toThrow(
      /binaries\[0\]\.sha256 .*; binaries\[1\]\.static must be true or false/,
    );
  });

  test('a smoke result with everything the smoke test found reads back whole', () => {
    const smoke = {
      status: 'passed' as const,
      reason: '',
      readyMs: 120,
      shutdownMs: 8,
      runner: 'qemu-aarch64-static',
      logTail: ['listening'],
      attempts: 2,
      answeredPort: 8080,
      healthPath: '/health',
      warnings: ['It does not listen on the port it was given'],
      notices: ['/health answered 200'],
    };
    const withSmoke: ShardManifest = { ...good, binaries: good.binaries.map((b) => ({ ...b, smoke })) };
    expect(
      parseShardManifest(JSON.parse(JSON.stringify(withSmoke)) as unknown, 'x').binaries[0]!.smoke,
    ).toEqual(smoke);
  });

  test('a manifest without smoke results or image is fine', () => {
    const plain: ShardManifest = {
      ...good,
      binaries: good.binaries.map(({ smoke: _smoke, ...rest }) => rest),
    };
    expect(
      parseShardManifest(JSON.parse(JSON.stringify(plain)) as unknown, 'x').binaries[0]!.smoke,
    ).toBeUndefined();
  });
});
