// The SBOM document made from Go build info: pure, so checked on build info text written here, against the
// CycloneDX 1.6 JSON schema shipped in @cyclonedx/cyclonedx-library (validated offline).
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, test } from 'vitest';
import { parseModInfo } from '../../src/build/buildinfo.js';
import { parseTarget } from '../../src/build/targets.js';
import {
  buildSbom,
  depComponent,
  formatSbom,
  golangPurl,
  h1ToSha256Hex,
  uuidV5,
  type SbomInput,
} from '../../src/sbom/cyclonedx.js';

const AMD64 = parseTarget('linux/amd64');
const ARM7 = parseTarget('linux/arm/v7');
const GIN_SUM = 'h1:b3YAbrZtnf8N//yjKeU2+MQsh2mY5htkZidOM7O0wG8=';

// runtime/debug.BuildInfo.String() of a build with a module and a folder replacement.
const MODINFO = [
  'path\texample.com/shop/cmd/api',
  'mod\texample.com/shop\t(devel)\t',
  `dep\tgithub.com/gin-gonic/gin\tv1.12.0\t${GIN_SUM}`,
  'dep\tgolang.org/x/text\tv0.30.0',
  '=>\tgithub.com/fork/text\tv0.30.1-fix\th1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  'dep\texample.com/shop/lib\tv0.0.0-00010101000000-000000000000',
  '=>\t../lib\t(devel)\t',
  'build\t-buildmode=exe',
  'build\t-compiler=gc',
  'build\t-ldflags="-s -w -X main.version=1.2.3"',
  'build\t-trimpath=true',
  'build\tCGO_ENABLED=0',
  'build\tGOARCH=amd64',
  'build\tGOOS=linux',
  'build\tGOAMD64=v1',
  'build\tvcs=git',
  'build\tvcs.revision=3f2a9c1d0e5b4a69876543210fedcba987654321',
  '',
].join('\n');

function input(extra: Partial<SbomInput> = {}): SbomInput {
  return {
    buildInfo: parseModInfo('go1.26.8', MODINFO),
    binary: { fileName: 'api', sha256: 'ab'.repeat(32), target: AMD64 },
    subject: 'api_1.2.3_linux_amd64.tar.gz',
    version: '1.2.3',
    date: '2024-05-01T12:00:00Z',
    tool: { name: 'gin-release', version: '0.1.0' },
    ...extra,
  };
}

describe('build info with sums and replacements', () => {
  test('keeps each dep’s h1: sum and the => line that replaced it', () => {
    const info = parseModInfo('go1.26.8', MODINFO);
    expect(info.mainModule).toEqual({ path: 'example.com/shop', version: '(devel)', sum: '' });
    expect(info.deps).toEqual([
      { path: 'github.com/gin-gonic/gin', version: 'v1.12.0', sum: GIN_SUM },
      {
        path: 'golang.org/x/text',
        version: 'v0.30.0',
        sum: '',
        replace: {
          path: 'github.com/fork/text',
          version: 'v0.30.1-fix',
          sum: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        },
      },
      {
        path: 'example.com/shop/lib',
        version: 'v0.0.0-00010101000000-000000000000',
        sum: '',
        replace: { path: '../lib', version: '(devel)', sum: '' },
      },
    ]);
    expect(info.settings['-ldflags']).toBe('-s -w -X main.version=1.2.3');
  });
});

