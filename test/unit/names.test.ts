// What a version and a binary name may hold: a conservative character set, refused with the reason and the set.
import { describe, expect, test } from 'vitest';
import {
  FILE_NAME_ALLOWED,
  fileNameProblem,
  VERSION_ALLOWED,
  versionProblem,
} from '../../src/inputs/names.js';

describe('versionProblem', () => {
  test.each([
    '1.2.3',
    'v1.2.3',
    '1.2.3-rc.1+build.5',
    '0.0.0-dev+3f2a9c1',
    '2024.05.01_nightly',
    'a'.repeat(128),
  ])('%s is a version', (value) => {
    expect(versionProblem(value)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ['1.2\n3', /line break/],
    ['1.2.3\r', /line break/],
    ['1.2.3\u001b[31m', /control character \(U\+001B\)/],
    ['1.2.3\u0000', /control character \(U\+0000\)/],
    ['1.2.3\u0085', /control character \(U\+0085\)/],
    ['1.2.3;rm -rf ~', /";" a space "~"/],
    ['$(id)', /"\$" "\(" "\)"/],
    ['`id`', /"`"/],
    ['1.2.3|tee', /"\|"/],
    ['1.2.3&&x', /"&"/],
    ["1.2.3'", /"'"/],
    ['release/1.2', /"\/"/],
    ['1.2.3 beta', /a space/],
    ['-1.2.3', /starts with "-"/],
    ['.1', /starts with "\."/],
    ['é1', /"é"/],
    ['a'.repeat(129), /129 characters long/],
  ])('%j is refused: %s', (value, reason) => {
    const problem = versionProblem(value);
    expect(problem).toMatch(reason);
    expect(problem).toContain(VERSION_ALLOWED);
  });
});

describe('fileNameProblem', () => {
  test.each(['api', 'shop-api', 'api_v2', 'api.bin', 'README.md', '9lives', 'console'])(
    '%s is a file name',
    (value) => {
      expect(fileNameProblem(value)).toBeUndefined();
    },
  );

  test.each<[string, RegExp]>([
    ['..', /starts with "\."/],
    ['.hidden', /starts with "\."/],
    ['a/b', /"\/"/],
    ['a\\b', /"\\\\"/],
    ['-rf', /starts with "-".*option/],
    ['my app', /a space/],
    ['app\nx', /line break/],
    ['app;x', /";"/],
    ['api*', /"\*"/],
    ['NUL', /Windows reserves/],
    ['con.exe', /Windows reserves/],
    ['lpt1', /Windows reserves/],
    ['a'.repeat(101), /101 characters long/],
  ])('%j is refused: %s', (value, reason) => {
    const problem = fileNameProblem(value);
    expect(problem).toMatch(reason);
    expect(problem).toContain(FILE_NAME_ALLOWED);
  });
});
