// The Go module proxy protocol as far as toolchain downloads need it: module version names, GOPROXY and
// GOSUMDB settings, checksum database answers, and the h1 hash of a module zip. Pure: no network, no files.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { type GoPlatform, type GoRelease, type GoVersion, parseGoVersion } from './version.js';

export const TOOLCHAIN_MODULE = 'golang.org/toolchain';

/** `v0.0.1-go1.26.8.linux-amd64`: how the go command names a toolchain in the golang.org/toolchain module. */
export function toolchainModuleVersion(
  version: GoVersion,
  platform: Pick<GoPlatform, 'goos' | 'goarch'>,
): string {
  return `v0.0.1-go${version.text}.${platform.goos}-${platform.goarch}`;
}

/** The folder every file of the toolchain zip lives in; it becomes GOROOT. */
export function toolchainZipPrefix(moduleVersion: string): string {
  return `${TOOLCHAIN_MODULE}@${moduleVersion}/`;
}

/** The releases for one platform in the proxy's `/golang.org/toolchain/@v/list` answer. */
export function parseToolchainList(text: string, platform: Pick<GoPlatform, 'goos' | 'goarch'>): GoRelease[] {
  const suffix = `.${platform.goos}-${platform.goarch}`;
  const releases: GoRelease[] = [];
  for (const line of text.split('\n')) {
    const name = line.trim();
    if (!name.startsWith('v0.0.1-go') || !name.endsWith(suffix)) continue;
    const version = parseGoVersion(name.slice('v0.0.1-go'.length, -suffix.length));
    if (version) releases.push({ version, stable: version.pre === '' });
  }
  return releases;
}

/** One GOPROXY entry; `anyError` is true when the entry is followed by `|` (fall through on any failure). */
export type ProxyEntry =
  { kind: 'proxy'; url: string; anyError: boolean } | { kind: 'direct' } | { kind: 'off' };

/** Splits GOPROXY the way the go command does: `,` falls through on 404/410 only, `|` on any error. */
export function parseGoProxy(value: string): ProxyEntry[] {
  const entries: ProxyEntry[] = [];
  const pattern = /([^,|]+)([,|]?)/g;
  for (const match of value.matchAll(pattern)) {
    const item = match[1]!.trim();
    if (item === '') continue;
    if (item === 'direct') entries.push({ kind: 'direct' });
    else if (item === 'off') entries.push({ kind: 'off' });
    else entries.push({ kind: 'proxy', url: item.replace(/\/+$/, ''), anyError: match[2] === '|' });
  }
  return entries;
}

/** Whether the go command would try the next GOPROXY entry after this failure. */
export function fallsThrough(entry: ProxyEntry, httpStatus: number | undefined): boolean {
  if (entry.kind !== 'proxy') return true;
  return entry.anyError || httpStatus === 404 || httpStatus === 410;
}

export interface SumDb {
  /** The database's name, as used in `<proxy>/sumdb/<name>/...`. */
  name: string;
  /** Where to ask it directly. */
  url: string;
}

/** GOSUMDB: `off`, `sum.golang.org`, `name+key`, or `name+key url`. null when checking is off. */
export function parseGoSumDb(value: string): SumDb | null {
  const text = value.trim() || 'sum.golang.org';
  if (text === 'off') return null;
  // The go command's own alias: the same database, served from China.
  if (text === 'sum.golang.google.cn') return { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' };
  const [nameAndKey = '', url] = text.split(/\s+/);
  const name = nameAndKey.split('+')[0]!;
  return { name, url: (url ?? `https://${name}`).replace(/\/+$/, '') };
}

/** The h1 hash of `module@version` in a checksum database `/lookup` answer or in go.sum text; null when absent. */
export function findModuleHash(text: string, module: string, version: string): string | null {
  for (const line of text.split('\n')) {
    const [path, ver, hash] = line.trim().split(/\s+/);
    if (path === module && ver === version && hash?.startsWith('h1:')) return hash;
  }
  return null;
}

/** Go's dirhash Hash1: sha256 over the sorted lines `<sha256 hex>  <name>\n`, base64, prefixed with `h1:`. */
export function hash1(files: ReadonlyArray<{ name: Buffer; sha256: string }>): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(a.name, b.name));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes(0x0a))
      throw new Error(`file name ${JSON.stringify(file.name.toString())} contains a newline`);
    summary.update(`${file.sha256}  `);
    summary.update(file.name);
    summary.update('\n');
  }
  return `h1:${summary.digest('base64')}`;
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

