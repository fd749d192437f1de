import { describe, expect, test } from 'vitest';
import { parseTargets } from '../../src/build/targets.js';
import { contextBinaryDir } from '../../src/image/context.js';
import { planImage } from '../../src/image/plan.js';
import { normalisePlatform, planPlatforms, runnerImagePlatform } from '../../src/image/platforms.js';
import { describeLoginFailure, dockerConfigDir, loginEnv } from '../../src/image/registry.js';
import { InputError } from '../../src/errors.js';

const ALL = parseTargets('linux/amd64, linux/arm64, linux/arm/v7, darwin/arm64, windows/amd64');

function inputErrorOf(work: () => unknown): InputError {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError was thrown');
}

describe('planPlatforms', () => {
  test.each<[string, string[], Array<[string, string, string]>]>([
    [
      ALL.map((t) => t.id).join(','),
      [],
      [
        ['linux/amd64', 'linux/amd64', 'bin/linux/amd64'],
        ['linux/arm64', 'linux/arm64', 'bin/linux/arm64'],
        ['linux/arm/v7', 'linux/arm/v7', 'bin/linux/arm/v7'],
      ],
    ],
    [
      ALL.map((t) => t.id).join(','),
      ['linux/arm/v7', 'linux/amd64'],
      [
        ['linux/arm/v7', 'linux/arm/v7', 'bin/linux/arm/v7'],
        ['linux/amd64', 'linux/amd64', 'bin/linux/amd64'],
      ],
    ],
    ['linux/arm/7', ['linux/arm/v7'], [['linux/arm/v7', 'linux/arm/v7', 'bin/linux/arm/v7']]],
    ['linux/arm64/v8.2', [], [['linux/arm64', 'linux/arm64/v8.2', 'bin/linux/arm64']]],
    ['linux/arm64', ['linux/arm64/v8'], [['linux/arm64', 'linux/arm64', 'bin/linux/arm64']]],
    ['linux/amd64/v3, linux/amd64', [], [['linux/amd64', 'linux/amd64', 'bin/linux/amd64']]],
    ['linux/amd64/v3', [], [['linux/amd64', 'linux/amd64/v3', 'bin/linux/amd64']]],
    [
      'linux/arm/v6, linux/arm/v7',
      [],
      [
        ['linux/arm/v6', 'linux/arm/v6', 'bin/linux/arm/v6'],
        ['linux/arm/v7', 'linux/arm/v7', 'bin/linux/arm/v7'],
      ],
    ],
    [
      'linux/riscv64, linux/s390x',
      [],
      [
        ['linux/riscv64', 'linux/riscv64', 'bin/linux/riscv64'],
        ['linux/s390x', 'linux/s390x', 'bin/linux/s390x'],
      ],
    ],
  ])('targets %s, platforms %j', (targets, requested, expected) => {
    const planned = planPlatforms(parseTargets(targets), requested);
    expect(planned.map((p) => [p.platform, p.target.id, contextBinaryDir(p)])).toEqual(expected);
  });

  test.each<[string, string[], RegExp]>([
    ['linux/amd64', ['linux/arm64'], /No binary was built for it\. Allowed: linux\/amd64/],
    ['darwin/arm64, windows/amd64', [], /No Linux target was built/],
    ['linux/amd64', ['linux'], /not of the form/],
    ['linux/amd64/v3', ['linux/amd64/v3'], /No binary was built for it\. Allowed: linux\/amd64;/],
    ['linux/amd64', ['windows/amd64'], /No binary was built/],
    ['linux/amd64', ['linux/amd64', 'linux/amd64'], /listed twice/],
  ])('targets %s, platforms %j is refused', (targets, requested, why) => {
    const error = inputErrorOf(() => planPlatforms(parseTargets(targets), requested));
    expect(error.input).toBe('platforms');
    expect(error.message).toMatch(why);
  });
});

test.each([
  ['linux/arm64/v8', 'linux/arm64'],
  ['linux/arm/7', 'linux/arm/v7'],
  ['Linux/AMD64', 'linux/amd64'],
  ['linux/arm/v6', 'linux/arm/v6'],
  ['linux', null],
  ['linux/amd64/v3/x', null],
  ['linux/ amd64', null],
])('normalisePlatform(%s) = %s', (spec, expected) => {
  expect(normalisePlatform(spec)).toBe(expected);
});

