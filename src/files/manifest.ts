// Which files in output-dir are this action's: the manifest each run writes into output-dir before it writes
// anything else there, listing every file it will write and every folder it creates. The next run removes exactly
// those (and the names it will write itself), so stale archives of an earlier version never sit beside new ones,
// and files users put into output-dir are never touched. Pure.
import * as path from 'node:path';
import { compareByteOrder } from '../package/entries.js';

/** The manifest's file name in output-dir. Hidden, so `dist/*` globs of later steps do not pick it up. */
export const MANIFEST_NAME = '.gin-release-outputs.json';
/** The lock file's name in output-dir (see lock.ts). */
export const LOCK_NAME = '.gin-release.lock';

const MANIFEST_FORMAT = 'gin-release-outputs/v1';

export interface OutputManifest {
  /** Files, as paths relative to output-dir with `/` separators. */
  files: string[];
  /** Folders the action created, relative like files. */
  folders: string[];
}

export interface OutputDirPlan {
  /** Absolute. */
  outputDir: string;
  /** The output-dir input as given, for messages. */
  input: string;
  /** Absolute; output-dir is inside it. */
  workingDirectory: string;
  /** GITHUB_WORKSPACE (absolute): nothing is removed outside it. */
  workspace: string;
  /** Every file this run will write into output-dir, relative with `/` separators, sorted. */
  files: string[];
  /** The folders those files live in (below output-dir), parents before children. */
  folders: string[];
}

/** Whether `entry` is a plain relative path below output-dir that names neither the lock nor the manifest. */
export function isSafeEntry(entry: unknown): entry is string {
  if (typeof entry !== 'string' || entry === '' || entry.length > 4096) return false;
  if (/[\\\0]/.test(entry) || entry.startsWith('/') || /^[A-Za-z]:/.test(entry)) return false;
  const parts = entry.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return false;
  return entry !== MANIFEST_NAME && entry !== LOCK_NAME;
}

function sortedUnique(entries: Iterable<string>): string[] {
  return [...new Set(entries)].sort(compareByteOrder);
}

/** Parents before children, siblings in byte order. */
function byDepth(a: string, b: string): number {
  return a.split('/').length - b.split('/').length || compareByteOrder(a, b);
}

export function formatManifest(manifest: OutputManifest): string {
  return `${JSON.stringify(
    {
      format: MANIFEST_FORMAT,
      files: sortedUnique(manifest.files),
      folders: [...new Set(manifest.folders)].sort(byDepth),
    },
    null,
    2,
  )}\n`;
}

export interface ParsedManifest {
  manifest: OutputManifest;
  /** Entries left out because they are not plain paths inside output-dir (a hand-edited or foreign file). */
  refused: string[];
  /** Why the whole file was not read, '' when it was. */
  problem: string;
}

/** Reads a manifest; anything that is not a plain path inside output-dir is refused, never acted on. */
export function parseManifest(text: string): ParsedManifest {
  const empty = { files: [], folders: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { manifest: empty, refused: [], problem: 'it is not JSON' };
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { format?: unknown }).format !== MANIFEST_FORMAT
  ) {
    return { manifest: empty, refused: [], problem: `it is not a ${MANIFEST_FORMAT} manifest` };
  }
  const refused: string[] = [];
  const list = (key: 'files' | 'folders'): string[] => {
    const value = (parsed as Record<string, unknown>)[key];
    if (!Array.isArray(value)) return [];
    const kept: string[] = [];
    for (const entry of value as unknown[]) {
      if (isSafeEntry(entry)) kept.push(entry);
      else refused.push(String(entry));
    }
    return kept;
  };
  return { manifest: { files: list('files'), folders: list('folders') }, refused, problem: '' };
}

/** `file` relative to `outputDir` with `/` separators; throws for a file that is not below it. */
export function outputEntry(outputDir: string, file: string): string {
  const entry = path.relative(outputDir, file).split(path.sep).join('/');
  if (!isSafeEntry(entry)) throw new Error(`${file} is not a file inside output-dir ${outputDir}`);
  return entry;
}

/** The folders (below output-dir) that hold `entries`, parents before children. */
export function foldersOf(entries: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const entry of entries) {
    const parts = entry.split('/');
    for (let depth = 1; depth < parts.length; depth++) folders.add(parts.slice(0, depth).join('/'));
  }
  return [...folders].sort(byDepth);
}

/** What output-dir will hold: every planned file (absolute) as a manifest entry, and their folders. */
export function planOutputDir(options: {
  outputDir: string;
  input: string;
  workingDirectory: string;
  workspace: string;
  files: readonly string[];
}): OutputDirPlan {
  const files = sortedUnique(options.files.map((file) => outputEntry(options.outputDir, file)));
  return {
    outputDir: options.outputDir,
    input: options.input,
    workingDirectory: options.workingDirectory,
    workspace: options.workspace,
    files,
    folders: foldersOf(files),
  };
}

/**
 * What a run removes before it writes: the files an earlier run listed and the names this run will write, then
 * the earlier run's folders, deepest first (each only if it is empty then).
 */
export function cleaningSteps(
  earlier: OutputManifest,
  planned: Pick<OutputDirPlan, 'files'>,
): { files: string[]; folders: string[] } {
  return {
    files: sortedUnique([...earlier.files, ...planned.files]),
    folders: [...new Set(earlier.folders)].sort(byDepth).reverse(),
  };
}
