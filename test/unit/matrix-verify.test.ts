// Every reason a merge refuses its shards, one table row each: what the shards and the merge job hold, and the
// message that names what is wrong. Pure: manifests and inspections as values, no downloads.
import { describe, expect, test } from 'vitest';
import type { Inspection } from '../../src/build/inspect.js';
import { parseTarget, parseTargets } from '../../src/build/targets.js';
import { serviceId } from '../../src/matrix/naming.js';
import {
  checkDownloadedFile,
  checkPlacedBytes,
  checkReinspection,
  checkShardSet,
  pathProblem,
  type FoundFile,
  type MergeExpectation,
  type ReceivedShard,
} from '../../src/matrix/verify.js';
import {
  buildSettingsOf,
  defaultPath,
  MAIN,
  manifestFor,
  MODULE,
  received,
  RELEASE,
  SETTINGS,
} from '../support/matrix-manifests.js';

const ALL = 'linux/amd64, linux/arm64, windows/amd64, darwin/arm64';

function expectation(overrides: Partial<MergeExpectation> = {}): MergeExpectation {
  const targets = parseTargets(ALL);
  return {
    targets,
    paths: new Map(targets.map((t) => [t.id, defaultPath(t.id)])),
    release: RELEASE,
    service: { module: MODULE, main: MAIN, id: serviceId(MODULE, MAIN) },
    image: null,
    ...overrides,
  };
}

/** The usual three shards of ALL. */
function threeShards(): ReceivedShard[] {
  return ['linux/amd64, linux/arm64', 'windows/amd64', 'darwin/arm64'].map((t) => received(manifestFor(t)));
}

describe('checkShardSet accepts', () => {
  test('three shards that together build every target once', () => {
    const check = checkShardSet(threeShards(), expectation());
    expect(check.problems).toEqual([]);
    expect([...check.byTarget.keys()].sort()).toEqual(
      parseTargets(ALL)
        .map((t) => t.id)
        .sort(),
    );
    expect(check.byTarget.get('windows/amd64')!.binary.path).toBe('api_windows_amd64/api.exe');
  });

  test('shards on different runners and attempts, smoke-tested differently', () => {
    const shards = [
      received(manifestFor('linux/amd64, linux/arm64', { runner: { os: 'Linux', arch: 'ARM64' } })),
      received(manifestFor('windows/amd64', { attempt: 2, runner: { os: 'Windows' } })),
      received(manifestFor('darwin/arm64', { runner: { os: 'macOS', arch: 'ARM64' } })),
    ];
    expect(checkShardSet(shards, expectation()).problems).toEqual([]);
  });

  test('with image-distribute, every platform pushed by one shard', () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const shards = [
      received(
        manifestFor('linux/amd64', {
          image: { name: 'ghcr.io/shop/api', digest, platforms: ['linux/amd64'] },
        }),
      ),
      received(
        manifestFor('linux/arm64', {
          image: { name: 'ghcr.io/shop/api', digest, platforms: ['linux/arm64'] },
        }),
      ),
      received(manifestFor('windows/amd64, darwin/arm64')),
    ];
    const image = { name: 'ghcr.io/shop/api', platforms: ['linux/amd64', 'linux/arm64'] };
    expect(checkShardSet(shards, expectation({ image })).problems).toEqual([]);
  });
});

/** A shard of `targets` changed by `change`. */
function shard(targets: string, change: (s: ReceivedShard) => void = () => undefined): ReceivedShard {
  const s = received(manifestFor(targets));
  change(s);
  return s;
}

const digest = `sha256:${'2'.repeat(64)}`;

