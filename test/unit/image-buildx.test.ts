import { describe, expect, test } from 'vitest';
import {
  builderProblem,
  buildxArgs,
  parseBuildxInspect,
  type BuildxOptions,
} from '../../src/image/buildx.js';
import { containerLaunch } from '../../src/image/smoke.js';

const base: BuildxOptions = {
  builder: '',
  platforms: ['linux/amd64'],
  tags: ['ghcr.io/o/a:1.2.3'],
  labels: [],
  buildArgs: [],
  provenance: false,
  sbom: false,
  metadataFile: '/tmp/m.json',
  output: { kind: 'none' },
  dockerfile: '/ctx/Dockerfile',
  context: '/ctx',
};

describe('buildxArgs', () => {
  test.each<[string, Partial<BuildxOptions>, string[]]>([
    [
      'minimal, no output',
      {},
      [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--platform',
        'linux/amd64',
        '--tag',
        'ghcr.io/o/a:1.2.3',
        '--provenance=false',
        '--sbom=false',
        '--metadata-file',
        '/tmp/m.json',
        '--file',
        '/ctx/Dockerfile',
        '/ctx',
      ],
    ],
    [
      'push of several platforms, tags, labels, build args, attestations',
      {
        builder: 'gin-release-e2e',
        platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
        tags: ['r/a:1', 'r/a:latest'],
        labels: [
          ['org.opencontainers.image.title', 'a b'],
          ['k', 'v=w'],
        ],
        buildArgs: [['SOURCE_DATE_EPOCH', '1714557600']],
        provenance: true,
        sbom: true,
        output: { kind: 'push' },
      },
      [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--builder',
        'gin-release-e2e',
        '--platform',
        'linux/amd64,linux/arm64,linux/arm/v7',
        '--tag',
        'r/a:1',
        '--tag',
        'r/a:latest',
        '--label',
        'org.opencontainers.image.title=a b',
        '--label',
        'k=v=w',
        '--build-arg',
        'SOURCE_DATE_EPOCH=1714557600',
        '--provenance=mode=max',
        '--sbom=true',
        '--metadata-file',
        '/tmp/m.json',
        '--push',
        '--file',
        '/ctx/Dockerfile',
        '/ctx',
      ],
    ],
    [
      'load',
      { output: { kind: 'load' } },
      [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--platform',
        'linux/amd64',
        '--tag',
        'ghcr.io/o/a:1.2.3',
        '--provenance=false',
        '--sbom=false',
        '--metadata-file',
        '/tmp/m.json',
        '--load',
        '--file',
        '/ctx/Dockerfile',
        '/ctx',
      ],
    ],
    [
      'docker tarball',
      { output: { kind: 'docker-tar', dest: '/tmp/i.tar' } },
      [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--platform',
        'linux/amd64',
        '--tag',
        'ghcr.io/o/a:1.2.3',
        '--provenance=false',
        '--sbom=false',
        '--metadata-file',
        '/tmp/m.json',
        '--output',
        'type=docker,dest=/tmp/i.tar',
        '--file',
        '/ctx/Dockerfile',
        '/ctx',
      ],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(buildxArgs({ ...base, ...overrides })).toEqual(expected);
  });
});

const INSPECT_REMOTE = `Name:          gin-release-e2e
Driver:        remote
Last Activity: 2024-05-01 10:00:00 +0000 UTC

Nodes:
Name:             gin-release-e2e0
Endpoint:         unix:///tmp/e2e/buildkitd.sock
Status:           running
BuildKit version: v0.18.2
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386*
`;
const INSPECT_DOCKER = `Name:   default
Driver: docker

Nodes:
Name:      default
Endpoint:  default
Status:    running
Platforms: linux/amd64, linux/386
`;

describe('parseBuildxInspect and builderProblem', () => {
  test.each([
    [
      INSPECT_REMOTE,
      {
        name: 'gin-release-e2e',
        driver: 'remote',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'],
      },
    ],
    [INSPECT_DOCKER, { name: 'default', driver: 'docker', platforms: ['linux/amd64', 'linux/386'] }],
    ['', { name: '', driver: '', platforms: [] }],
  ])('%#', (text, expected) => {
    expect(parseBuildxInspect(text)).toEqual(expected);
  });

  test.each([
    [INSPECT_REMOTE, ['linux/amd64', 'linux/arm64'], null],
    [INSPECT_DOCKER, ['linux/amd64'], null],
    [
      INSPECT_DOCKER,
      ['linux/amd64', 'linux/arm64'],
      /docker driver, which cannot build a multi-platform image.*setup-buildx-action/,
    ],
  ])('%#', (text, platforms, problem) => {
    const found = builderProblem(parseBuildxInspect(text), platforms);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

test('containerLaunch runs the image on the host network with PORT and the smoke env and args', () => {
  const launch = containerLaunch(
    'gin-release-smoke:abc',
    'gin-release-smoke-1',
    {
      healthPath: '/healthz',
      healthFallbacks: [],
      healthStrict: false,
      healthStatus: 200,
      healthBodyRegex: null,
      env: [
        ['GIN_MODE', 'release'],
        ['URL', 'http://127.0.0.1:{port}/'],
      ],
      args: ['--port={port}'],
      readyTimeoutMs: 1000,
      shutdownTimeoutMs: 1000,
    },
    4242,
  );
  expect(launch).toEqual({
    command: 'docker',
    args: [
      'run',
      '--rm',
      '--name',
      'gin-release-smoke-1',
      '--network',
      'host',
      '--env',
      'PORT=4242',
      '--env',
      'BIND_ADDR=127.0.0.1',
      '--env',
      'GIN_MODE=release',
      '--env',
      'URL=http://127.0.0.1:4242/',
      'gin-release-smoke:abc',
      '--port=4242',
    ],
    env: {},
    runner: 'docker',
    retries: 0,
    inspectSockets: false,
  });
});