test.each([
  ['linux', 'x64', 'linux/amd64'],
  ['linux', 'arm64', 'linux/arm64'],
  ['linux', 'arm', 'linux/arm/v7'],
  ['darwin', 'arm64', null],
] as const)('runnerImagePlatform(%s, %s) = %s', (platform, arch, expected) => {
  expect(runnerImagePlatform(platform, arch)).toBe(expected);
});

describe('planImage', () => {
  const release = { ref: 'refs/tags/v1.2.3', commit: 'abcdef0123456789', version: '1.2.3' };
  const inputs = {
    image: ['ghcr.io/org/app'],
    platforms: [] as string[],
    tags: [] as string[],
    registry: '',
    registryUsername: '',
    registryPassword: '',
  };

  test('tags from the ref, platforms from the targets, no login without credentials', () => {
    const plan = planImage(inputs, ALL, release);
    expect(plan.refs).toEqual([
      'ghcr.io/org/app:1.2.3',
      'ghcr.io/org/app:1.2',
      'ghcr.io/org/app:1',
      'ghcr.io/org/app:latest',
      'ghcr.io/org/app:sha-abcdef0',
    ]);
    expect(plan.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(plan.login).toBeNull();
  });

  test.each([
    [
      { registryUsername: 'u', registryPassword: 'p' },
      { registry: 'ghcr.io', username: 'u', password: 'p' },
    ],
    [
      { registry: 'docker.io', registryUsername: 'u', registryPassword: 'p' },
      { registry: 'docker.io', username: 'u', password: 'p' },
    ],
  ])('login %j', (overrides, login) => {
    expect(planImage({ ...inputs, ...overrides }, ALL, release).login).toEqual(login);
  });

  test.each<[Partial<typeof inputs>, string]>([
    [{ image: [] }, 'image'],
    [{ image: ['ghcr.io/Org/App'] }, 'image'],
    [{ tags: ['v1+x'] }, 'tags'],
    [{ platforms: ['linux/ppc64le'] }, 'platforms'],
    [{ registryPassword: 'secret' }, 'registry-username'],
    [{ registryUsername: 'u' }, 'registry-password'],
  ])('%j is refused naming %s', (overrides, input) => {
    const error = inputErrorOf(() => planImage({ ...inputs, ...overrides }, ALL, release));
    expect(error.input).toBe(input);
    expect(error.message).not.toContain('secret');
  });
});

describe('registry login helpers', () => {
  test.each([
    [{}, '/home/u', '/home/u/.docker'],
    [{ DOCKER_CONFIG: '/cfg' }, '/home/u', '/cfg'],
  ])('dockerConfigDir(%j)', (env, home, expected) => {
    expect(dockerConfigDir(env, home)).toBe(expected);
  });

  test.each([
    [{ PATH: '/bin' }, { PATH: '/bin', BUILDX_CONFIG: '/home/u/.docker/buildx', DOCKER_CONFIG: '/tmp/x' }],
    [{ DOCKER_CONFIG: '/cfg' }, { BUILDX_CONFIG: '/cfg/buildx', DOCKER_CONFIG: '/tmp/x' }],
    [
      { BUILDX_CONFIG: '/bx', DOCKER_CONFIG: '/cfg' },
      { BUILDX_CONFIG: '/bx', DOCKER_CONFIG: '/tmp/x' },
    ],
  ])('loginEnv keeps the builders of %j', (env, expected) => {
    expect(loginEnv(env, '/home/u', '/tmp/x')).toEqual(expected);
  });

  const login = { registry: 'ghcr.io', username: 'bot', password: 's3cr3t-token' };
  test.each([
    [
      'Error response from daemon: Get "https://ghcr.io/v2/": unauthorized: s3cr3t-token',
      /refused the credentials of user "bot"/,
    ],
    [
      'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
      /could not be reached/,
    ],
    [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      /needs a running Docker engine/,
    ],
    ['something else', /something else/],
  ])('describeLoginFailure(%j)', (output, why) => {
    const described = describeLoginFailure(output, login);
    expect(described).toMatch(why);
    expect(described).not.toContain('s3cr3t-token');
  });
});
