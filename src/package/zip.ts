// A zip writer with every varying field pinned: fixed times, Unix modes in the external attributes (so `unzip`
// restores the exec bit), no zip64, no data descriptors. Each file is compressed whole before its header is
// written, which keeps one file in memory at a time and the layout simple enough for every unzip.
import * as fs from 'node:fs/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { COMPRESSION_LEVEL, type ArchiveEntry } from './entries.js';

const deflateRaw = promisify(zlib.deflateRaw);

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const EXTENDED_TIMESTAMP = 0x5455;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** "Version made by": high byte 3 = Unix, which tells unzip to apply the mode in the external attributes. */
const MADE_BY_UNIX = (3 << 8) | 20;
const FLAG_UTF8_NAME = 1 << 11;
const S_IFREG = 0o100000;
const MAX_32 = 0xffffffff;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE) by table, for Node versions without zlib.crc32 (added in 20.15 and 22.2). */
export function crc32Portable(data: Uint8Array, previous = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~previous >>> 0;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function crc32(data: Uint8Array): number {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data) : crc32Portable(data);
}

/**
 * MS-DOS date and time fields for a Unix time. DOS time has no zone, so the UTC fields are used (the extended
 * timestamp field carries the exact UTC time for unzip); it counts seconds in steps of 2 and covers 1980 to 2107,
 * so times outside are clamped. Pure.
 */
export function dosDateTime(epochSeconds: number): { date: number; time: number } {
  const d = new Date(epochSeconds * 1000);
  let year = d.getUTCFullYear();
  let month = d.getUTCMonth() + 1;
  let day = d.getUTCDate();
  let hours = d.getUTCHours();
  let minutes = d.getUTCMinutes();
  let seconds = d.getUTCSeconds();
  if (year < 1980) [year, month, day, hours, minutes, seconds] = [1980, 1, 1, 0, 0, 0];
  if (year > 2107) [year, month, day, hours, minutes, seconds] = [2107, 12, 31, 23, 59, 58];
  return {
    date: ((year - 1980) << 9) | (month << 5) | day,
    time: (hours << 11) | (minutes << 5) | (seconds >> 1),
  };
}

/** Info-ZIP's "UT" extra field: the UTC mtime as a signed 32-bit number; omitted when it does not fit. */
function extendedTimestamp(epochSeconds: number): Buffer {
  if (epochSeconds < 0 || epochSeconds > 0x7fffffff) return Buffer.alloc(0);
  const field = Buffer.alloc(9);
  field.writeUInt16LE(EXTENDED_TIMESTAMP, 0);
  field.writeUInt16LE(5, 2);
  field.writeUInt8(1, 4); // flags: mtime present
  field.writeUInt32LE(epochSeconds, 5);
  return field;
}

interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  mode: number;
  offset: number;
}

function checkFits(value: number, what: string): void {
  if (value > MAX_32)
    throw new RangeError(`${what} is over 4 GiB, which needs zip64; use archive-format tar.gz`);
}

/** The zip stream for `entries` in the order given (the caller sorts), each file compressed unless that grows it. */
export async function* zipChunks(entries: readonly ArchiveEntry[], mtime: number): AsyncGenerator<Buffer> {
  if (entries.length > 0xffff) throw new RangeError(`${entries.length} files do not fit a zip without zip64`);
  const { date, time } = dosDateTime(mtime);
  const extra = extendedTimestamp(mtime);
  const records: CentralRecord[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = await fs.readFile(entry.source);
    checkFits(data.length, entry.source);
    const deflated = await deflateRaw(data, { level: COMPRESSION_LEVEL });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const name = Buffer.from(entry.name, 'utf8');
    const record: CentralRecord = {
      name,
      flags: /^[\x20-\x7e]*$/.test(entry.name) ? 0 : FLAG_UTF8_NAME,
      method: stored ? METHOD_STORED : METHOD_DEFLATE,
      crc: crc32(data),
      compressedSize: body.length,
      size: data.length,
      mode: entry.mode,
      offset,
    };
    checkFits(offset, 'the zip archive');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(stored ? 10 : 20, 4);
    header.writeUInt16LE(record.flags, 6);
    header.writeUInt16LE(record.method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(record.crc, 14);
    header.writeUInt32LE(record.compressedSize, 18);
    header.writeUInt32LE(record.size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    yield Buffer.concat([header, name, extra]);
    yield body;
    offset += header.length + name.length + extra.length + body.length;
    records.push(record);
  }

  const central: Buffer[] = [];
  for (const record of records) {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    header.writeUInt16LE(record.method === METHOD_STORED ? 10 : 20, 6);
    header.writeUInt16LE(record.flags, 8);
    header.writeUInt16LE(record.method, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(record.compressedSize, 20);
    header.writeUInt32LE(record.size, 24);
    header.writeUInt16LE(record.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(((S_IFREG | record.mode) << 16) >>> 0, 38);
    header.writeUInt32LE(record.offset, 42);
    central.push(header, record.name, extra);
  }
  const directory = Buffer.concat(central);
  checkFits(offset + directory.length, 'the zip archive');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  yield Buffer.concat([directory, end]);
}
