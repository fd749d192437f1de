import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import type { ArchiveFormat } from '../../src/inputs.js';
import {
  archiveExtension,
  archiveFormatFor,
  archiveOutputPath,
  planArchives,
  type ResolvedArchiveFormat,
} from '../../src/package/archive.js';
import {
  BINARY_MODE,
  compareByteOrder,
  EXTRA_FILE_MODE,
  planArchiveEntries,
} from '../../src/package/entries.js';

describe('archiveFormatFor', () => {
  test.each<[ArchiveFormat, string, ResolvedArchiveFormat]>([
    ['auto', 'windows/amd64', 'zip'],
    ['auto', 'windows/arm64', 'zip'],
    ['auto', 'linux/amd64', 'tar.gz'],
    ['auto', 'linux/arm/v7', 'tar.gz'],
    ['auto', 'darwin/arm64', 'tar.gz'],
    ['auto', 'freebsd/amd64', 'tar.gz'],
    ['tar.gz', 'windows/amd64', 'tar.gz'],
    ['tar.gz', 'linux/amd64', 'tar.gz'],
    ['zip', 'linux/amd64', 'zip'],
    ['zip', 'windows/amd64', 'zip'],
    ['none', 'windows/amd64', 'none'],
    ['none', 'linux/arm64', 'none'],
  ])('%s for %s is %s', (format, target, expected) => {
    expect(archiveFormatFor(format, parseTarget(target))).toBe(expected);
  });

  test.each<[ResolvedArchiveFormat, string]>([
    ['tar.gz', '.tar.gz'],
    ['zip', '.zip'],
    ['none', ''],
  ])('extension of %s is "%s"', (format, ext) => {
    expect(archiveExtension(format)).toBe(ext);
  });
});

describe('archiveOutputPath', () => {
  const out = path.resolve('/work/dist');
  const DEFAULT = '{name}_{version}_{os}_{arch}{variant}';
  test.each([
    [DEFAULT, 'linux/amd64', '1.2.3', 'gin-app_1.2.3_linux_amd64'],
    [DEFAULT, 'linux/arm/v7', '1.2.3', 'gin-app_1.2.3_linux_arm_v7'],
    [DEFAULT, 'linux/amd64/v3', '1.2.3', 'gin-app_1.2.3_linux_amd64_v3'],
    [DEFAULT, 'windows/amd64', '1.2.3', 'gin-app_1.2.3_windows_amd64'],
    ['{name}-{target}{ext}', 'windows/arm64', '1.0.0', 'gin-app-windows_arm64.exe'],
    ['{name}-{target}', 'linux/arm/v6', '1.0.0', 'gin-app-linux_arm_v6'],
    ['releases/{version}/{name}_{os}', 'darwin/arm64', '2.0.0', 'releases/2.0.0/gin-app_darwin'],
    // A slash in a value (a version from a tag like release/1.2) must not create folders or climb out.
    [DEFAULT, 'linux/amd64', 'release/1.2', 'gin-app_release-1.2_linux_amd64'],
    ['{version}', 'linux/amd64', '../../x', '..-..-x'],
    ['{version}', 'linux/amd64', '..\\..\\x', '..-..-x'],
  ])('%s for %s (%s) is %s', (template, target, version, expected) => {
    expect(archiveOutputPath(out, template, 'gin-app', version, parseTarget(target))).toBe(
      path.join(out, expected),
    );
  });

  test.each(['../{name}', 'sub/../../{name}', '.', '/etc/{name}', '{name}/..'])(
    '%s leaving output-dir is an error',
    (template) => {
      expect(() => archiveOutputPath(out, template, 'app', '1', parseTarget('linux/amd64'))).toThrow(
        /Invalid input archive-name-template/,
      );
    },
  );

  test('an unknown placeholder is an error', () => {
    expect(() => archiveOutputPath(out, '{nam}', 'app', '1', parseTarget('linux/amd64'))).toThrow(
      /placeholder \{nam\}/i,
    );
  });
});

