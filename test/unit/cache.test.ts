import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTargets } from '../../src/build/targets.js';
import {
  cacheKey,
  dependencyGlobPatterns,
  parseGoEnvPaths,
  targetSetHash,
  type CacheKeyParts,
} from '../../src/go/cache.js';

const deps = 'a'.repeat(64);
const base: CacheKeyParts = {
  runnerOs: 'Linux',
  runnerArch: 'X64',
  goVersion: '1.26.8',
  depsHash: deps,
  targets: parseTargets('linux/amd64, linux/arm64, linux/arm/v7, darwin/arm64, windows/amd64'),
};

describe('cacheKey', () => {
  test('the key holds runner OS and arch, Go version, dependency hash and target-set hash', () => {
    const { key, restoreKeys } = cacheKey(base);
    const targets = targetSetHash(base.targets.map((t) => t.id));
    expect(key).toBe(`gin-release-go-v1-linux-x64-go1.26.8-${deps}-t${targets}`);
    expect(restoreKeys).toEqual([
      `gin-release-go-v1-linux-x64-go1.26.8-${deps}-`,
      'gin-release-go-v1-linux-x64-go1.26.8-',
    ]);
  });

  test('every restore key is a prefix of the key, most specific first', () => {
    const { key, restoreKeys } = cacheKey(base);
    for (const restoreKey of restoreKeys) expect(key.startsWith(restoreKey)).toBe(true);
    expect(restoreKeys[0]!.length).toBeGreaterThan(restoreKeys[1]!.length);
  });

  test.each<[string, Partial<CacheKeyParts>]>([
    ['runner OS', { runnerOs: 'macOS' }],
    ['runner arch', { runnerArch: 'ARM64' }],
    ['Go version', { goVersion: '1.25.9' }],
    ['dependencies', { depsHash: 'b'.repeat(64) }],
    ['target set', { targets: parseTargets('linux/amd64') }],
    [
      'target variant',
      { targets: parseTargets('linux/amd64/v3, linux/arm64, linux/arm/v7, darwin/arm64, windows/amd64') },
    ],
  ])('a different %s gives a different key', (_what, change) => {
    expect(cacheKey({ ...base, ...change }).key).not.toBe(cacheKey(base).key);
  });

  test.each<[string, Partial<CacheKeyParts>, number]>([
    ['another target set keeps both restore keys', { targets: parseTargets('linux/amd64') }, 2],
    ['other dependencies keep the runner-and-Go restore key', { depsHash: 'b'.repeat(64) }, 1],
    ['another Go version keeps none', { goVersion: '1.25.9' }, 0],
  ])('%s', (_what, change, shared) => {
    const changed = cacheKey({ ...base, ...change }).restoreKeys;
    const original = cacheKey(base).restoreKeys;
    expect(changed.filter((k) => original.includes(k))).toHaveLength(shared);
  });

  test('the order targets are listed in does not matter', () => {
    const reversed = { ...base, targets: [...base.targets].reverse() };
    expect(cacheKey(reversed).key).toBe(cacheKey(base).key);
  });

  test.each([[{ runnerOs: 'Linux, Extra' }], [{ runnerArch: 'X 64' }], [{ goVersion: ' 1.26.8\n' }]])(
    'keys never hold commas or whitespace, which the cache API rejects or mangles: %j',
    (change) => {
      const { key, restoreKeys } = cacheKey({ ...base, ...change });
      for (const k of [key, ...restoreKeys]) expect(k).not.toMatch(/[,\s]/);
    },
  );
});

describe('targetSetHash', () => {
  test.each([
    [['linux/amd64'], ['linux/amd64', 'linux/amd64']],
    [
      ['linux/arm64', 'linux/amd64'],
      ['linux/amd64', 'linux/arm64'],
    ],
  ])('%j and %j hash alike', (a, b) => {
    expect(targetSetHash(a)).toBe(targetSetHash(b));
  });

  test.each([[4], [8], [12]])('is %i hex characters when asked', (length) => {
    expect(targetSetHash(['linux/amd64'], length)).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
  });
});

describe('dependencyGlobPatterns', () => {
  const wd = path.resolve('/src/app');
  test.each([
    [['go.sum'], [path.join(wd, 'go.sum')]],
    [
      ['**/go.sum', '!vendor/**'],
      [path.join(wd, '**/go.sum'), `!${path.join(wd, 'vendor/**')}`],
    ],
    [['../shared/go.sum'], [path.resolve('/src/shared/go.sum')]],
    [['/abs/go.sum'], ['/abs/go.sum']],
    [[], []],
  ])('%j', (patterns, expected) => {
    expect(dependencyGlobPatterns(wd, patterns)).toEqual(expected);
  });
});

describe('parseGoEnvPaths', () => {
  test.each([
    [
      '/home/runner/go/pkg/mod\n/home/runner/.cache/go-build\n',
      ['/home/runner/go/pkg/mod', '/home/runner/.cache/go-build'],
    ],
    [
      'C:\\Users\\r\\go\\pkg\\mod\r\nC:\\Users\\r\\AppData\\Local\\go-build\r\n',
      ['C:\\Users\\r\\go\\pkg\\mod', 'C:\\Users\\r\\AppData\\Local\\go-build'],
    ],
  ])('%j', (stdout, expected) => {
    expect(parseGoEnvPaths(stdout)).toEqual(expected);
  });

  test.each([[''], ['/go/pkg/mod\n'], ['/go/pkg/mod\noff\n'], ['\n/cache\n']])('refuses %j', (stdout) => {
    expect(() => parseGoEnvPaths(stdout)).toThrow(/GOMODCACHE and GOCACHE/);
  });
});
