import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  fallsThrough,
  findModuleHash,
  hash1,
  moduleZipProblem,
  parseGoProxy,
  parseGoSumDb,
  parseToolchainList,
  toolchainModuleVersion,
  toolchainZipPrefix,
} from '../../src/go/modproxy.js';
import {
  compareGoVersions,
  describeSpec,
  findArchive,
  fromToolCacheVersion,
  type GoVersion,
  goPlatform,
  nearbyVersions,
  parseGoEnvVersion,
  parseGoIndex,
  parseGoVersion,
  parseVersionInput,
  resolveRelease,
  satisfiesSpec,
  toolCacheVersion,
} from '../../src/go/version.js';
import { parseVersionFile } from '../../src/go/version-file.js';
import { hashZip } from '../../src/go/zip-reader.js';
import { InputError } from '../../src/errors.js';
import { buildZip } from '../support/go-zip.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/go-version');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const INDEX = parseGoIndex(JSON.parse(fixture('go-dev-index.json')));
const LINUX_AMD64 = goPlatform('linux', 'x64', 'LE');

function sha256hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function version(text: string): GoVersion {
  const parsed = parseGoVersion(text);
  if (!parsed) throw new Error(`test bug: ${text} is not a version`);
  return parsed;
}

/** The releases of the fixture index that have an archive for a platform, as the installer sees them. */
function releasesFor(platform = LINUX_AMD64) {
  return INDEX.filter((release) => findArchive(release, platform) !== undefined);
}

describe('Go versions', () => {
  test.each([
    ['1.26.8', { major: 1, minor: 26, patch: 8, pre: '', preNumber: 0, text: '1.26.8' }],
    ['go1.26.8', { major: 1, minor: 26, patch: 8, pre: '', preNumber: 0, text: '1.26.8' }],
    ['1.26rc1', { major: 1, minor: 26, patch: 0, pre: 'rc', preNumber: 1, text: '1.26rc1' }],
    ['go1.26beta2', { major: 1, minor: 26, patch: 0, pre: 'beta', preNumber: 2, text: '1.26beta2' }],
    ['1.20', { major: 1, minor: 20, patch: 0, pre: '', preNumber: 0, text: '1.20' }],
  ])('parses %s', (text, expected) => {
    expect(parseGoVersion(text)).toEqual(expected);
  });

  test.each(['', 'stable', '1', '1.26.8.1', '1.26.1rc1', 'v1.26.8', '1.26-rc1', 'go 1.26'])(
    'rejects %j',
    (text) => {
      expect(parseGoVersion(text)).toBeNull();
    },
  );

  test('orders like the go command: beta < rc < release < patch', () => {
    const shuffled = [
      '1.26.1',
      '1.26rc2',
      '1.25.14',
      '1.26.0',
      '1.26beta1',
      '1.26rc1',
      '1.26.10',
      '1.27rc1',
      '1.26.2',
    ];
    const sorted = shuffled
      .map(version)
      .sort(compareGoVersions)
      .map((v) => v.text);
    expect(sorted).toEqual([
      '1.25.14',
      '1.26beta1',
      '1.26rc1',
      '1.26rc2',
      '1.26.0',
      '1.26.1',
      '1.26.2',
      '1.26.10',
      '1.27rc1',
    ]);
    expect(compareGoVersions(version('1.20'), version('1.20.0'))).toBe(0);
  });

  test.each([
    ['1.26.8', '1.26.8'],
    ['1.26rc1', '1.26.0-rc.1'],
    ['1.26beta2', '1.26.0-beta.2'],
    ['1.20', '1.20.0'],
    ['1.21.0', '1.21.0'],
  ])('tool cache spelling of %s is %s and reads back', (text, cached) => {
    expect(toolCacheVersion(version(text))).toBe(cached);
    expect(fromToolCacheVersion(cached)?.text).toBe(text);
  });

  test.each(['1.26', 'latest', '1.26.0-alpha.1', 'x64'])('ignores tool cache folder %j', (name) => {
    expect(fromToolCacheVersion(name)).toBeNull();
  });

  test.each([
    ['go1.26.8\n', '1.26.8'],
    ['go1.26.8 X:nocoverageredesign\n', '1.26.8'],
    ['go1.27rc1', '1.27rc1'],
    ['devel go1.27-1a2b3c Mon Jan 1 2026', undefined],
    ['', undefined],
  ])('go env GOVERSION %j reads as %s', (output, expected) => {
    expect(parseGoEnvVersion(output)?.text).toBe(expected);
  });
});

