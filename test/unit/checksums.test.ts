import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checksumName, formatChecksums, type ChecksumEntry } from '../../src/package/checksums.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = '0123456789abcdef'.repeat(4);

describe('formatChecksums', () => {
  test.each<[string, ChecksumEntry[], string]>([
    ['nothing', [], ''],
    ['one file', [{ name: 'app.tar.gz', sha256: A }], `${A}  app.tar.gz\n`],
    [
      'sorted by name in byte order (upper case first)',
      [
        { name: 'gin-app_1.0.0_windows_amd64.zip', sha256: A },
        { name: 'gin-app_1.0.0_linux_amd64.tar.gz', sha256: B },
        { name: 'Gin-app_1.0.0_darwin_arm64.tar.gz', sha256: C },
      ],
      `${C}  Gin-app_1.0.0_darwin_arm64.tar.gz\n${B}  gin-app_1.0.0_linux_amd64.tar.gz\n${A}  gin-app_1.0.0_windows_amd64.zip\n`,
    ],
    [
      'bare binaries in folders',
      [
        { name: 'app_windows_amd64/app.exe', sha256: A },
        { name: 'app_linux_amd64/app', sha256: B },
      ],
      `${B}  app_linux_amd64/app\n${A}  app_windows_amd64/app.exe\n`,
    ],
    ['a name with spaces is written as is', [{ name: 'my app.zip', sha256: A }], `${A}  my app.zip\n`],
    ['a backslash is escaped the GNU way', [{ name: 'a\\b', sha256: A }], `\\${A}  a\\\\b\n`],
    ['a newline is escaped the GNU way', [{ name: 'a\nb', sha256: B }], `\\${B}  a\\nb\n`],
  ])('%s', (_label, entries, expected) => {
    expect(formatChecksums(entries)).toBe(expected);
  });

  test.each<[string, ChecksumEntry[], RegExp]>([
    [
      'a duplicate name',
      [
        { name: 'x', sha256: A },
        { name: 'x', sha256: B },
      ],
      /x is listed twice/,
    ],
    ['upper-case hex', [{ name: 'x', sha256: A.toUpperCase() }], /not a lowercase hex SHA-256/],
    ['a short hash', [{ name: 'x', sha256: 'abc' }], /not a lowercase hex SHA-256/],
    ['an empty name', [{ name: '', sha256: A }], /empty file name/],
  ])('%s is an error', (_label, entries, message) => {
    expect(() => formatChecksums(entries)).toThrow(message);
  });
});

describe('checksumName', () => {
  const dist = path.resolve('/w/dist');
  test.each([
    [path.join(dist, 'app.tar.gz'), 'app.tar.gz'],
    [path.join(dist, 'app_linux_amd64', 'app'), 'app_linux_amd64/app'],
    ['/w/dist/../dist/x.zip', 'x.zip'],
    ['/w/dist/..x.zip', '..x.zip'],
  ])('%s is %s', (file, expected) => {
    expect(checksumName(dist, file)).toBe(expected);
  });

  test.each(['/w/app.tar.gz', '/w/dist', '/w/dist2/x'])('%s is outside and an error', (file) => {
    expect(() => checksumName(dist, file)).toThrow(/is not inside/);
  });
});
