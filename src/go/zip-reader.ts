// Reads zips by random access (the central directory) and streams (each entry, inflated and checked against its
// size and CRC-32), from memory or from a file on disk, so a toolchain zip of 70+ MB is never held whole.
// Go's dirhash HashZip (the h1 hash of a module zip) is computed over these streams.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { hash1 } from './modproxy.js';

/** Bytes of a zip by position: a Buffer, or a file opened for reading. */
export interface ZipSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** `length` bytes from `position` on, as a stream. */
  stream(position: number, length: number): Readable;
  close(): Promise<void>;
}

export function bufferZipSource(buffer: Buffer): ZipSource {
  return {
    size: buffer.length,
    read: async (position, length) => buffer.subarray(position, position + length),
    stream: (position, length) => Readable.from([buffer.subarray(position, position + length)]),
    close: async () => {},
  };
}

export async function openZipFile(file: string): Promise<ZipSource> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (position, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      },
      // Positional reads on one descriptor, not one open per entry: a toolchain has 15,000.
      stream: (position, length) => Readable.from(readChunks(handle, position, length)),
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const CHUNK_BYTES = 256 * 1024;

async function* readChunks(handle: fs.FileHandle, position: number, length: number): AsyncGenerator<Buffer> {
  for (let at = position, end = position + length; at < end;) {
    const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, end - at));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return; // the end of the file: the reader's size checks report it
    at += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

export interface ZipEntry {
  /** The name's raw bytes: the hash covers bytes, not a decoding of them. */
  name: Buffer;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A toolchain's directory is about 2 MB; a larger one is no module zip and is not read into memory. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

/** Entries up to this size (compressed and not) are read in one piece; larger ones are streamed. */
const SMALL_ENTRY_BYTES = 1024 * 1024;
const inflateRaw = promisify(zlib.inflateRaw);

export class ZipFormatError extends Error {}

function readBig(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip64 field is out of range');
  return Number(value);
}

/** Reads a zip's central directory (zip64 included). Throws on anything that is not a complete zip. */
export async function readZipDirectory(zip: ZipSource): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, zip.size - (0xffff + 22));
  const tail = await zip.read(tailStart, zip.size - tailStart);
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end of central directory record (truncated or not a zip)');
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const zip64 = readBig(tail, eocd - 20 + 8);
    const record = zip64 + 56 <= zip.size ? await zip.read(zip64, 56) : Buffer.alloc(0);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) {
      throw new ZipFormatError('broken zip64 end of central directory');
    }
    count = readBig(record, 32);
    directorySize = readBig(record, 40);
    directoryOffset = readBig(record, 48);
  }
  if (directoryOffset + directorySize > zip.size)
    throw new ZipFormatError('the central directory lies past the end of the file');
  if (directorySize > MAX_DIRECTORY_BYTES)
    throw new ZipFormatError(`the central directory has ${directorySize} bytes, far more than a toolchain's`);
  const directory = await zip.read(directoryOffset, directorySize);

  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError(`central directory entry ${i} is damaged`);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length)
      throw new ZipFormatError(`central directory entry ${i} is damaged`);
    const entry: ZipEntry = {
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      crc32: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
      name: Buffer.from(directory.subarray(at + 46, at + 46 + nameLength)),
    };
    // Zip64 extra field: the 64-bit values of exactly those fields that hold 0xFFFFFFFF, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const length = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
          if (entry[key] === 0xffffffff && field + 8 <= extra + 4 + length) {
            entry[key] = readBig(directory, field);
            field += 8;
          }
        }
      }
      extra += 4 + length;
    }
    entries.push(entry);
    at = extraEnd + commentLength;
  }
  return entries;
}

/**
 * The uncompressed bytes of one entry, chunk by chunk, checked against its recorded size and CRC-32: a stream
 * that ends without error has delivered exactly the bytes the directory describes.
 */
