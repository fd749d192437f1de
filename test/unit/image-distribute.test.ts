// An image made by several jobs: the shard's untagged push by digest, the merge job's imagetools argv, and the
// check of the index it reads back. Pure.
import { describe, expect, test } from 'vitest';
import { buildxArgs, type BuildxOptions } from '../../src/image/buildx.js';
import {
  imagetoolsCreateArgs,
  imagetoolsInspectArgs,
  indexPlatforms,
  indexProblems,
} from '../../src/image/distribute.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('push by digest', () => {
  test('a shard pushes its platforms untagged, to the canonical name', () => {
    const options: BuildxOptions = {
      builder: 'b',
      platforms: ['linux/arm64'],
      tags: [],
      labels: [],
      buildArgs: [],
      provenance: false,
      sbom: false,
      metadataFile: '/t/m.json',
      output: { kind: 'push-by-digest', name: 'ghcr.io/shop/api' },
      dockerfile: '/t/Dockerfile',
      context: '/t/ctx',
    };
    const args = buildxArgs(options);
    expect(args).not.toContain('--tag');
    expect(args).not.toContain('--push');
    expect(args.slice(args.indexOf('--output'), args.indexOf('--output') + 2)).toEqual([
      '--output',
      'type=image,name=ghcr.io/shop/api,push-by-digest=true,name-canonical=true,push=true',
    ]);
  });
});

describe('imagetools', () => {
  test.each<[string, string, string[], string[], string[]]>([
    [
      'two shards, two tags, a builder',
      'e2e',
      ['r/app:1.2.3', 'r/app:latest'],
      [`r/app@${D1}`, `r/app@${D2}`],
      [
        'buildx',
        'imagetools',
        'create',
        '--builder',
        'e2e',
        '--tag',
        'r/app:1.2.3',
        '--tag',
        'r/app:latest',
        `r/app@${D1}`,
        `r/app@${D2}`,
      ],
    ],
    [
      'the current builder',
      '',
      ['r/app:1'],
      [`r/app@${D1}`],
      ['buildx', 'imagetools', 'create', '--tag', 'r/app:1', `r/app@${D1}`],
    ],
  ])('create: %s', (_what, builder, refs, sources, expected) => {
    expect(imagetoolsCreateArgs(builder, refs, sources)).toEqual(expected);
  });

  test('inspect --raw reads the index back', () => {
    expect(imagetoolsInspectArgs('e2e', 'r/app:1')).toEqual([
      'buildx',
      'imagetools',
      'inspect',
      '--builder',
      'e2e',
      '--raw',
      'r/app:1',
    ]);
  });
});

const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D1,
      size: 1,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D2,
      size: 1,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D2,
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': D1 },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D2,
      size: 1,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
  ],
});

describe('the assembled index', () => {
  test('its platforms, attestations left out, arm64/v8 as arm64', () => {
    expect(indexPlatforms(INDEX)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
  });

  test.each<[string, string, RegExp]>([
    ['not JSON', 'oops', /did not print JSON/],
    [
      'a single manifest',
      JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }),
      /printed a manifest, not an index/,
    ],
  ])('%s is refused', (_what, raw, message) => {
    expect(() => indexPlatforms(raw)).toThrow(message);
  });

  test.each<[string, string[], string[], string[]]>([
    ['every platform once', ['linux/amd64', 'linux/arm64'], ['linux/amd64', 'linux/arm64'], []],
    ['a platform missing', ['linux/amd64'], ['linux/amd64', 'linux/arm64'], ['it lacks linux/arm64']],
    [
      'a platform too many',
      ['linux/amd64', 'linux/s390x'],
      ['linux/amd64'],
      ['it holds linux/s390x, which no target of this release is'],
    ],
    [
      'a platform twice',
      ['linux/amd64', 'linux/amd64'],
      ['linux/amd64'],
      ['it holds linux/amd64 more than once'],
    ],
  ])('%s', (_what, found, expected, problems) => {
    expect(indexProblems(found, expected)).toEqual(problems);
  });
});
