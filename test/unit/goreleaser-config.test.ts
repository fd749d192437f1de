// Reading .goreleaser.yaml: goreleaser's spellings (scalar or list, numbers as strings, deprecated `format`), the
// first build and first non-meta archive, and every key that is not applied.
import { describe, expect, test } from 'vitest';
import { parseGoreleaserConfig } from '../../src/goreleaser/config.js';
import { goreleaserTargets, targetFields } from '../../src/goreleaser/targets.js';
import { parseTarget } from '../../src/build/targets.js';

describe('parseGoreleaserConfig', () => {
  test('scalars and lists, numbers kept as goreleaser reads them', () => {
    const config = parseGoreleaserConfig(`
version: 2
project_name: shop
builds:
  - binary: shop-api
    main: ./cmd/api
    goos: [linux]
    goarch: [amd64, arm, 386]
    goarm: [6, 7]
    ldflags: -s -w -X main.version={{ .Version }}
    flags: -trimpath
    tags: [netgo]
    env: [CGO_ENABLED=0]
    ignore:
      - goos: linux
        goarch: arm
        goarm: 6
archives:
  - format: zip
    format_overrides:
      - goos: darwin
        formats: tar.gz
    files:
      - LICENSE
      - src: docs/*.md
        dst: docs
checksum:
  name_template: SHA256SUMS
  algorithm: sha256
`);
    expect(config.projectName).toBe('shop');
    expect(config.build).toMatchObject({
      binary: 'shop-api',
      main: './cmd/api',
      goarch: ['amd64', 'arm', '386'],
      goarm: ['6', '7'],
      ldflags: ['-s -w -X main.version={{ .Version }}'],
      flags: ['-trimpath'],
      tags: ['netgo'],
      env: ['CGO_ENABLED=0'],
    });
    expect(config.build.ignore[0]).toMatchObject({ goos: 'linux', goarch: 'arm', goarm: '6', goamd64: '' });
    expect(config.archive).toEqual({
      formats: ['zip'],
      formatOverrides: [{ goos: 'darwin', formats: ['tar.gz'] }],
      files: ['LICENSE', 'docs/*.md'],
    });
    expect(config.checksum).toEqual({ nameTemplate: 'SHA256SUMS' });
    expect(config.unapplied).toEqual(['archives[0].files[1].dst']);
  });

  test.each<[string, string[]]>([
    ['before: {hooks: [go mod tidy]}\nrelease: {draft: true}\ndockers: []', ['before', 'release', 'dockers']],
    [
      'builds:\n  - id: a\n    hooks: {post: x}\n    dir: .\n    mod_timestamp: "{{ .CommitTimestamp }}"\n  - id: b',
      ['builds[1] (only the first build is applied)', 'builds[0].hooks', 'builds[0].mod_timestamp'],
    ],
    [
      'archives:\n  - meta: true\n  - wrap_in_directory: true\n  - id: third',
      [
        'archives[0] (meta archive)',
        'archives[1].wrap_in_directory',
        'archives[2] (only the first archive is applied)',
      ],
    ],
    [
      'checksum: {algorithm: sha512, disable: false, split: true}',
      ['checksum.algorithm (sha512: the checksums file holds SHA-256)', 'checksum.split'],
    ],
  ])('lists what it does not apply: %j', (text, unapplied) => {
    expect(parseGoreleaserConfig(text).unapplied).toEqual(unapplied);
  });

  test.each<[string, RegExp]>([
    ['builds: {goos: linux}', /builds must be a list/],
    ['builds:\n  - goos: [[linux]]', /builds\[0\]\.goos\[0\] must be a single value, not a list/],
    ['archives:\n  - format_overrides: [windows]', /format_overrides\[0\] must be a map/],
    ['builds: [\n', /Flow sequence|Missing|Unexpected|end/i],
  ])('refuses %j', (text, message) => {
    expect(() => parseGoreleaserConfig(text)).toThrow(message);
  });
});

describe('goreleaserTargets: goreleaser v2.15.1 build matrix', () => {
  const targets = (yaml: string): string[] =>
    goreleaserTargets(parseGoreleaserConfig(yaml).build).map((t) => t.id);
  test.each<[string, string[]]>([
    // No builds: linux, darwin, windows x amd64, arm64, 386 (darwin/386 is not a valid pair).
    [
      '',
      [
        'linux/amd64',
        'linux/arm64',
        'linux/386',
        'darwin/amd64',
        'darwin/arm64',
        'windows/amd64',
        'windows/arm64',
        'windows/386',
      ],
    ],
    // goreleaser's GOARM default is 6, not Go's 7; ignore can match one GOARM only.
    [
      'builds: [{goos: [linux, freebsd], goarch: [arm], goarm: [5, 6, 7], ignore: [{goos: freebsd, goarch: arm, goarm: 5}]}]',
      ['linux/arm/v5', 'linux/arm/v6', 'linux/arm', 'freebsd/arm/v6', 'freebsd/arm'],
    ],
    ['builds: [{goos: [linux], goarch: [arm]}]', ['linux/arm/v6']],
    ['builds: [{goos: [linux], goarch: [amd64], goamd64: [v1, v3]}]', ['linux/amd64', 'linux/amd64/v3']],
    [
      'builds: [{targets: [linux_amd64, darwin_arm64, linux_arm_7, linux_amd64_v1]}]',
      ['linux/amd64', 'darwin/arm64', 'linux/arm'],
    ],
    [
      'builds: [{targets: [go_first_class]}]',
      [
        'darwin/amd64',
        'darwin/arm64',
        'linux/386',
        'linux/amd64',
        'linux/arm/v6',
        'linux/arm64',
        'windows/386',
        'windows/amd64',
      ],
    ],
    ['builds: [{goos: [windows], goarch: [arm, arm64]}]', ['windows/arm64']],
  ])('%s', (yaml, expected) => {
    expect(targets(yaml)).toEqual(expected);
  });

  test('a matrix with nothing left is refused', () => {
    expect(() => targets('builds: [{goos: [linux], goarch: [amd64], ignore: [{goos: linux}]}]')).toThrow(
      /builds no target/,
    );
  });

  test.each<[string, Record<string, string>]>([
    ['linux/amd64', { Arch: 'amd64', Amd64: 'v1', Arm: '', Target: 'linux_amd64_v1' }],
    ['linux/arm/v6', { Arm: '6', Amd64: '', Target: 'linux_arm_6' }],
    ['linux/arm', { Arm: '7', Target: 'linux_arm_7' }],
    ['darwin/arm64', { Arm64: 'v8.0', Target: 'darwin_arm64_v8.0' }],
    ['linux/s390x', { Target: 'linux_s390x' }],
    ['linux/mips64le/softfloat', { Mips: 'softfloat', Target: 'linux_mips64le_softfloat' }],
    ['windows/386', { I386: 'sse2', Target: 'windows_386_sse2' }],
  ])('targetFields(%s)', (id, fields) => {
    expect(targetFields(parseTarget(id))).toMatchObject(fields);
  });
});
