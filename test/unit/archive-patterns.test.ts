// archive-files read as @actions/glob reads them: patterns that could leave working-directory are refused before the
// build, and archives in which two files would share a root name are refused from the plan.
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  ARCHIVE_PATTERN_ALLOWED,
  archivePatternProblem,
  checkArchiveNames,
  checkArchivePatterns,
} from '../../src/package/patterns.js';

describe('archivePatternProblem', () => {
  test.each([
    'README*',
    'LICENSE*',
    'docs/*.md',
    '**/README.md',
    '!README.md',
    '!!docs/x',
    './README.md',
    'docs/[a-z]*.txt',
    '[.]env.example',
    '..hidden-name',
    'a..b/c',
    '{1..3}',
    'notes{draft}.md',
  ])('%s stays inside', (pattern) => {
    expect(archivePatternProblem(pattern)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ['../x', /\.\. segment/],
    ['..', /\.\. segment/],
    ['docs/../../x', /\.\. segment/],
    ['docs/../README.md', /\.\. segment/],
    ['!../x', /\.\. segment/],
    ['[.][.]/x', /\[\.\]\[\.\] segment/],
    ['docs/[.][.]/x', /\[\.\]\[\.\] segment/],
    ['.[.]/x', /\.\[\.\] segment/],
    ['docs/[.]/x', /\[\.\] segment inside/],
    ['docs/./x', /\. segment inside/],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/win.ini', /absolute/],
    ['c:x', /absolute/],
    ['~/.ssh/id_rsa', /home folder/],
    ['{..,x}/secret', /brace list/],
    ['{README,LICENSE}', /brace list/],
    ['..\\x', /backslash/],
    ['docs\\README.md', /backslash/],
    ['\\*', /backslash/],
    ['!', /empty after the !/],
    ['.', /working-directory itself/],
    ['./', /working-directory itself/],
  ])('%s is refused: %s', (pattern, reason) => {
    expect(archivePatternProblem(pattern)).toMatch(reason);
  });

  test('checkArchivePatterns names the input, the pattern and what is allowed; comments and blanks are skipped', () => {
    expect(() => checkArchivePatterns(['# ../not-a-pattern', '', 'README*'])).not.toThrow();
    let caught: unknown;
    try {
      checkArchivePatterns(['README*', '  ../secrets.env  ']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).input).toBe('archive-files');
    expect((caught as InputError).message).toContain('Invalid input archive-files: "../secrets.env"');
    expect((caught as InputError).message).toContain(ARCHIVE_PATTERN_ALLOWED);
  });
});

describe('checkArchiveNames', () => {
  const wd = path.resolve('/work/repo');
  const file = (relative: string): string => path.join(wd, ...relative.split('/'));

  function refusal(...args: Parameters<typeof checkArchiveNames>): InputError {
    try {
      checkArchiveNames(...args);
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
    throw new Error('checkArchiveNames accepted the archives');
  }

  test('distinct names pass', () => {
    expect(() =>
      checkArchiveNames(
        [{ target: 'linux/amd64', binary: 'api', extraFiles: [file('README.md'), file('LICENSE')] }],
        wd,
        '',
      ),
    ).not.toThrow();
  });

  test.each<[string, Parameters<typeof checkArchiveNames>, string, string, RegExp]>([
    [
      'binary-name README.md beside a matched README.md',
      [[{ target: 'linux/amd64', binary: 'README.md', extraFiles: [file('README.md')] }], wd, 'README.md'],
      'binary-name',
      'README.md',
      /linux\/amd64 binary "README.md" and README.md \(matched by archive-files\)/,
    ],
    [
      'a derived name that clashes is blamed on archive-files',
      [[{ target: 'linux/amd64', binary: 'LICENSE', extraFiles: [file('LICENSE')] }], wd, ''],
      'archive-files',
      'LICENSE',
      /leave LICENSE out/,
    ],
    [
      'two matched files with one base name',
      [
        [{ target: 'linux/amd64', binary: 'api', extraFiles: [file('README.md'), file('docs/README.md')] }],
        wd,
        '',
      ],
      'archive-files',
      'README.md, docs/README.md',
      /both would be "README.md"/i,
    ],
  ])('%s', (_name, args, input, value, message) => {
    const error = refusal(...args);
    expect(error.input).toBe(input);
    expect(error.value).toBe(value);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Allowed: /);
  });
});
