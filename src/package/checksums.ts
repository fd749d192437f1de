// The release checksums file, in the format `sha256sum` writes and `sha256sum -c` (and goreleaser, and most
// install scripts) read: `<64 hex>  <name>`, one line per file, names relative to the file's own folder.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomically } from '../files/safe-write.js';
import { sha256File } from '../util/hash.js';
import { isInside } from '../util/paths.js';
import { compareByteOrder } from './entries.js';

export interface ChecksumEntry {
  /** Path relative to the checksums file's folder, with `/` separators. */
  name: string;
  sha256: string;
}

/**
 * The checksums file text, sorted by name in byte order, ending with a newline. A name with a backslash or newline
 * is written the way GNU sha256sum writes it (line starts with `\`, characters escaped) so `-c` still reads it. Pure.
 */
export function formatChecksums(entries: readonly ChecksumEntry[]): string {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!/^[0-9a-f]{64}$/.test(entry.sha256))
      throw new Error(`"${entry.sha256}" for ${entry.name} is not a lowercase hex SHA-256`);
    if (entry.name === '') throw new Error('a checksum entry has an empty file name');
    if (seen.has(entry.name)) throw new Error(`${entry.name} is listed twice`);
    seen.add(entry.name);
  }
  return [...entries]
    .sort((a, b) => compareByteOrder(a.name, b.name))
    .map(({ name, sha256 }) => {
      if (!/[\\\n]/.test(name)) return `${sha256}  ${name}\n`;
      return `\\${sha256}  ${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    })
    .join('');
}

/** `file` relative to `dir` with `/` separators; a file outside `dir` cannot be checked from there. Pure. */
export function checksumName(dir: string, file: string): string {
  if (!isInside(path.resolve(dir), path.resolve(file))) {
    throw new Error(`${file} is not inside ${dir}, so the checksums file there cannot name it`);
  }
  return path.relative(path.resolve(dir), path.resolve(file)).split(path.sep).join('/');
}

/**
 * Hashes `files` (as they are on disk now) and writes `dir/fileName`. Returns the checksums file's absolute path.
 * Run `sha256sum -c <fileName>` in `dir` to verify. `known` gives the SHA-256 of files hashed as they were written
 * (path -> hex), which are not read again.
 */
export async function writeChecksums(
  dir: string,
  fileName: string,
  files: readonly string[],
  known: ReadonlyMap<string, string> = new Map(),
): Promise<string> {
  const target = path.resolve(dir, fileName);
  const entries: ChecksumEntry[] = [];
  for (const file of files) {
    if (path.resolve(file) === target) throw new Error(`${fileName} cannot list itself`);
    entries.push({ name: checksumName(dir, file), sha256: known.get(file) ?? (await sha256File(file)) });
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  // Through a temporary file and a rename: a link in the checksums file's place is replaced, never written through.
  await writeFileAtomically(target, formatChecksums(entries), { root: path.dirname(target) });
  return target;
}
