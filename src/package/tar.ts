// A ustar writer with every varying field pinned, so the same inputs always give the same bytes. The header
// layout is the one GNU tar writes with --format=ustar --owner=root:0 --group=root:0, down to the checksum's
// trailing NUL and space and the padding to a 10 KiB record, so `tar` and this writer are interchangeable.
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { ArchiveEntry } from './entries.js';

const BLOCK = 512;
/** GNU tar's default blocking factor (20 blocks); readers do not need it, but matching tar keeps outputs comparable. */
const RECORD = 20 * BLOCK;
const OWNER_NAME = 'root';

export interface TarHeaderFields {
  name: string;
  mode: number;
  size: number;
  /** Unix seconds. */
  mtime: number;
}

/** Writes `value` as zero-padded octal filling all but the last byte of the field, which stays NUL. */
function writeOctal(header: Buffer, offset: number, length: number, value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`tar ${field} ${value} is not a whole number >= 0`);
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new RangeError(`tar ${field} ${value} does not fit a ustar header`);
  header.write(`${digits}\0`, offset, 'ascii');
}

/** One 512-byte ustar header for a regular file owned by root (uid/gid 0). Pure. */
export function tarHeader(fields: TarHeaderFields): Buffer {
  const header = Buffer.alloc(BLOCK);
  const name = Buffer.from(fields.name, 'utf8');
  // Entries sit at the archive root, so the 155-byte prefix field (for directories) is of no help here.
  if (name.length === 0 || name.length > 100 || fields.name.includes('/')) {
    throw new RangeError(`tar entry name "${fields.name}" must be a plain file name of 1 to 100 bytes`);
  }
  name.copy(header, 0);
  writeOctal(header, 100, 8, fields.mode, 'mode');
  writeOctal(header, 108, 8, 0, 'uid');
  writeOctal(header, 116, 8, 0, 'gid');
  writeOctal(header, 124, 12, fields.size, 'size');
  writeOctal(header, 136, 12, fields.mtime, 'mtime');
  // The checksum is computed with its own field read as spaces.
  header.fill(0x20, 148, 156);
  header.write('0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  header.write(OWNER_NAME, 265, 'ascii');
  header.write(OWNER_NAME, 297, 'ascii');
  writeOctal(header, 329, 8, 0, 'devmajor');
  writeOctal(header, 337, 8, 0, 'devminor');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/** Zero bytes that bring `size` up to the next 512-byte block. */
function blockPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/**
 * The tar stream for `entries` in the order given (the caller sorts), each file's bytes read from disk. A file that
 * changes size while it is read is an error rather than a truncated or overlong entry.
 */
export async function* tarChunks(entries: readonly ArchiveEntry[], mtime: number): AsyncGenerator<Buffer> {
  let written = 0;
  for (const entry of entries) {
    const { size } = await fs.stat(entry.source);
    const header = tarHeader({ name: entry.name, mode: entry.mode, size, mtime });
    yield header;
    let read = 0;
    for await (const chunk of createReadStream(entry.source)) {
      const buffer = chunk as Buffer;
      read += buffer.length;
      if (read > size) break;
      yield buffer;
    }
    if (read !== size)
      throw new Error(`${entry.source} changed size while it was archived (${size} bytes, then ${read})`);
    const padding = blockPadding(size);
    if (padding.length > 0) yield padding;
    written += header.length + size + padding.length;
  }
  // End of archive: two zero blocks, then zeros up to the record size.
  const end = 2 * BLOCK;
  yield Buffer.alloc(end + ((RECORD - ((written + end) % RECORD)) % RECORD));
}

/** gzip header byte 9 names the OS that wrote the file; zlib fills in its build platform, so it is pinned to Unix. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;

/**
 * Pipeline stage for zlib's gzip output. zlib already writes no file name and an mtime of 0; only the OS byte
 * varies between a Linux, macOS and Windows runner, so it is overwritten wherever it falls in the first chunks.
 */
export async function* pinGzipOsByte(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of source) {
    if (offset <= GZIP_OS_OFFSET && offset + chunk.length > GZIP_OS_OFFSET) {
      chunk[GZIP_OS_OFFSET - offset] = GZIP_OS_UNIX;
    }
    offset += chunk.length;
    yield chunk;
  }
}
