import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32, crc32Portable, dosDateTime } from '../../src/package/zip.js';

function dos(
  year: number,
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
): { date: number; time: number } {
  return { date: ((year - 1980) << 9) | (month << 5) | day, time: (h << 11) | (m << 5) | (s >> 1) };
}

describe('dosDateTime', () => {
  test.each([
    // 2023-11-14T22:13:20Z: UTC fields, whatever the machine's zone.
    [1_700_000_000, dos(2023, 11, 14, 22, 13, 20)],
    [1_700_000_000, { date: 22382, time: 45482 }],
    // Odd seconds round down to DOS's 2-second steps.
    [1_700_000_001, dos(2023, 11, 14, 22, 13, 20)],
    [315_532_800, dos(1980, 1, 1, 0, 0, 0)],
    [946_684_799, dos(1999, 12, 31, 23, 59, 58)],
    [951_782_400, dos(2000, 2, 29, 0, 0, 0)],
    // Before 1980 DOS time has no value: clamped to its first instant.
    [0, { date: 33, time: 0 }],
    [315_532_799, dos(1980, 1, 1, 0, 0, 0)],
    // After 2107: clamped to its last.
    [4_354_819_200, dos(2107, 12, 31, 23, 59, 58)],
  ])('%i', (epoch, expected) => {
    expect(dosDateTime(epoch)).toEqual(expected);
  });
});

describe('crc32', () => {
  test.each([
    ['', 0],
    ['a', 0xe8b7be43],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('crc32(%j)', (text, expected) => {
    expect(crc32Portable(Buffer.from(text))).toBe(expected);
    expect(crc32(Buffer.from(text))).toBe(expected);
  });

  test('the table fallback agrees with zlib on random data, also when fed in parts', () => {
    const data = randomBytes(100_000);
    const whole = zlib.crc32(data);
    expect(crc32Portable(data)).toBe(whole);
    expect(crc32Portable(data.subarray(40_000), crc32Portable(data.subarray(0, 40_000)))).toBe(whole);
  });
});