describe('go-version input', () => {
  test.each([
    ['1.26.8', 'exact', '1.26.8'],
    ['go1.26.8', 'exact', '1.26.8'],
    ['1.26rc1', 'exact', '1.26rc1'],
    ['1.26', 'line', '1.26.x'],
    ['1.26.x', 'line', '1.26.x'],
    ['go1.26', 'line', '1.26.x'],
    ['1', 'line', '1.x'],
    ['stable', 'stable', 'stable'],
    ['latest', 'stable', 'stable'],
    ['oldstable', 'oldstable', 'oldstable'],
  ])('%s is %s %s', (input, kind, described) => {
    const spec = parseVersionInput(input);
    expect(spec.kind).toBe(kind);
    expect(describeSpec(spec)).toBe(described);
  });

  test.each(['newest', '1.26.8.x', '^1.26', '>=1.26', '1.26.1rc1'])(
    '%j is an InputError naming go-version',
    (input) => {
      expect(() => parseVersionInput(input)).toThrow(InputError);
      expect(() => parseVersionInput(input)).toThrow(/go-version: ".*"\. Allowed: an exact release/);
    },
  );
});

describe('go-version-file', () => {
  test.each([
    ['toolchain/go.mod', '1.26.8', 'go.mod toolchain line'],
    ['go-line/go.mod', '1.26.x', 'go.mod go 1.26 line'],
    ['go-line-patch/go.mod', '1.26.x >= 1.26.9', 'go.mod go 1.26.9 line'],
    ['go-work/go.work', '1.25.14', 'go.work toolchain line'],
    ['go-version/.go-version', '1.26.8', '.go-version'],
    ['go-version-line/.go-version', '1.25.x', '.go-version'],
    ['tool-versions/.tool-versions', '1.26.8', '.tool-versions golang line'],
  ])('%s asks for %s', (file, described, origin) => {
    const result = parseVersionFile(file, path.join(FIXTURES, file), fixture(file));
    expect(describeSpec(result.spec)).toBe(described);
    expect(result.origin).toBe(origin);
  });

  test.each([
    ['no-go-line/go.mod', /go\.mod has neither a toolchain nor a go line/],
    ['bad-toolchain/go.mod', /"toolchain go1\.26", which is not a Go release/],
    ['bad-go-version/.go-version', /"one\.twenty-six" is not a Go version/],
    ['empty-go-version/.go-version', /\.go-version is empty/],
    ['tool-versions-no-golang/.tool-versions', /\.tool-versions has no golang line/],
  ])('%s is an InputError naming go-version-file, the value and what is allowed', (file, why) => {
    let caught: unknown;
    try {
      parseVersionFile(file, path.join(FIXTURES, file), fixture(file));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as InputError).message;
    expect(message).toContain(`Invalid input go-version-file: "${file}".`);
    expect(message).toMatch(why);
    expect(message).toContain('Allowed: go.mod or go.work');
  });

  test.each([
    ['.go-version', 'go1.26.8\r\n', '1.26.8'],
    ['.go-version', '# pinned\n\n1.26\n', '1.26.x'],
    ['.tool-versions', 'golang 1.26.8 1.25.0\n', '1.26.8'],
    ['.tool-versions', 'go 1.26.8 # mise spelling\n', '1.26.8'],
    ['.tool-versions', 'golang latest\n', 'stable'],
    ['go.mod', 'module m\n\ngo 1.27rc1\n', '1.27.x >= 1.27rc1'],
    ['go.mod', 'module m\ngo 1.20\ntoolchain go1.20\n', '1.20'],
    ['go.mod', 'module m\n// toolchain go1.99.0\ngo 1.26\n', '1.26.x'],
    ['versions.txt', '1.26.8\n', '1.26.8'],
  ])('%s containing %j asks for %s', (name, content, described) => {
    expect(describeSpec(parseVersionFile(name, `/repo/${name}`, content).spec)).toBe(described);
  });
});