describe('checkShardSet refuses, naming what is wrong', () => {
  test.each<[string, () => ReceivedShard[], Partial<MergeExpectation>, RegExp]>([
    [
      'no shards at all',
      () => [],
      {},
      /^No shard artifacts of example\.com\/shop\/api \(main package \.\) in this run\. .*mode: shard.*needs:/,
    ],
    [
      'a missing shard: its targets named',
      () => [shard('linux/amd64, linux/arm64')],
      {},
      /^Missing targets: windows\/amd64, darwin\/arm64 were built by no shard \(shards found: gin-release-shard_api-linux-amd64\.linux-arm64_\w+_\w+_a1\)/,
    ],
    [
      'one missing target',
      () => threeShards().slice(0, 2),
      {},
      /^Missing targets: darwin\/arm64 was built by no shard/,
    ],
    [
      'a target built twice',
      () => [...threeShards(), shard('linux/amd64')],
      {},
      /^linux\/amd64 was built twice, by gin-release-shard_api-linux-amd64\.linux-arm64_\w+_a1, gin-release-shard_api-linux-amd64_\w+_a1\. Each target belongs in exactly one shard/,
    ],
    [
      'a target the merge job does not list',
      () => [...threeShards(), shard('linux/riscv64')],
      {},
      /^linux\/riscv64 was built by gin-release-shard_api-linux-riscv64_\w+ but is not in this job's targets .*full targets list/,
    ],
    [
      'commits that differ',
      () => [
        shard('linux/amd64, linux/arm64'),
        shard('windows/amd64', (s) => (s.manifest.release.commit = 'b'.repeat(40))),
        shard('darwin/arm64'),
      ],
      {},
      /^Shards disagree on the commit: "3f2a9c1d\w+" \(gin-release-shard_api-linux-amd64\.linux-arm64\w*_a1, gin-release-shard_api-darwin-arm64\w*_a1\); "b{40}" \(gin-release-shard_api-windows-amd64\w*_a1\)/,
    ],
    [
      'versions that differ',
      () => [
        shard('linux/amd64, linux/arm64'),
        shard('windows/amd64', (s) => (s.manifest.release.version = '1.2.4')),
        shard('darwin/arm64'),
      ],
      { release: RELEASE },
      /^Shards disagree on the version: "1\.2\.3" .*; "1\.2\.4"/,
    ],
    [
      'commit times that differ',
      () => [
        shard('linux/amd64, linux/arm64'),
        shard('windows/amd64', (s) => (s.manifest.release.date = '1970-01-01T00:00:00Z')),
        shard('darwin/arm64'),
      ],
      {},
      /^Shards disagree on the commit time: "2024-05-01T12:00:00Z" .*; "1970-01-01T00:00:00Z"/,
    ],
    [
      'Go versions that differ',
      () => [
        shard('linux/amd64, linux/arm64'),
        received(
          manifestFor('windows/amd64', {
            goVersion: '1.26.7',
            settings: { 'go.version': '1.26.7', 'buildinfo.go': 'go1.26.7' },
          }),
        ),
        shard('darwin/arm64'),
      ],
      {},
      /^Shards disagree on the Go version \(pin go-version to one exact release in every shard job\): "1\.26\.8" .*; "1\.26\.7" \(gin-release-shard_api-windows-amd64/,
    ],
    [
      'a fingerprint that differs: the differing keys with each shard\u2019s value',
      () => [
        shard('linux/amd64, linux/arm64'),
        received(
          manifestFor('windows/amd64', { settings: { 'build-tags': 'netgo', 'env.GOFLAGS': '-mod=vendor' } }),
        ),
        shard('darwin/arm64'),
      ],
      {},
      /^Shards disagree on their build fingerprint; these settings differ: build-tags \(gin-release-shard_api-linux-amd64\.linux-arm64\w*: "", gin-release-shard_api-windows-amd64\w*: "netgo", gin-release-shard_api-darwin-arm64\w*: ""\); env\.GOFLAGS \(.*"-mod=vendor".*\)\. Give every shard job the same build inputs/,
    ],
    [
      'a GOEXPERIMENT in one shard\u2019s binaries',
      () => [
        shard('linux/amd64, linux/arm64'),
        received(manifestFor('windows/amd64', { settings: { 'buildinfo.GOEXPERIMENT': 'jsonv2' } })),
        shard('darwin/arm64'),
      ],
      {},
      /these settings differ: buildinfo\.GOEXPERIMENT \(.*"jsonv2"/,
    ],
    [
      'the merge job\u2019s checkout at another commit',
      threeShards,
      { release: { ...RELEASE, commit: 'c'.repeat(40) } },
      /^The shards built commit 3f2a9c1d\w+, but this job's checkout is at c{40}\. Check out the same commit in every job\./,
    ],
    [
      'the merge job resolving another version',
      threeShards,
      { release: { ...RELEASE, version: '0.0.0-dev+3f2a9c1' } },
      /^The shards built version "1\.2\.3", but this job resolves version "0\.0\.0-dev\+3f2a9c1"\. Give every job the same version input and ref\./,
    ],
    [
      'the merge job without the commit time',
      threeShards,
      { release: { ...RELEASE, date: '1970-01-01T00:00:00Z', epoch: 0 } },
      /^The shards stamped the commit time 2024-05-01T12:00:00Z, but this job's checkout says 1970-01-01T00:00:00Z; archive timestamps would differ/,
    ],
    [
      'a path that leaves the folder',
      () => [
        shard('linux/amd64, linux/arm64', (s) => (s.manifest.binaries[0]!.path = '../../etc/cron.d/x')),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      {},
      /^gin-release-shard_api-linux-amd64\.linux-arm64\w*: the path of linux\/amd64, "\.\.\/\.\.\/etc\/cron\.d\/x", leaves the shard folder\./,
    ],
    [
      'an absolute path',
      () => [
        shard('linux/amd64, linux/arm64', (s) => (s.manifest.binaries[1]!.path = '/usr/local/bin/api')),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      {},
      /the path of linux\/arm64, "\/usr\/local\/bin\/api", is absolute\./,
    ],
    [
      'a binary-template the merge job does not share',
      threeShards,
      { paths: new Map(parseTargets(ALL).map((t) => [t.id, `bin/${t.id.replace(/\//g, '-')}/api`])) },
      /^linux\/amd64: gin-release-shard_api-linux-amd64\.linux-arm64\w* has it at api_linux_amd64\/api, but this job's binary-name and binary-template put it at bin\/linux-amd64\/api\. Give the merge job the same binary-name and binary-template as the shards\./,
    ],
    [
      'an artifact holding another shard\u2019s manifest',
      () => [
        shard('linux/amd64, linux/arm64', (s) => (s.name = 'gin-release-shard_renamed')),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      {},
      /^gin-release-shard_renamed: its manifest says it is gin-release-shard_api-linux-amd64\.linux-arm64\w*; the artifact holds another shard's files\./,
    ],
    [
      'a shard of another service',
      () => [
        shard(
          'linux/amd64, linux/arm64',
          (s) =>
            (s.manifest.service = {
              module: 'example.com/shop/web',
              main: '.',
              id: serviceId('example.com/shop/web', '.'),
            }),
        ),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      {},
      /it was built for example\.com\/shop\/web \(main package \.\), not example\.com\/shop\/api \(main package \.\)\./,
    ],
    [
      'image-distribute: a platform no shard pushed',
      () => [
        shard(
          'linux/amd64, linux/arm64',
          (s) => (s.manifest.image = { name: 'ghcr.io/shop/api', digest, platforms: ['linux/amd64'] }),
        ),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      { image: { name: 'ghcr.io/shop/api', platforms: ['linux/amd64', 'linux/arm64'] } },
      /^No shard pushed the linux\/arm64 image \(image-distribute\)\. Set image, push and image-distribute: true in the shard job that builds linux\/arm64\./,
    ],
    [
      'image-distribute: a platform pushed twice',
      () => [
        shard(
          'linux/amd64',
          (s) => (s.manifest.image = { name: 'ghcr.io/shop/api', digest, platforms: ['linux/amd64'] }),
        ),
        shard(
          'linux/arm64',
          (s) =>
            (s.manifest.image = {
              name: 'ghcr.io/shop/api',
              digest,
              platforms: ['linux/amd64', 'linux/arm64'],
            }),
        ),
        shard('windows/amd64, darwin/arm64'),
      ],
      { image: { name: 'ghcr.io/shop/api', platforms: ['linux/amd64', 'linux/arm64'] } },
      /^The linux\/amd64 image was pushed by two shards: /,
    ],
    [
      'image-distribute: pushed to another image',
      () => [
        shard(
          'linux/amd64, linux/arm64',
          (s) =>
            (s.manifest.image = {
              name: 'ghcr.io/shop/old',
              digest,
              platforms: ['linux/amd64', 'linux/arm64'],
            }),
        ),
        shard('windows/amd64'),
        shard('darwin/arm64'),
      ],
      { image: { name: 'ghcr.io/shop/api', platforms: ['linux/amd64', 'linux/arm64'] } },
      /pushed its platforms to ghcr\.io\/shop\/old, but this job assembles ghcr\.io\/shop\/api\. Give every job the same image input\./,
    ],
  ])('%s', (_what, shards, overrides, message) => {
    const check = checkShardSet(shards(), expectation(overrides));
    expect(
      check.problems.some((p) => message.test(p)),
      check.problems.join('\n'),
    ).toBe(true);
  });

  test('a fingerprint that differs only in keys with their own check is reported once, by that check', () => {
    const shards = [
      shard('linux/amd64, linux/arm64'),
      received(
        manifestFor('windows/amd64', {
          release: { version: '9.9.9' },
          settings: { 'release.version': '9.9.9' },
        }),
      ),
      shard('darwin/arm64'),
    ];
    const problems = checkShardSet(shards, expectation()).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Shards disagree on the version/);
  });
});

describe('pathProblem', () => {
  test.each<[string, string | null]>([
    ['api_linux_amd64/api', null],
    ['api', null],
    ['', 'is empty or holds a NUL character'],
    ['a\0b', 'is empty or holds a NUL character'],
    ['..', 'leaves the shard folder'],
    ['../x', 'leaves the shard folder'],
    ['a/../../x', 'leaves the shard folder'],
    ['/etc/passwd', 'is absolute'],
    ['C:/x', 'is absolute'],
    ['a\\b', 'holds a backslash (manifest paths are /-separated)'],
    ['./a', 'is not a plain file path (it normalises to "a")'],
    ['a//b', 'is not a plain file path (it normalises to "a/b")'],
    ['a/', 'is not a plain file path (it normalises to "a/")'],
  ])('%j: %s', (relative, problem) => {
    expect(pathProblem(relative)).toBe(problem);
  });
});

describe('checkDownloadedFile', () => {
  const s = received(manifestFor('linux/amd64'));
  const binary = s.manifest.binaries[0]!;
  test.each<[string, FoundFile, RegExp | null]>([
    ['the file as described', { kind: 'file', size: binary.size }, null],
    ['no file', { kind: 'missing' }, /api_linux_amd64\/api \(linux\/amd64\) is not in the artifact\./],
    ['another size', { kind: 'file', size: 7 }, /linux\/amd64 is 7 bytes, its manifest says 1011\./],
  ])('%s', (_what, found, message) => {
    const problems = checkDownloadedFile(s.name, binary, found);
    if (message === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.stringMatching(message)]);
  });
});

describe('checkPlacedBytes', () => {
  const s = received(manifestFor('linux/amd64'));
  const binary = s.manifest.binaries[0]!;
  test.each<[string, { size: number; sha256: string }, string[]]>([
    ['the bytes the manifest describes', { size: binary.size, sha256: binary.sha256 }, []],
    [
      'a changed byte',
      { size: binary.size, sha256: 'e'.repeat(64) },
      [`${s.name}: linux/amd64 has SHA-256 ${'e'.repeat(64)}, its manifest says ${binary.sha256}.`],
    ],
    [
      'a cut file',
      { size: 10, sha256: 'e'.repeat(64) },
      [
        `${s.name}: linux/amd64 has SHA-256 ${'e'.repeat(64)}, its manifest says ${binary.sha256}.`,
        `${s.name}: linux/amd64 is 10 bytes, its manifest says ${binary.size}.`,
      ],
    ],
  ])('%s', (_what, placed, problems) => {
    expect(checkPlacedBytes(s.name, binary, placed)).toEqual(problems);
  });
});

describe('checkReinspection', () => {
  const s = received(manifestFor('linux/amd64'));
  const binary = s.manifest.binaries[0]!;
  const target = parseTarget('linux/amd64');
  const buildInfo = {
    goVersion: 'go1.26.8',
    path: MODULE,
    mainModule: { path: MODULE, version: '(devel)', sum: '' },
    deps: [],
    settings: buildSettingsOf('linux/amd64'),
  };
  const inspection = (change: Partial<Inspection> = {}): Inspection => ({
    format: 'elf',
    goos: 'linux',
    goarch: 'amd64',
    static: true,
    needed: [],
    buildInfo,
    size: binary.size,
    sha256: binary.sha256,
    ...change,
  });

  test('the binary the manifest describes passes', () => {
    expect(SETTINGS['buildinfo.go']).toBe('go1.26.8');
    expect(checkReinspection(s, binary, target, inspection())).toEqual([]);
  });

  test.each<[string, Partial<Inspection>, RegExp]>([
    ['another SHA-256', { sha256: 'f'.repeat(64) }, /linux\/amd64 has SHA-256 f{64}, its manifest says /],
    ['another size', { size: 5 }, /linux\/amd64 is 5 bytes, its manifest says 1011\./],
    [
      'another architecture',
      { goarch: 'arm64' },
      /linux\/amd64: expected an ELF binary for amd64, found ELF for arm64/,
    ],
    [
      'a dynamic binary',
      { static: false, interpreter: '/lib64/ld-linux-x86-64.so.2' },
      /not statically linked \(interpreter \/lib64\/ld-linux-x86-64\.so\.2\)/,
    ],
    ['no build info', { buildInfo: undefined }, /no Go build info found in the binary/],
    [
      'build settings unlike its manifest entry\u2019s',
      { buildInfo: { ...buildInfo, settings: { ...buildInfo.settings, GOAMD64: 'v3' } } },
      /linux\/amd64's build settings are not its manifest's: GOAMD64 is "v3", the manifest says "v1"\./,
    ],
    [
      'build info unlike the fingerprint',
      {
        buildInfo: {
          ...buildInfo,
          goVersion: 'go1.26.7',
          settings: { ...buildInfo.settings, '-tags': 'dev' },
        },
      },
      /linux\/amd64's build info does not match the shard's fingerprint: buildinfo\.-tags is "dev", the manifest says \(not set\); buildinfo\.go is "go1\.26\.7", the manifest says "go1\.26\.8"\./,
    ],
  ])('refuses %s', (_what, change, message) => {
    const problems = checkReinspection(s, binary, target, inspection(change));
    expect(
      problems.some((p) => p.startsWith(`${s.name}: `) && message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});
