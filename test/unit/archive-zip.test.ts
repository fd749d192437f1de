import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crc32, crc32Portable, dosDateTime, zipChunks } from '../../src/package/zip.js';
import { type LibraryEntry, yazlZip, zipStreamZip } from '../support/archive-libraries.js';

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

// Why zip.ts is hand-written: test/integration/package.test.ts asserts that unzip restores the exact mtime in any
// time zone (that needs the Info-ZIP "UT" field in each local header, which is what unzip reads), that zipinfo shows
// "2.0 unx ... bx" (no data descriptors) and that two runs give the same bytes. zip-stream (archiver's writer,
// already bundled) writes no UT field, a data descriptor after every deflated entry and "made by 4.5"; yazl puts UT
// in the central directory only, says "made by 6.3" and computes the DOS time from the machine's local time, so
// the same inputs give other bytes on a runner in another zone. If a later version makes these tests fail, look
// again.
describe('zip-stream and yazl cannot write what the zip tests assert', () => {
  const EPOCH = 1_700_000_000;
  const FLAG_DATA_DESCRIPTOR = 1 << 3;
  const UT = 0x5455;

  interface Layout {
    madeBy: string;
    dataDescriptor: boolean;
    utInLocalHeader: boolean;
    sameBytesInTokyoAsInUtc: boolean;
  }

  /** Tags of the extra fields in `extra`. */
  function extraTags(extra: Buffer): number[] {
    const tags: number[] = [];
    for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2))
      tags.push(extra.readUInt16LE(at));
    return tags;
  }

  /** What zipinfo and unzip read from a zip with no archive comment: central headers, and the local headers they point to. */
  function layoutOf(zip: Buffer): Omit<Layout, 'sameBytesInTokyoAsInUtc'> {
    const end = zip.length - 22;
    expect(zip.readUInt32LE(end)).toBe(0x06054b50);
    const count = zip.readUInt16LE(end + 10);
    const madeBy = new Set<string>();
    let dataDescriptor = false;
    let utInLocalHeader = true;
    for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
      expect(zip.readUInt32LE(at)).toBe(0x02014b50);
      const version = zip.readUInt8(at + 4);
      madeBy.add(
        `${Math.floor(version / 10)}.${version % 10} ${zip.readUInt8(at + 5) === 3 ? 'unx' : 'other'}`,
      );
      dataDescriptor ||= (zip.readUInt16LE(at + 8) & FLAG_DATA_DESCRIPTOR) !== 0;
      const local = zip.readUInt32LE(at + 42);
      const localExtra = zip
        .subarray(local + 30 + zip.readUInt16LE(local + 26))
        .subarray(0, zip.readUInt16LE(local + 28));
      utInLocalHeader &&= extraTags(localExtra).includes(UT);
      at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    }
    return { madeBy: [...madeBy].join(', '), dataDescriptor, utInLocalHeader };
  }

  let dir: string;
  const entries: LibraryEntry[] = [
    { name: 'LICENSE', data: Buffer.from('MIT License\n\n'.repeat(20)), mode: 0o644 },
    { name: 'tiny', data: Buffer.concat([randomBytes(2000), Buffer.alloc(20_000, 'go')]), mode: 0o755 },
  ];
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-zip-libraries-'));
    for (const { name, data } of entries) await fs.writeFile(path.join(dir, name), data);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function ours(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const onDisk = entries.map(({ name, mode }) => ({ name, mode, source: path.join(dir, name) }));
    for await (const chunk of zipChunks(onDisk, EPOCH)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** Runs `write` with the process's time zone set to `zone`, the way a runner elsewhere would. */
  async function inZone(zone: string, write: () => Promise<Buffer>): Promise<Buffer> {
    const before = process.env['TZ'];
    process.env['TZ'] = zone;
    try {
      return await write();
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  }

  test.each<[string, () => Promise<Buffer>, Layout]>([
    [
      'ours (zipChunks)',
      ours,
      { madeBy: '2.0 unx', dataDescriptor: false, utInLocalHeader: true, sameBytesInTokyoAsInUtc: true },
    ],
    [
      'zip-stream',
      () => zipStreamZip(entries, EPOCH, 6),
      { madeBy: '4.5 unx', dataDescriptor: true, utInLocalHeader: false, sameBytesInTokyoAsInUtc: true },
    ],
    [
      'yazl',
      () => yazlZip(entries, EPOCH, 6),
      { madeBy: '6.3 unx', dataDescriptor: false, utInLocalHeader: false, sameBytesInTokyoAsInUtc: false },
    ],
  ])('%s', async (_writer, write, expected) => {
    const utc = await inZone('UTC', write);
    const tokyo = await inZone('Asia/Tokyo', write);
    expect({ ...layoutOf(utc), sameBytesInTokyoAsInUtc: utc.equals(tokyo) }).toEqual(expected);
  });
});