class ZipFormatError extends Error {}

function readBig(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip64 field is out of range');
  return Number(value);
}

/** Reads a zip's central directory (zip64 included). Throws on anything that is not a complete zip. */
export function readZipDirectory(zip: Buffer): ZipEntry[] {
  const searchFrom = Math.max(0, zip.length - (0xffff + 22));
  let eocd = -1;
  for (let at = zip.length - 22; at >= searchFrom; at--) {
    if (zip.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end of central directory record (truncated or not a zip)');
  let count = zip.readUInt16LE(eocd + 10);
  let directorySize = zip.readUInt32LE(eocd + 12);
  let directoryOffset = zip.readUInt32LE(eocd + 16);
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const zip64 = readBig(zip, eocd - 20 + 8);
    if (zip64 + 56 > zip.length || zip.readUInt32LE(zip64) !== ZIP64_EOCD) {
      throw new ZipFormatError('broken zip64 end of central directory');
    }
    count = readBig(zip, zip64 + 32);
    directorySize = readBig(zip, zip64 + 40);
    directoryOffset = readBig(zip, zip64 + 48);
  }
  if (directoryOffset + directorySize > zip.length)
    throw new ZipFormatError('the central directory lies past the end of the file');

  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError(`central directory entry ${i} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc32: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: Buffer.from(zip.subarray(at + 46, at + 46 + nameLength)),
    };
    // Zip64 extra field: the 64-bit values of exactly those fields that hold 0xFFFFFFFF, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const length = zip.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
          if (entry[key] === 0xffffffff && field + 8 <= extra + 4 + length) {
            entry[key] = readBig(zip, field);
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

const inflateRaw = promisify(zlib.inflateRaw);

/** The uncompressed bytes of one entry, checked against its recorded size and CRC-32. */
export async function readZipEntry(zip: Buffer, entry: ZipEntry): Promise<Buffer> {
  const label = JSON.stringify(entry.name.toString());
  if (entry.flags & 0x1) throw new ZipFormatError(`${label} is encrypted`);
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL)
    throw new ZipFormatError(`the local header of ${label} is damaged`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length)
    throw new ZipFormatError(`${label} runs past the end of the file (truncated)`);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = await inflateRaw(raw);
    } catch (error) {
      throw new ZipFormatError(`${label} does not decompress: ${(error as Error).message}`);
    }
  } else throw new ZipFormatError(`${label} uses compression method ${entry.method}`);
  if (data.length !== entry.size)
    throw new ZipFormatError(`${label} has ${data.length} bytes, the directory says ${entry.size}`);
  if (zlib.crc32(data) !== entry.crc32) throw new ZipFormatError(`${label} fails its CRC-32 check`);
  return data;
}

/** Go's dirhash.HashZip: the h1 hash over the names and contents of every entry of a zip. */
export async function hashZip(zip: Buffer): Promise<{ hash: string; names: string[] }> {
  const entries = readZipDirectory(zip);
  const files: Array<{ name: Buffer; sha256: string }> = [];
  for (const entry of entries) {
    const data = await readZipEntry(zip, entry);
    files.push({ name: entry.name, sha256: createHash('sha256').update(data).digest('hex') });
  }
  return { hash: hash1(files), names: entries.map((entry) => entry.name.toString('utf8')) };
}

/**
 * Why a module zip must not be extracted, or null when it is fine: every file under `prefix`, no folder
 * entries, no `..`, backslash or empty path elements, no name twice. Keeps the extraction inside its folder.
 */
export function moduleZipProblem(names: readonly string[], prefix: string): string | null {
  const seen = new Set<string>();
  for (const name of names) {
    if (!name.startsWith(prefix)) return `${JSON.stringify(name)} is outside ${prefix}`;
    const rest = name.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) return `${JSON.stringify(name)} is a folder entry`;
    if (rest.includes('\\') || rest.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      return `${JSON.stringify(name)} is not a clean relative path`;
    }
    const key = name.toLowerCase();
    if (seen.has(key)) return `${JSON.stringify(name)} is in the zip twice`;
    seen.add(key);
  }
  return names.length === 0 ? 'the zip is empty' : null;
}
