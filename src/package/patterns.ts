// What archive-files may say and what the archives may hold, checked before anything is built. The patterns are
// read as @actions/glob reads them (minimatch without braces or extglobs, `\` an escape on Linux and macOS), so a
// pattern that looks harmless here cannot climb out of working-directory there. Pure.
import * as path from 'node:path';
import { InputError } from '../errors.js';

export const ARCHIVE_PATTERN_ALLOWED =
  'Allowed: glob patterns (* ? [set] **, ! to exclude) for files inside working-directory, with / between folders and no . or .. segments.';

/**
 * A segment's literal text the way @actions/glob works it out (Pattern.getLiteral): a one-character set like
 * `[.]` is that character; undefined when the segment is a real glob (* ? or a set of several characters).
 */
function literalOf(segment: string): string | undefined {
  let literal = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*' || c === '?') return undefined;
    if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close > i + 1) {
        const set = segment.slice(i + 1, close);
        if (set.length > 1) return undefined;
        literal += set;
        i = close;
        continue;
      }
    }
    literal += c;
  }
  return literal;
}

/** The non-comment patterns of archive-files, as they are matched: trimmed, comments and blank lines left out. */
export function archivePatterns(lines: readonly string[]): string[] {
  return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** Why one archive-files pattern is refused, or undefined when it only names files inside working-directory. */
export function archivePatternProblem(line: string): string | undefined {
  const pattern = line.trim().replace(/^!+/, '').trim();
  if (pattern === '') return 'It is empty after the !';
  if (pattern.includes('\\')) {
    return 'It has a backslash, which separates folders only on Windows and escapes the next character elsewhere; use / between folders and [*] [?] [[] for literal * ? [';
  }
  if (path.posix.isAbsolute(pattern) || path.win32.isAbsolute(pattern) || /^[A-Za-z]:/.test(pattern)) {
    return 'It is an absolute path';
  }
  if (pattern === '~' || pattern.startsWith('~/')) return 'It starts in the home folder';
  if (/\{[^}]*,[^}]*\}/.test(pattern)) {
    return 'It has a {a,b} brace list, which is not expanded (the braces would match themselves); give one pattern per line';
  }
  const segments = pattern.split('/').filter((s) => s !== '');
  for (const [index, segment] of segments.entries()) {
    const literal = literalOf(segment);
    if (literal === '..') return `It has a ${segment} segment, which leads out of the folder before it`;
    if (literal === '.' && (segment !== '.' || index > 0)) {
      return `It has a ${segment} segment inside the pattern`;
    }
  }
  if (segments.every((s) => s === '.')) return 'It names working-directory itself, not files in it';
  return undefined;
}

/** Refuses the first archive-files pattern that could match anything outside working-directory. */
export function checkArchivePatterns(lines: readonly string[]): void {
  for (const line of archivePatterns(lines)) {
    const problem = archivePatternProblem(line);
    if (problem !== undefined)
      throw new InputError('archive-files', line, `${problem}. ${ARCHIVE_PATTERN_ALLOWED}`);
  }
}

/** One archive's planned contents by root name: the binary, then the files archive-files matched. */
export interface ArchiveNames {
  target: string;
  /** The binary's file name at the archive root. */
  binary: string;
  /** Absolute paths of the files archive-files matched. */
  extraFiles: readonly string[];
}

/**
 * Refuses archives in which two files would land on one name at the archive root: a binary named like a file
 * archive-files matched (binary-name README.md), or two matched files with one base name (README.md and
 * docs/README.md). `binaryNameInput` is the binary-name input, '' when the name was derived.
 */
export function checkArchiveNames(
  archives: readonly ArchiveNames[],
  workingDirectory: string,
  binaryNameInput: string,
): void {
  for (const archive of archives) {
    const byName = new Map<string, string>();
    for (const file of archive.extraFiles) {
      const name = path.basename(file);
      const relative = path.relative(workingDirectory, file).split(path.sep).join('/');
      const earlier = byName.get(name);
      if (earlier !== undefined) {
        throw new InputError(
          'archive-files',
          `${earlier}, ${relative}`,
          `Both would be "${name}" at the root of every archive. Allowed: patterns that match one file per name; narrow them (e.g. exclude one with !${relative}).`,
        );
      }
      byName.set(name, relative);
    }
    const clash = byName.get(archive.binary);
    if (clash === undefined) continue;
    const input = binaryNameInput !== '' ? 'binary-name' : 'archive-files';
    throw new InputError(
      input,
      input === 'binary-name' ? binaryNameInput : clash,
      `The ${archive.target} binary "${archive.binary}" and ${clash} (matched by archive-files) would both be "${archive.binary}" at the archive root. Allowed: a binary name that no archive-files file has, or patterns that leave ${clash} out.`,
    );
  }
}