describe('planArchives', () => {
  const out = path.resolve('/work/dist');
  const targets = ['linux/amd64', 'linux/arm/v7', 'windows/amd64'].map((t) => parseTarget(t));
  const plan = (template: string, format: ArchiveFormat): string[][] =>
    planArchives({ outputDir: out, template, binaryName: 'app', version: '1.0.0', format, targets }).map(
      (p) => [p.target.id, p.format, p.outputPath && path.relative(out, p.outputPath)],
    );

  test.each<[string, ArchiveFormat, string[][]]>([
    [
      '{name}_{version}_{os}_{arch}{variant}',
      'auto',
      [
        ['linux/amd64', 'tar.gz', 'app_1.0.0_linux_amd64'],
        ['linux/arm/v7', 'tar.gz', 'app_1.0.0_linux_arm_v7'],
        ['windows/amd64', 'zip', 'app_1.0.0_windows_amd64'],
      ],
    ],
    // Same base name, different extensions: no clash.
    [
      '{name}_{arch}',
      'auto',
      [
        ['linux/amd64', 'tar.gz', 'app_amd64'],
        ['linux/arm/v7', 'tar.gz', 'app_arm'],
        ['windows/amd64', 'zip', 'app_amd64'],
      ],
    ],
    // Format none writes nothing, so a template without the target in it is fine.
    [
      '{name}',
      'none',
      [
        ['linux/amd64', 'none', ''],
        ['linux/arm/v7', 'none', ''],
        ['windows/amd64', 'none', ''],
      ],
    ],
  ])('%s with %s', (template, format, expected) => {
    expect(plan(template, format)).toEqual(expected);
  });

  test.each<[string, ArchiveFormat]>([
    ['{name}_{os}', 'auto'],
    ['{name}_{arch}', 'tar.gz'],
    ['{name}', 'zip'],
  ])('%s with %s gives two targets one archive: an error', (template, format) => {
    expect(() => plan(template, format)).toThrow(/both render to/);
  });
});
describe('planArchiveEntries', () => {
  test('sorts by byte order with the binary executable and extra files read-only', () => {
    expect(
      planArchiveEntries('/b/gin-app', 'gin-app', [
        '/w/README.md',
        '/w/LICENSE',
        '/w/CHANGELOG.md',
        '/w/zeta.txt',
      ]),
    ).toEqual([
      { name: 'CHANGELOG.md', source: '/w/CHANGELOG.md', mode: EXTRA_FILE_MODE },
      { name: 'LICENSE', source: '/w/LICENSE', mode: EXTRA_FILE_MODE },
      { name: 'README.md', source: '/w/README.md', mode: EXTRA_FILE_MODE },
      { name: 'gin-app', source: '/b/gin-app', mode: BINARY_MODE },
      { name: 'zeta.txt', source: '/w/zeta.txt', mode: EXTRA_FILE_MODE },
    ]);
    expect(BINARY_MODE).toBe(0o755);
    expect(EXTRA_FILE_MODE).toBe(0o644);
  });

  test('two files with the same base name are an error naming both', () => {
    expect(() => planArchiveEntries('/b/app', 'app', ['/w/README.md', '/w/docs/README.md'])).toThrow(
      /\/w\/docs\/README\.md and \/w\/README\.md would both be "README\.md"/,
    );
  });

  test('an extra file named like the binary is an error', () => {
    expect(() => planArchiveEntries('/b/app', 'app', ['/w/app'])).toThrow(/would both be "app"/);
  });

  test.each(['', 'bin/app', 'bin\\app.exe'])('binary name "%s" is rejected', (name) => {
    expect(() => planArchiveEntries('/b/app', name, [])).toThrow(/plain file name/);
  });
});

describe('compareByteOrder', () => {
  test.each([
    [
      ['b', 'a', 'C', 'B'],
      ['B', 'C', 'a', 'b'],
    ],
    [
      ['gin-app', 'LICENSE', 'README.md', 'CHANGELOG'],
      ['CHANGELOG', 'LICENSE', 'README.md', 'gin-app'],
    ],
    [
      ['é', 'z', 'e'],
      ['e', 'z', 'é'],
    ],
    [
      ['a_b', 'a-b', 'a.b'],
      ['a-b', 'a.b', 'a_b'],
    ],
  ])('%j sorts to %j', (input, expected) => {
    expect([...input].sort(compareByteOrder)).toEqual(expected);
  });
});