describe('resolving against the go.dev index fixture (linux/amd64)', () => {
  test.each([
    ['1.26.8', '1.26.8'],
    ['1.26', '1.26.11'],
    ['1.26.x', '1.26.11'],
    ['1', '1.27.4'],
    ['stable', '1.27.4'],
    ['oldstable', '1.26.11'],
    ['1.26rc1', '1.26rc1'],
    ['1.20', '1.20.1'],
    ['1.20.0', '1.20'],
    ['1.28', undefined],
    ['1.26.99', undefined],
    ['1.19', undefined],
  ])('go-version %s resolves to %s', (input, expected) => {
    expect(resolveRelease(parseVersionInput(input), releasesFor())?.version.text).toBe(expected);
  });

  test.each([
    ['toolchain/go.mod', '1.26.8'],
    ['go-line/go.mod', '1.26.11'],
    ['go-line-patch/go.mod', '1.26.11'],
    ['go-work/go.work', '1.25.14'],
  ])('%s resolves to %s', (file, expected) => {
    const { spec } = parseVersionFile(file, file, fixture(file));
    expect(resolveRelease(spec, releasesFor())?.version.text).toBe(expected);
  });

  test.each([
    ['module m\ngo 1.28rc1\n', '1.28rc2'],
    ['module m\ngo 1.27.5\n', undefined],
    ['module m\ngo 1.27\n', '1.27.4'],
  ])('go.mod %j resolves to %s', (content, expected) => {
    const { spec } = parseVersionFile('go.mod', 'go.mod', content);
    expect(resolveRelease(spec, releasesFor())?.version.text).toBe(expected);
  });

  test('a release without an archive for the platform does not exist there', () => {
    const arm64 = goPlatform('linux', 'arm64', 'LE');
    expect(resolveRelease(parseVersionInput('1.2.2'), releasesFor())?.version.text).toBe('1.2.2');
    expect(resolveRelease(parseVersionInput('1.2.2'), releasesFor(arm64))).toBeUndefined();
  });

  test.each([
    ['1.26.99', ['1.26.11', '1.26.10', '1.26.9', '1.26.8', '1.26.3', '1.26.0']],
    ['1.28', ['1.28rc2', '1.28rc1']],
    ['1.23.4', ['1.26beta1', '1.25.14', '1.25.0', '1.21.0', '1.20.1', '1.20']],
    ['stable', ['1.27.4', '1.27.3', '1.27.0', '1.26.11', '1.26.10', '1.26.9']],
  ])('nearby versions for %s', (input, expected) => {
    expect(nearbyVersions(parseVersionInput(input), releasesFor())).toEqual(expected);
  });

  test.each([
    ['linux', 'x64', 'go1.26.8.linux-amd64.tar.gz'],
    ['linux', 'arm64', 'go1.26.8.linux-arm64.tar.gz'],
    ['linux', 'arm', 'go1.26.8.linux-armv6l.tar.gz'],
    ['darwin', 'arm64', 'go1.26.8.darwin-arm64.tar.gz'],
    ['win32', 'x64', 'go1.26.8.windows-amd64.zip'],
    ['linux', 'riscv64', undefined],
  ])('the %s/%s archive of 1.26.8 is %s', (platform, arch, filename) => {
    const release = INDEX.find((r) => r.version.text === '1.26.8')!;
    const file = findArchive(release, goPlatform(platform, arch, 'LE'));
    expect(file?.filename).toBe(filename);
    if (file) {
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(file.size).toBeGreaterThan(0);
    }
  });

  test('an index entry with an empty sha256 reads as having none', () => {
    const old = INDEX.find((r) => r.version.text === '1.2.2')!;
    expect(findArchive(old, LINUX_AMD64)).toMatchObject({
      filename: 'go1.2.2.linux-amd64.tar.gz',
      sha256: '',
    });
  });

  test.each([
    [{}, /not a JSON array/],
    ['[]', /not a JSON array/],
  ])('index %j is refused', (json, message) => {
    expect(() => parseGoIndex(json)).toThrow(message);
  });

  test('index entries it cannot read are dropped, file names with path parts are never chosen', () => {
    const index = parseGoIndex([
      null,
      { version: 'weekly.2012-03-27', stable: false, files: [] },
      { version: 'go1.26.8', stable: true },
      {
        version: 'go1.26.9',
        stable: true,
        files: [
          {
            filename: '../evil/go1.26.9.linux-amd64.tar.gz',
            os: 'linux',
            arch: 'amd64',
            kind: 'archive',
            sha256: 'AB',
          },
        ],
      },
    ]);
    expect(index.map((r) => r.version.text)).toEqual(['1.26.9']);
    expect(index[0]!.files[0]!.sha256).toBe('ab');
    expect(findArchive(index[0]!, LINUX_AMD64)).toBeUndefined();
  });
});