describe('the pieces', () => {
  test.each([
    // Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
    ['http://example.com', '8c9ddcb0-8084-5a7f-a988-1095ab18b5df'],
    [`gin-release:sbom:a.tar.gz:${'0'.repeat(64)}`, '1d469d72-2a00-54d7-8cdb-96f2f7d145f3'],
  ])('uuidV5(%s)', (name, uuid) => {
    expect(uuidV5(name)).toBe(uuid);
  });

  test.each([
    [GIN_SUM, '6f76006eb66d9dff0dfffca329e536f8c42c876998e61b6466274e33b3b4c06f'],
    ['h1:tooShort=', undefined],
    ['h2:b3YAbrZtnf8N//yjKeU2+MQsh2mY5htkZidOM7O0wG8=', undefined],
    ['', undefined],
  ])('h1ToSha256Hex(%s)', (sum, hex) => {
    expect(h1ToSha256Hex(sum)).toBe(hex);
  });

  test.each([
    [
      'github.com/gin-gonic/gin',
      'v1.12.0',
      AMD64,
      'pkg:golang/github.com/gin-gonic/gin@v1.12.0?goarch=amd64&goos=linux&type=module',
    ],
    [
      'github.com/x/y',
      'v2.0.0+incompatible',
      ARM7,
      'pkg:golang/github.com/x/y@v2.0.0%2Bincompatible?goarch=arm&goos=linux&type=module',
    ],
    ['std', 'go1.26.8', AMD64, 'pkg:golang/std@go1.26.8?goarch=amd64&goos=linux&type=module'],
  ])('golangPurl(%s, %s)', (path, version, target, purl) => {
    expect(golangPurl(path, version, target)).toBe(purl);
  });

  test('a module replacement is reported as the module compiled in, a folder replacement by the path it replaces', () => {
    const [, text, lib] = parseModInfo('go1.26.8', MODINFO).deps;
    expect(depComponent(text!, AMD64)).toMatchObject({
      name: 'github.com/fork/text',
      version: 'v0.30.1-fix',
      hashes: [{ alg: 'SHA-256', content: '0'.repeat(64) }],
      properties: [
        { name: 'gin-release:go:module:sum', value: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
        { name: 'gin-release:go:module:replaces', value: 'golang.org/x/text@v0.30.0' },
      ],
    });
    const folder = depComponent(lib!, AMD64);
    expect(folder).toMatchObject({ name: 'example.com/shop/lib' });
    expect(folder).not.toHaveProperty('version');
    expect(folder).not.toHaveProperty('hashes');
    expect(folder.properties).toContainEqual({
      name: 'gin-release:go:module:replaced-by-folder',
      value: '../lib',
    });
  });
});

describe('buildSbom', () => {
  test('the application, every module compiled in, the standard library, the Go version and every build setting', () => {
    const bom = buildSbom(input());
    expect(bom.metadata.component).toMatchObject({
      'bom-ref': 'pkg:golang/example.com/shop@1.2.3?type=module',
      type: 'application',
      name: 'example.com/shop',
      version: '1.2.3',
      hashes: [{ alg: 'SHA-256', content: 'ab'.repeat(32) }],
      purl: 'pkg:golang/example.com/shop@1.2.3?goarch=amd64&goos=linux&type=module',
    });
    expect(bom.components.map((c) => `${c.name}@${c.version ?? ''}`)).toEqual([
      'github.com/gin-gonic/gin@v1.12.0',
      'github.com/fork/text@v0.30.1-fix',
      'example.com/shop/lib@',
      'std@go1.26.8',
    ]);
    const properties = Object.fromEntries(bom.metadata.properties.map((p) => [p.name, p.value]));
    expect(properties).toMatchObject({
      'gin-release:go:version': 'go1.26.8',
      'gin-release:go:build:CGO_ENABLED': '0',
      'gin-release:go:build:-ldflags': '-s -w -X main.version=1.2.3',
      'gin-release:go:build:vcs.revision': '3f2a9c1d0e5b4a69876543210fedcba987654321',
      'gin-release:binary:subject': 'api_1.2.3_linux_amd64.tar.gz',
      'gin-release:binary:target': 'linux/amd64',
    });
    expect(bom.metadata.timestamp).toBe('2024-05-01T12:00:00Z');
    expect(bom.dependencies[0]!.dependsOn).toHaveLength(4);
  });

  test('is the same document for the same binary, and another one for another binary', () => {
    expect(formatSbom(buildSbom(input()))).toBe(formatSbom(buildSbom(input())));
    const other = buildSbom(input({ binary: { fileName: 'api', sha256: 'cd'.repeat(32), target: AMD64 } }));
    expect(other.serialNumber).not.toBe(buildSbom(input()).serialNumber);
    expect(buildSbom(input()).serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test('refuses build info without a main module', () => {
    const info = parseModInfo('go1.26.8', 'path\tcommand-line-arguments\n');
    expect(() => buildSbom(input({ buildInfo: info }))).toThrow(/no main module/);
  });

  test('is valid CycloneDX 1.6 by the specification’s JSON schema', async () => {
    const validator = new Validation.JsonValidator(Spec.Version.v1dot6);
    expect(await validator.validate(formatSbom(buildSbom(input())))).toBeNull();
    // The validator is not one that accepts anything.
    const broken = { ...buildSbom(input()), components: [{ type: 'binary-thing', name: 'x' }] };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });
});
