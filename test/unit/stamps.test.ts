// The -X stamps: which are checked, how a binary's bytes are read for them, and the one warning about those missing.
import { describe, expect, test } from 'vitest';
import { holdsStamp, stampsToCheck, stampWarning, userStamps, type Stamp } from '../../src/build/stamps.js';

const release = {
  version: '1.2.3',
  commit: '3f2a9c1d0e5b4a69876543210fedcba987654321',
  date: '2024-05-01T12:00:00Z',
};
const defaults = {
  versionVariable: 'main.version',
  commitVariable: 'main.commit',
  dateVariable: 'main.date',
  release,
  ldflags: [] as string[],
};

describe('userStamps', () => {
  test.each<[string[], Array<[string, string]>]>([
    [[], []],
    [['-X', 'main.a=b'], [['main.a', 'b']]],
    [['-X=main.a=b=c'], [['main.a', 'b=c']]],
    [['--X', 'example.com/x/build.Tag=v 1'], [['example.com/x/build.Tag', 'v 1']]],
    [['-s', '-X', 'main.a=', '-extldflags', '-static'], [['main.a', '']]],
    [['-X', 'nonsense'], []],
    [['-X'], []],
    [['-Xmain.a=b'], []],
  ])('%j', (ldflags, expected) => {
    expect(userStamps(ldflags).map((s) => [s.variable, s.value])).toEqual(expected);
  });
});

describe('stampsToCheck', () => {
  const pick = (stamps: Stamp[]): string[] => stamps.map((s) => `${s.input} ${s.variable}=${s.value}`);

  test.each<[string, Partial<typeof defaults>, string[]]>([
    [
      'the three defaults',
      {},
      [
        'version-variable main.version=1.2.3',
        'commit-variable main.commit=3f2a9c1d0e5b4a69876543210fedcba987654321',
        'date-variable main.date=2024-05-01T12:00:00Z',
      ],
    ],
    [
      'an empty variable is not stamped, an empty value not checked',
      { commitVariable: '', release: { ...release, date: '' } },
      ['version-variable main.version=1.2.3'],
    ],
    [
      "the user's -X overrides the action's stamp of the same variable",
      {
        ldflags: ['-X', 'main.version=9.9.9', '-X', 'main.flavour=pro'],
        commitVariable: '',
        dateVariable: '',
      },
      ['ldflags main.version=9.9.9', 'ldflags main.flavour=pro'],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(pick(stampsToCheck({ ...defaults, ...overrides }))).toEqual(expected);
  });
});

describe('holdsStamp', () => {
  const stamp: Stamp = { input: 'date-variable', variable: 'main.date', value: '2024-05-01T12:00:00Z' };
  const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

  test.each<[string, string, boolean, boolean]>([
    ['the value among other string data', '\u0000go1.26.8runtime2024-05-01T12:00:00Zhttp\u0000', true, true],
    ['the value at the very start of the file', '2024-05-01T12:00:00Z\u0000', true, true],
    ['no value', '\u0000go1.26.8 2024-05-01T12:00:01Z\u0000', true, false],
    [
      'only the copy in the build settings (a build without -trimpath quotes -ldflags)',
      'build\t-ldflags="-s -w -X main.date=2024-05-01T12:00:00Z"\n',
      true,
      false,
    ],
    [
      'the build settings copy and a real one',
      '-X main.date=2024-05-01T12:00:00Z"\n\u00002024-05-01T12:00:00Z',
      true,
      true,
    ],
    [
      'a value at the start of a later window was judged in the window before',
      '2024-05-01T12:00:00Zx',
      false,
      false,
    ],
  ])('%s', (_name, data, startOfFile, expected) => {
    expect(holdsStamp(bytes(data), stamp, startOfFile)).toBe(expected);
  });
});

describe('stampWarning', () => {
  const date: Stamp = { input: 'date-variable', variable: 'main.date', value: '2024-05-01T12:00:00Z' };
  const flag: Stamp = { input: 'ldflags', variable: 'main.flavour', value: 'pro' };

  test('nothing missing, no warning', () => {
    expect(stampWarning(new Map([[date, []]]), 2)).toBeUndefined();
  });

  test('names the variable, the input, the value, where it is missing and how to fix it', () => {
    const text = stampWarning(
      new Map([
        [date, ['linux/amd64', 'windows/amd64']],
        [flag, ['windows/amd64']],
      ]),
      2,
    );
    expect(text).toMatch(/^-X had no effect for these variables/);
    expect(text).toContain(
      `- main.date (date-variable): "2024-05-01T12:00:00Z" is in none of the binaries; declare it as a package-level string variable, or set date-variable to the variable the app reads ('' to skip).`,
    );
    expect(text).toContain(
      '- main.flavour (ldflags): "pro" is missing from windows/amd64; fix or drop that -X in ldflags.',
    );
  });
});