describe('local versions against specs', () => {
  test.each([
    ['1.26.8', '1.26.8', true],
    ['1.26.8', '1.26.9', false],
    ['1.26', '1.26.3', true],
    ['1.26', '1.26rc1', false],
    ['1.26', '1.27.0', false],
    ['1', '1.27.0', true],
    ['stable', '1.27.4', false],
  ])('go-version %s is satisfied by %s: %s', (input, local, expected) => {
    expect(satisfiesSpec(parseVersionInput(input), version(local))).toBe(expected);
  });

  test.each([
    ['go 1.26.9', '1.26.8', false],
    ['go 1.26.9', '1.26.9', true],
    ['go 1.26.9', '1.26.11', true],
    ['go 1.27rc1', '1.27rc2', true],
  ])('go.mod %s is satisfied by %s: %s', (line, local, expected) => {
    const { spec } = parseVersionFile('go.mod', 'go.mod', `module m\n${line}\n`);
    expect(satisfiesSpec(spec, version(local))).toBe(expected);
  });
});

describe('platforms', () => {
  test.each([
    [
      'linux',
      'x64',
      'LE',
      { goos: 'linux', goarch: 'amd64', indexArch: 'amd64', archiveExtension: 'tar.gz' },
    ],
    [
      'linux',
      'arm64',
      'LE',
      { goos: 'linux', goarch: 'arm64', indexArch: 'arm64', archiveExtension: 'tar.gz' },
    ],
    ['linux', 'arm', 'LE', { goos: 'linux', goarch: 'arm', indexArch: 'armv6l', archiveExtension: 'tar.gz' }],
    ['linux', 'ia32', 'LE', { goos: 'linux', goarch: '386', indexArch: '386', archiveExtension: 'tar.gz' }],
    [
      'linux',
      'ppc64',
      'LE',
      { goos: 'linux', goarch: 'ppc64le', indexArch: 'ppc64le', archiveExtension: 'tar.gz' },
    ],
    ['aix', 'ppc64', 'BE', { goos: 'aix', goarch: 'ppc64', indexArch: 'ppc64', archiveExtension: 'tar.gz' }],
    [
      'darwin',
      'arm64',
      'LE',
      { goos: 'darwin', goarch: 'arm64', indexArch: 'arm64', archiveExtension: 'tar.gz' },
    ],
    ['win32', 'x64', 'LE', { goos: 'windows', goarch: 'amd64', indexArch: 'amd64', archiveExtension: 'zip' }],
  ] as const)('node %s/%s (%s) is %j', (platform, arch, endianness, expected) => {
    expect(goPlatform(platform, arch, endianness)).toEqual(expected);
  });
});

