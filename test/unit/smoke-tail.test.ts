// The bounded log tail: line joining across chunks and streams, window, cut lines.
import { describe, expect, test } from 'vitest';
import { MAX_LINE_CHARS, TailBuffer } from '../../src/util/tail.js';

type Chunk = [string | Buffer, ('stdout' | 'stderr')?];

describe('TailBuffer', () => {
  test.each<[string, number, Chunk[], string[], number]>([
    ['whole lines', 10, [['a\nb\n']], ['a', 'b'], 0],
    ['a line split across chunks', 10, [['hel'], ['lo\nwor'], ['ld\n']], ['hello', 'world'], 0],
    ['an unterminated last line is kept', 10, [['a\nb']], ['a', 'b'], 0],
    ['CRLF endings lose the CR', 10, [['a\r\nb\r\n']], ['a', 'b'], 0],
    ['empty lines count', 10, [['a\n\nb\n']], ['a', '', 'b'], 0],
    ['only the last N lines, the rest counted', 3, [['1\n2\n3\n4\n5\n']], ['3', '4', '5'], 2],
    [
      'stdout and stderr halves do not mix',
      10,
      [
        ['out-', 'stdout'],
        ['err-', 'stderr'],
        ['line\n', 'stdout'],
        ['line\n', 'stderr'],
      ],
      ['out-line', 'err-line'],
      0,
    ],
    [
      'a UTF-8 character split between chunks',
      10,
      [[Buffer.from([0x68, 0xc3])], [Buffer.from([0xa9, 0x0a])]],
      ['hé'],
      0,
    ],
  ])('%s', (_description, max, chunks, expected, dropped) => {
    const tail = new TailBuffer(max);
    for (const [chunk, stream] of chunks) tail.push(chunk, stream);
    tail.end();
    expect(tail.lines()).toEqual(expected);
    expect(tail.dropped).toBe(dropped);
  });

  test('a line with no newline at all stays bounded', () => {
    const tail = new TailBuffer(5);
    for (let i = 0; i < 100; i++) tail.push('x'.repeat(1000));
    const [line] = tail.lines();
    expect(line).toHaveLength(MAX_LINE_CHARS + '… (line cut)'.length);
    expect(line!.endsWith('… (line cut)')).toBe(true);
  });

  test('pending text shows before end() too', () => {
    const tail = new TailBuffer(2);
    tail.push('a\nb\nc');
    expect(tail.lines()).toEqual(['b', 'c']);
  });
});
