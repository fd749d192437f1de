// splitArgs (how ldflags, build-flags and smoke-args become argument arrays) against what a POSIX shell makes of
// the same words, without any expansion; and the other text forms inputs come in.
import { describe, expect, test } from 'vitest';
import { lastLines, parseKeyValues, splitArgs, splitLines, splitList } from '../../src/util/text.js';

describe('splitArgs', () => {
  test.each<[string, string, string[]]>([
    ['nothing', '', []],
    ['only white space', ' \t\n ', []],
    ['one word', '-trimpath', ['-trimpath']],
    ['words and any white space between', '  -a\t-b \n -c  ', ['-a', '-b', '-c']],
    ['single quotes keep spaces', `-X 'main.msg=hello world'`, ['-X', 'main.msg=hello world']],
    ['double quotes keep spaces', `-X "main.msg=hello world"`, ['-X', 'main.msg=hello world']],
    ['quotes inside a word join it', `main.msg='a b'"c d"e`, ['main.msg=a bc de']],
    ['an empty quoted word is a word', `'' ""`, ['', '']],
    ['a backslash escapes a space', 'a\\ b c', ['a b', 'c']],
    ['a backslash escapes a quote', `it\\'s`, [`it's`]],
    ['nothing is special inside single quotes', `'a\\b "c" $HOME'`, ['a\\b "c" $HOME']],
    ['inside double quotes \\ escapes only " \\ $ and `', `"a\\"b\\\\c\\$d\\\`e\\nf"`, ['a"b\\c$d`e\\nf']],
    ['no expansion of variables, globs or ~', '$HOME *.go ~ $(id)', ['$HOME', '*.go', '~', '$(id)']],
    ['a trailing backslash is kept as it is', 'a\\', ['a\\']],
    ['a newline inside quotes stays', `'a\nb'`, ['a\nb']],
  ])('%s: %j', (_name, text, args) => {
    expect(splitArgs(text)).toEqual(args);
  });

  test.each([
    [`-X 'main.msg=oops`, /unterminated ' quote/],
    [`"open`, /unterminated " quote/],
    [`a 'b' "c`, /unterminated " quote/],
  ])('%j is an error', (text, message) => {
    expect(() => splitArgs(text)).toThrow(message);
  });
});

describe('the list forms', () => {
  test.each<[string, string[]]>([
    ['', []],
    ['linux/amd64, linux/arm64', ['linux/amd64', 'linux/arm64']],
    ['a\nb,,c\n\n , d ', ['a', 'b', 'c', 'd']],
  ])('splitList %j', (text, items) => {
    expect(splitList(text)).toEqual(items);
  });

  test.each<[string, string[]]>([
    ['', []],
    ['README*\n  LICENSE*  \n\n# a comment\n!docs/**', ['README*', 'LICENSE*', '!docs/**']],
    ['a, b\nc', ['a, b', 'c']],
  ])('splitLines %j', (text, lines) => {
    expect(splitLines(text)).toEqual(lines);
  });

  test.each<[string, Array<[string, string]>]>([
    ['', []],
    [
      'GOFLAGS=-mod=mod\n  GOPRIVATE = example.com/*',
      [
        ['GOFLAGS', '-mod=mod'],
        ['GOPRIVATE', ' example.com/*'],
      ],
    ],
    ['EMPTY=', [['EMPTY', '']]],
  ])('parseKeyValues %j', (text, pairs) => {
    expect(parseKeyValues(text)).toEqual(pairs);
  });

  test.each(['no-equals', '=value'])('parseKeyValues refuses %j', (line) => {
    expect(() => parseKeyValues(line)).toThrow(`"${line}" is not KEY=VALUE`);
  });

  test.each<[string, number, string]>([
    ['a\nb\nc\n', 2, 'b\nc'],
    ['a\nb', 5, 'a\nb'],
    ['one\n\n\n', 1, 'one'],
  ])('lastLines %j, %i', (text, count, expected) => {
    expect(lastLines(text, count)).toBe(expected);
  });
});