describe('module proxy', () => {
  test.each([
    ['1.26.8', 'linux', 'amd64', 'v0.0.1-go1.26.8.linux-amd64'],
    ['1.26rc1', 'darwin', 'arm64', 'v0.0.1-go1.26rc1.darwin-arm64'],
    ['1.20', 'windows', 'amd64', 'v0.0.1-go1.20.windows-amd64'],
    ['1.26.8', 'linux', 'arm', 'v0.0.1-go1.26.8.linux-arm'],
  ])('Go %s for %s/%s is %s', (text, goos, goarch, expected) => {
    expect(toolchainModuleVersion(version(text), { goos, goarch })).toBe(expected);
    expect(toolchainZipPrefix(expected)).toBe(`golang.org/toolchain@${expected}/`);
  });

  test.each([
    [
      'linux',
      'amd64',
      ['1.25.14', '1.26rc1', '1.26.0', '1.26.8', '1.26.11', '1.27.0', '1.27.4', '1.28rc1', '1.20'],
    ],
    ['linux', 'arm', ['1.26.8']],
    ['darwin', 'arm64', ['1.26.8', '1.27.4']],
    ['windows', 'amd64', []],
  ])('the version list for %s/%s', (goos, goarch, expected) => {
    const releases = parseToolchainList(fixture('toolchain-list.txt'), { goos, goarch });
    expect(releases.map((r) => r.version.text)).toEqual(expected);
    expect(releases.filter((r) => !r.stable).map((r) => r.version.text)).toEqual(
      expected.filter((v) => /rc|beta/.test(v)),
    );
  });

  test.each([
    ['stable', '1.27.4'],
    ['oldstable', '1.26.11'],
    ['1.26', '1.26.11'],
    ['1.26.8', '1.26.8'],
  ])('%s from the proxy list is %s', (input, expected) => {
    const releases = parseToolchainList(fixture('toolchain-list.txt'), { goos: 'linux', goarch: 'amd64' });
    expect(resolveRelease(parseVersionInput(input), releases)?.version.text).toBe(expected);
  });

  test.each([
    [
      'https://proxy.golang.org,direct',
      [{ kind: 'proxy', url: 'https://proxy.golang.org', anyError: false }, { kind: 'direct' }],
    ],
    [
      'https://a.example/,https://b.example|https://c.example,off',
      [
        { kind: 'proxy', url: 'https://a.example', anyError: false },
        { kind: 'proxy', url: 'https://b.example', anyError: true },
        { kind: 'proxy', url: 'https://c.example', anyError: false },
        { kind: 'off' },
      ],
    ],
    ['direct', [{ kind: 'direct' }]],
    ['off', [{ kind: 'off' }]],
    [' , ', []],
  ])('GOPROXY=%j', (value, expected) => {
    expect(parseGoProxy(value)).toEqual(expected);
  });

  test.each([
    [false, 404, true],
    [false, 410, true],
    [false, 403, false],
    [false, 500, false],
    [false, undefined, false],
    [true, 500, true],
    [true, undefined, true],
  ])('after an entry with "|"=%s, status %s falls through: %s', (anyError, status, expected) => {
    expect(fallsThrough({ kind: 'proxy', url: 'https://p.example', anyError }, status)).toBe(expected);
  });

  test.each([
    ['', { name: 'sum.golang.org', url: 'https://sum.golang.org' }],
    ['sum.golang.org', { name: 'sum.golang.org', url: 'https://sum.golang.org' }],
    [
      'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
      { name: 'sum.golang.org', url: 'https://sum.golang.org' },
    ],
    [
      'sum.example.com+abc http://127.0.0.1:9/sumdb/',
      { name: 'sum.example.com', url: 'http://127.0.0.1:9/sumdb' },
    ],
    ['sum.golang.google.cn', { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' }],
    ['off', null],
  ])('GOSUMDB=%j', (value, expected) => {
    expect(parseGoSumDb(value)).toEqual(expected);
  });

  test.each([
    ['v0.0.1-go1.26.8.linux-amd64', 'h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM='],
    ['v0.0.1-go1.26.8.linux-amd64/go.mod', 'h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0='],
    ['v0.0.1-go1.26.9.linux-amd64', null],
  ])('the saved sum.golang.org lookup answer gives %s %s', (moduleVersion, expected) => {
    const answer = fixture('sumdb-lookup-toolchain-go1.26.8.linux-amd64.txt');
    expect(findModuleHash(answer, 'golang.org/toolchain', moduleVersion)).toBe(expected);
  });

  test('a go.sum line counts, other modules do not', () => {
    const goSum = [
      'github.com/gin-gonic/gin v1.11.0 h1:abc=',
      'golang.org/toolchain v0.0.1-go1.26.8.linux-amd64 h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM=',
    ].join('\n');
    expect(findModuleHash(goSum, 'golang.org/toolchain', 'v0.0.1-go1.26.8.linux-amd64')).toMatch(/^h1:ZOm/);
    expect(findModuleHash(goSum, 'golang.org/toolchain', 'v1.11.0')).toBeNull();
  });
});

describe('h1 dirhash of module zips', () => {
  const prefix = 'golang.org/toolchain@v0.0.1-go1.99.1.linux-amd64/';
  const files = [
    { name: `${prefix}bin/go`, data: '#!/bin/sh\necho go1.99.1\n' },
    { name: `${prefix}VERSION`, data: 'go1.99.1\ntime 2026-01-01T00:00:00Z\n' },
    { name: `${prefix}src/_go.mod`, data: 'module std\n\ngo 1.99\n' },
    { name: `${prefix}src/a.b`, data: '' },
    { name: `${prefix}src/a/b`, data: 'x'.repeat(5000) },
    { name: `${prefix}README.md`, data: 'Go 1.99.1\n' },
  ];
  // Computed for these six files by golang.org/x/mod v0.42.0 sumdb/dirhash.HashZip(zip, dirhash.Hash1), the code
  // the go command verifies module zips with; names and contents decide it, not compression or zip layout.
  const GO_DIRHASH = 'h1:GEMmxKh08eEsrx3GmhcbyjbgRaWdohHf5QQnvd05mF0=';

  test.each([
    ['deflated', buildZip(files)],
    ['stored', buildZip(files.map((f) => ({ ...f, method: 'store' as const })))],
    ['zip64 records', buildZip(files, { zip64: true })],
    ['reversed entry order', buildZip([...files].reverse())],
  ])('a %s zip hashes like Go dirhash', async (_layout, zip) => {
    const result = await hashZip(zip);
    expect(result.hash).toBe(GO_DIRHASH);
    expect(result.names).toHaveLength(files.length);
    expect(moduleZipProblem(result.names, prefix)).toBeNull();
  });

  test('hash1 sorts by bytes and reads as the documented formula', () => {
    const sha = sha256hex;
    const hash = hash1([
      { name: Buffer.from('b'), sha256: sha('2') },
      { name: Buffer.from('B'), sha256: sha('1') },
    ]);
    const summary = `${sha('1')}  B\n${sha('2')}  b\n`;
    expect(hash).toBe(`h1:${Buffer.from(sha256hex(summary), 'hex').toString('base64')}`);
    expect(() => hash1([{ name: Buffer.from('a\nb'), sha256: sha('') }])).toThrow(/newline/);
  });

  test('a changed content byte changes the hash', async () => {
    const changed = files.map((f, i) =>
      i === 1 ? { ...f, data: 'go1.99.2\ntime 2026-01-01T00:00:00Z\n' } : f,
    );
    expect((await hashZip(buildZip(changed))).hash).not.toBe(GO_DIRHASH);
  });

  test.each([
    ['truncated', (zip: Buffer) => zip.subarray(0, zip.length - 40), /end of central directory/],
    [
      'cut in the middle',
      (zip: Buffer) => Buffer.concat([zip.subarray(0, 200), zip.subarray(400)]),
      /damaged|truncated|past the end/,
    ],
    ['not a zip', () => Buffer.from('<html>404 page not found</html>'), /end of central directory/],
    [
      'a stored byte flipped',
      (zip: Buffer) => {
        const copy = Buffer.from(zip);
        const at = copy.indexOf('echo go1.99.1');
        copy[at] = 'E'.charCodeAt(0);
        return copy;
      },
      /CRC-32/,
    ],
  ])('a %s zip is refused', async (_what, damage, message) => {
    const zip = damage(buildZip(files.map((f) => ({ ...f, method: 'store' as const }))));
    await expect(hashZip(zip)).rejects.toThrow(message);
  });

  test.each([
    [[`${prefix}bin/go`], null],
    [[], 'the zip is empty'],
    [[`golang.org/toolchain@v0.0.1-go1.99.2.linux-amd64/bin/go`], 'is outside'],
    [[`${prefix}../../etc/passwd`], 'not a clean relative path'],
    [[`${prefix}bin//go`], 'not a clean relative path'],
    [[`${prefix}bin\\go`], 'not a clean relative path'],
    [[`${prefix}bin/`], 'folder entry'],
    [[`${prefix}bin/go`, `${prefix}BIN/go`], 'twice'],
  ])('module zip names %j: %s', (names, problem) => {
    const found = moduleZipProblem(names, prefix);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});

describe('problem matcher matchers/go.json', () => {
  const matcher = JSON.parse(
    fs.readFileSync(path.resolve(import.meta.dirname, '../../matchers/go.json'), 'utf8'),
  ) as {
    problemMatcher: Array<{
      owner: string;
      pattern: Array<{ regexp: string; file: number; line: number; column: number; message: number }>;
    }>;
  };
  const pattern = matcher.problemMatcher[0]!.pattern[0]!;
  const regexp = new RegExp(pattern.regexp);

  test.each([
    ['pkg/a/a.go:2:12: undefined: x', ['pkg/a/a.go', '2', '12', 'undefined: x']],
    [
      './main.go:10:5: syntax error: unexpected newline',
      ['./main.go', '10', '5', 'syntax error: unexpected newline'],
    ],
    ['    handler_test.go:42: got 500, want 200', ['handler_test.go', '42', undefined, 'got 500, want 200']],
    ['C:\\src\\app\\main.go:3:1: missing return', ['C:\\src\\app\\main.go', '3', '1', 'missing return']],
    ['# example.com/m/pkg/a', null],
    ['ok  \texample.com/m\t0.012s', null],
    ['--- FAIL: TestHealthz (0.00s)', null],
    ['go: downloading github.com/gin-gonic/gin v1.11.0', null],
  ])('%j', (line, expected) => {
    const match = regexp.exec(line);
    if (expected === null) {
      expect(match).toBeNull();
      return;
    }
    expect(match).not.toBeNull();
    expect([
      match![pattern.file],
      match![pattern.line],
      match![pattern.column],
      match![pattern.message],
    ]).toEqual(expected);
  });

  test('owner is "go", so it replaces rather than duplicates setup-go\'s matcher', () => {
    expect(matcher.problemMatcher[0]!.owner).toBe('go');
  });
});