export async function* zipEntryChunks(zip: ZipSource, entry: ZipEntry): AsyncGenerator<Buffer> {
  const label = JSON.stringify(entry.name.toString());
  if (entry.flags & 0x1) throw new ZipFormatError(`${label} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipFormatError(`${label} uses compression method ${entry.method}`);
  const at = entry.localHeaderOffset;
  const header = at + 30 <= zip.size ? await zip.read(at, 30) : Buffer.alloc(0);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
    throw new ZipFormatError(`the local header of ${label} is damaged`);
  const start = at + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > zip.size)
    throw new ZipFormatError(`${label} runs past the end of the file (truncated)`);
  if (entry.compressedSize <= SMALL_ENTRY_BYTES && entry.size <= SMALL_ENTRY_BYTES) {
    yield await readSmallEntry(zip, entry, start, label);
    return;
  }
  const raw = zip.stream(start, entry.compressedSize);
  let data: Readable = raw;
  if (entry.method === 8) {
    const inflate = zlib.createInflateRaw();
    raw.on('error', (error) => inflate.destroy(error));
    data = raw.pipe(inflate);
  }
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of data) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > entry.size)
        throw new ZipFormatError(`${label} has more bytes than the ${entry.size} the directory says`);
      crc = zlib.crc32(bytes, crc);
      yield bytes;
    }
  } catch (error) {
    if (error instanceof ZipFormatError) throw error;
    throw new ZipFormatError(`${label} does not decompress: ${(error as Error).message}`);
  } finally {
    data.destroy();
    raw.destroy();
  }
  if (size !== entry.size)
    throw new ZipFormatError(`${label} has ${size} bytes, the directory says ${entry.size}`);
  if (crc !== entry.crc32) throw new ZipFormatError(`${label} fails its CRC-32 check`);
}

/**
 * Most files of a toolchain are small: read and inflated in one piece they cost two calls instead of a stream
 * each. The inflated size is capped at the recorded one, so a lying entry cannot make the buffer grow.
 */
async function readSmallEntry(
  zip: ZipSource,
  entry: ZipEntry,
  start: number,
  label: string,
): Promise<Buffer> {
  const raw = await zip.read(start, entry.compressedSize);
  if (raw.length !== entry.compressedSize)
    throw new ZipFormatError(`${label} runs past the end of the file (truncated)`);
  let data: Buffer;
  try {
    data = entry.method === 8 ? await inflateRaw(raw, { maxOutputLength: entry.size + 1 }) : raw;
  } catch (error) {
    if (error instanceof RangeError)
      throw new ZipFormatError(`${label} has more bytes than the ${entry.size} the directory says`);
    throw new ZipFormatError(`${label} does not decompress: ${(error as Error).message}`);
  }
  if (data.length !== entry.size)
    throw new ZipFormatError(`${label} has ${data.length} bytes, the directory says ${entry.size}`);
  if (zlib.crc32(data) !== entry.crc32) throw new ZipFormatError(`${label} fails its CRC-32 check`);
  return data;
}

/** The sha256 of each entry's content, in directory order, read as streams. */
export async function hashZipEntries(
  zip: ZipSource,
  entries: readonly ZipEntry[],
): Promise<Array<{ name: Buffer; sha256: string }>> {
  const files: Array<{ name: Buffer; sha256: string }> = [];
  for (const entry of entries) {
    const hash = createHash('sha256');
    for await (const chunk of zipEntryChunks(zip, entry)) hash.update(chunk);
    files.push({ name: entry.name, sha256: hash.digest('hex') });
  }
  return files;
}

/** Go's dirhash.HashZip: the h1 hash over the names and contents of every entry of a zip. */
export async function hashZip(input: Buffer | ZipSource): Promise<{ hash: string; names: string[] }> {
  const zip = Buffer.isBuffer(input) ? bufferZipSource(input) : input;
  const entries = await readZipDirectory(zip);
  const files = await hashZipEntries(zip, entries);
  return { hash: hash1(files), names: entries.map((entry) => entry.name.toString('utf8')) };
}
