import { describe, expect, test } from 'vitest';
import {
  ociPlatform,
  parseTarget,
  parseTargets,
  TargetError,
  targetEnv,
  unsupportedTargets,
} from '../../src/build/targets.js';

describe('parseTarget', () => {
  test.each([
    ['linux/amd64', { goos: 'linux', goarch: 'amd64', variant: '', id: 'linux/amd64' }],
    [' linux/arm64 ', { goos: 'linux', goarch: 'arm64', variant: '', id: 'linux/arm64' }],
    ['linux/arm/v7', { goos: 'linux', goarch: 'arm', variant: 'v7', id: 'linux/arm/v7' }],
    ['linux/arm/7', { goos: 'linux', goarch: 'arm', variant: 'v7', id: 'linux/arm/v7' }],
    ['linux/arm/v6', { goos: 'linux', goarch: 'arm', variant: 'v6', id: 'linux/arm/v6' }],
    ['linux/arm/5', { goos: 'linux', goarch: 'arm', variant: 'v5', id: 'linux/arm/v5' }],
    ['linux/amd64/v3', { goos: 'linux', goarch: 'amd64', variant: 'v3', id: 'linux/amd64/v3' }],
    ['linux/arm64/v8.2', { goos: 'linux', goarch: 'arm64', variant: 'v8.2', id: 'linux/arm64/v8.2' }],
    [
      'linux/386/softfloat',
      { goos: 'linux', goarch: '386', variant: 'softfloat', id: 'linux/386/softfloat' },
    ],
    [
      'linux/mipsle/softfloat',
      { goos: 'linux', goarch: 'mipsle', variant: 'softfloat', id: 'linux/mipsle/softfloat' },
    ],
    ['windows/amd64', { goos: 'windows', goarch: 'amd64', variant: '', id: 'windows/amd64' }],
  ])('%s', (spec, expected) => {
    expect(parseTarget(spec)).toEqual(expected);
  });

  test.each([
    ['linux', /not of the form goos\/goarch/],
    ['linux/amd64/v3/x', /not of the form/],
    ['Linux/AMD64', /not of the form/],
    ['linux//amd64', /not of the form/],
    ['linux/amd64/v5', /variant "v5" for amd64 is not one of v1, v2, v3 or v4/],
    ['linux/arm/v8', /variant "v8" for arm is not one of v5, v6 or v7/],
    ['linux/arm64/v7', /variant "v7" for arm64 is not one of v8.0 to v9.5/],
    ['linux/s390x/v1', /s390x takes no variant/],
    ['linux/riscv64/v1', /variant "v1" for riscv64 is not one of rva20u64, rva22u64 or rva23u64/],
    ['linux/ppc64le/power7', /not one of power8, power9 or power10/],
    ['windows/amd64/hardfloat', /variant "hardfloat" for amd64/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseTarget(spec)).toThrow(TargetError);
    expect(() => parseTarget(spec)).toThrow(message);
  });
});

describe('parseTargets', () => {
  test.each([
    ['linux/amd64, linux/arm64', ['linux/amd64', 'linux/arm64']],
    ['linux/amd64\nlinux/arm/7\n\n', ['linux/amd64', 'linux/arm/v7']],
    ['linux/amd64,\n darwin/arm64 ,windows/amd64', ['linux/amd64', 'darwin/arm64', 'windows/amd64']],
    ['linux/amd64, linux/amd64/v3', ['linux/amd64', 'linux/amd64/v3']],
  ])('%j', (text, ids) => {
    expect(parseTargets(text).map((t) => t.id)).toEqual(ids);
  });

  test.each([
    ['', /empty/],
    [' , \n', /empty/],
    ['linux/amd64, linux/amd64', /"linux\/amd64" is listed twice \(as "linux\/amd64" already\)/],
    ['linux/arm/7, linux/arm/v7', /"linux\/arm\/v7" is listed twice \(as "linux\/arm\/7" already\)/],
    ['linux/amd64, linux/arm/v9', /variant "v9" for arm/],
  ])('rejects %j', (text, message) => {
    expect(() => parseTargets(text)).toThrow(message);
  });
});

describe('targetEnv', () => {
  test.each([
    ['linux/amd64', { GOOS: 'linux', GOARCH: 'amd64' }],
    ['linux/arm/v7', { GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }],
    ['linux/arm/6', { GOOS: 'linux', GOARCH: 'arm', GOARM: '6' }],
    ['linux/amd64/v3', { GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v3' }],
    ['linux/arm64/v8.0', { GOOS: 'linux', GOARCH: 'arm64', GOARM64: 'v8.0' }],
    ['linux/386/sse2', { GOOS: 'linux', GOARCH: '386', GO386: 'sse2' }],
    ['linux/mips64/softfloat', { GOOS: 'linux', GOARCH: 'mips64', GOMIPS64: 'softfloat' }],
    ['windows/arm64', { GOOS: 'windows', GOARCH: 'arm64' }],
    ['linux/ppc64le/power9', { GOOS: 'linux', GOARCH: 'ppc64le', GOPPC64: 'power9' }],
    ['linux/riscv64/rva22u64', { GOOS: 'linux', GOARCH: 'riscv64', GORISCV64: 'rva22u64' }],
  ])('%s', (spec, env) => {
    expect(targetEnv(parseTarget(spec))).toEqual(env);
  });
});

describe('ociPlatform', () => {
  test.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['linux/arm', 'linux/arm'],
    ['linux/arm64', 'linux/arm64'],
    ['linux/arm64/v8.2', 'linux/arm64/v8'],
    ['linux/386/softfloat', 'linux/386'],
    ['linux/riscv64', 'linux/riscv64'],
    ['linux/riscv64/rva22u64', 'linux/riscv64'],
    ['linux/ppc64le/power9', 'linux/ppc64le'],
  ])('%s -> %s', (spec, platform) => {
    expect(ociPlatform(parseTarget(spec))).toBe(platform);
  });
});

describe('unsupportedTargets', () => {
  const distList = ['darwin/arm64', 'linux/amd64', 'linux/arm', 'linux/arm64', 'windows/amd64', ''];
  test.each([
    ['linux/amd64, linux/arm/v7, darwin/arm64', []],
    ['linux/amd64/v3', []],
    ['linux/amd64, plan10/amd64', ['plan10/amd64']],
    ['darwin/amd64, windows/arm64, linux/arm64', ['darwin/amd64', 'windows/arm64']],
  ])('%s', (text, missing) => {
    expect(unsupportedTargets(parseTargets(text), distList).map((t) => t.id)).toEqual(missing);
  });
});
