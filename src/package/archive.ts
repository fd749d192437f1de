// Release archives: which format a target gets, what goes in it, where it is written. The archive layout is flat:
// the binary and the extra files sit at the archive root under their base names (goreleaser's default), so
// `tar -xzf app.tar.gz` or `unzip app.zip` puts `app` in the current folder.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as core from '@actions/core';
import * as glob from '@actions/glob';
import { renderTemplate, templateValues } from '../template.js';
import { InputError } from '../errors.js';
import type { ArchiveFormat } from '../inputs.js';
import type { ArchiveInfo, Target } from '../types.js';
import { sha256File } from '../util/hash.js';
import { isInside } from '../util/paths.js';
import {
  withheldReason,
  withheldWarning,
  type WithheldReason,
  type WithholdRules,
} from '../files/never-shipped.js';
import { writeStreamAtomically } from '../files/safe-write.js';
import { COMPRESSION_LEVEL, compareByteOrder, planArchiveEntries } from './entries.js';
import { archivePatterns, checkArchivePatterns } from './patterns.js';
import { pinGzipOsByte, tarChunks } from './tar.js';
import { zipChunks } from './zip.js';

// Part of the archive API that callers already use; they live with the entries they order and in util/paths.ts.
export { compareByteOrder, isInside };

export type ResolvedArchiveFormat = 'tar.gz' | 'zip' | 'none';

export interface ArchiveRequest {
  binaryPath: string;
  /** Plain file name of the binary inside the archive, e.g. `gin-app` or `gin-app.exe`. */
  binaryNameInArchive: string;
  target: Target;
  format: ResolvedArchiveFormat;
  /** Absolute paths, as resolveExtraFiles returns them. */
  extraFiles: string[];
  /** Archive path without its extension. */
  outputPath: string;
  /**
   * The real folder the archive is written under (output-dir): the folders between are checked, a link among them
   * replaced, never followed. Without it the archive's own folder is created and used.
   */
  outputDir?: string;
  /** Unix seconds used as every entry's mtime (the commit time), so archives do not depend on when they were built. */
  epoch: number;
}

/** `auto` means zip for Windows (what Windows users open) and tar.gz elsewhere (keeps the exec bit everywhere). Pure. */
export function archiveFormatFor(format: ArchiveFormat, target: Target): ResolvedArchiveFormat {
  if (format === 'auto') return target.goos === 'windows' ? 'zip' : 'tar.gz';
  return format;
}

export function archiveExtension(format: ResolvedArchiveFormat): string {
  return format === 'none' ? '' : `.${format}`;
}

/**
 * Absolute archive path, without extension, for one target: archive-name-template filled in by the same renderer
 * as binary-template. Slashes inside values (a version from a tag like `release/1.2`) become `-`, so only the
 * template's own text can create folders; the result must stay inside outputDir. Pure.
 */
export function archiveOutputPath(
  outputDir: string,
  template: string,
  binaryName: string,
  version: string,
  target: Target,
): string {
  const values = Object.fromEntries(
    Object.entries(templateValues(target, binaryName, version)).map(([key, value]) => [
      key,
      value.replace(/[/\\]/g, '-'),
    ]),
  );
  const rendered = renderTemplate(template, values);
  const resolved = path.resolve(outputDir, rendered);
  if (rendered.trim() === '' || !isInside(outputDir, resolved)) {
    throw new InputError(
      'archive-name-template',
      template,
      `For ${target.id} it renders to "${rendered}", which is not a file path inside output-dir.`,
    );
  }
  return resolved;
}

export interface ArchivePlan {
  target: Target;
  format: ResolvedArchiveFormat;
  /** Without extension; '' for format none (the binary is shipped where it was built). */
  outputPath: string;
}

/** Format and path of every target's archive; two targets writing the same archive file is an error. Pure. */
export function planArchives(options: {
  outputDir: string;
  template: string;
  binaryName: string;
  version: string;
  format: ArchiveFormat;
  targets: readonly Target[];
}): ArchivePlan[] {
  const claimed = new Map<string, string>();
  return options.targets.map((target) => {
    const format = archiveFormatFor(options.format, target);
    if (format === 'none') return { target, format, outputPath: '' };
    const outputPath = archiveOutputPath(
      options.outputDir,
      options.template,
      options.binaryName,
      options.version,
      target,
    );
    const file = outputPath + archiveExtension(format);
    const other = claimed.get(file);
    if (other !== undefined) {
      throw new InputError(
        'archive-name-template',
        options.template,
        `${other} and ${target.id} both render to "${path.relative(options.outputDir, file)}"; add {os}, {arch} and {variant} (or {target}).`,
      );
    }
    claimed.set(file, target.id);
    return { target, format, outputPath };
  });
}

/** Makes a literal path safe to prefix a glob pattern with, the way @actions/glob escapes literals itself. */
function escapeGlobLiteral(literal: string): string {
  const escaped = process.platform === 'win32' ? literal : literal.replace(/\\/g, '\\\\');
  return escaped.replace(/\[/g, '[[]').replace(/\?/g, '[?]').replace(/\*/g, '[*]');
}

/** What resolveExtraFiles leaves out whatever the patterns say (see files/never-shipped.ts). */
export interface Withhold {
  /** Absolute. */
  outputDir: string;
  /** This run's own outputs (absolute paths), withheld when output-dir is working-directory itself. */
  ownFiles: readonly string[];
  /** Warn about what was withheld (default); off for a look before the build, so each warning comes once. */
  warn?: boolean;
}

interface ExtraPattern {
  /** As written, for messages. */
  raw: string;
  negated: boolean;
  /** For @actions/glob: the negation marks, then the pattern under the escaped root. */
  absolute: string;
}

/**
 * Files matched by `patterns` (globs relative to workingDirectory, `!` to exclude), sorted and without duplicates.
 * A pattern matching nothing is skipped. A pattern, or a symbolic link, reaching outside workingDirectory is an
 * error: whatever matches is shipped to users. Files in `.git` (always) and in output-dir (with `withhold`) are left
 * out, with a warning naming the pattern that matched them.
 */
export async function resolveExtraFiles(
  workingDirectory: string,
  patterns: readonly string[],
  withhold?: Withhold,
): Promise<string[]> {
  const root = path.resolve(workingDirectory);
  // The same check planRelease makes before the build; kept here so no caller can glob an unchecked pattern.
  checkArchivePatterns(patterns);
  const extraPatterns: ExtraPattern[] = archivePatterns(patterns).map((line) => {
    const negated = /^!+/.exec(line)?.[0] ?? '';
    return {
      raw: line,
      negated: negated.length % 2 === 1,
      absolute: negated + path.join(escapeGlobLiteral(root), line.slice(negated.length).trim()),
    };
  });
  if (extraPatterns.length === 0) return [];

  const realRoot = await fs.realpath(root);
  const outputDir = withhold ? path.resolve(withhold.outputDir) : '';
  const rules: WithholdRules = {
    workingDirectory: root,
    realWorkingDirectory: realRoot,
    outputDir,
    realOutputDir: withhold ? await fs.realpath(outputDir).catch(() => outputDir) : '',
    ownFiles: new Set((withhold?.ownFiles ?? []).map((file) => path.resolve(file))),
  };
  const files = new Set<string>();
  const withheld = new Map<string, WithheldReason>();
  for (const match of await globFiles(extraPatterns.map((p) => p.absolute))) {
    const real = await fs.realpath(match);
    // Withheld before the link check: a link in .git is no reason to fail, it is never shipped anyway.
    const reason = withheldReason(match, real, rules);
    if (reason === 'git' || (reason === 'output-dir' && withhold)) {
      withheld.set(path.resolve(match), reason);
      continue;
    }
    if (!isInside(realRoot, real)) {
      throw new InputError(
        'archive-files',
        path.relative(root, match),
        `It links to ${real}, outside working-directory.`,
      );
    }
    if ((await fs.stat(real)).isFile()) files.add(path.resolve(match));
  }
  if (withheld.size > 0 && withhold?.warn !== false)
    await warnWithheld(root, extraPatterns, withheld, outputDir);
  return [...files].sort(compareByteOrder);
}

async function globFiles(patterns: readonly string[]): Promise<string[]> {
  const globber = await glob.create(patterns.join('\n'), {
    followSymbolicLinks: true,
    implicitDescendants: false,
    matchDirectories: false,
    omitBrokenSymbolicLinks: true,
  });
  return globber.glob();
}

/**
 * One warning per pattern and reason, naming the withheld files that pattern matches on its own (globbed again
 * one by one only here, when something was withheld).
 */
async function warnWithheld(
  root: string,
  patterns: readonly ExtraPattern[],
  withheld: ReadonlyMap<string, WithheldReason>,
  outputDir: string,
): Promise<void> {
  const outputDirShown = path.relative(root, outputDir).split(path.sep).join('/') || '.';
  for (const pattern of patterns) {
    if (pattern.negated) continue;
    const byReason = new Map<WithheldReason, string[]>();
    for (const match of await globFiles([pattern.absolute])) {
      const reason = withheld.get(path.resolve(match));
      if (!reason) continue;
      const list = byReason.get(reason) ?? [];
      list.push(path.relative(root, match).split(path.sep).join('/'));
      byReason.set(reason, list);
    }
    for (const [reason, matched] of byReason) {
      core.warning(withheldWarning(pattern.raw, reason, matched.sort(compareByteOrder), outputDirShown));
    }
  }
}

/**
 * Writes the archive for one binary and returns its path, size and SHA-256. With format `none` nothing is
 * written and the bare binary's own path, size and hash are returned.
 */
export async function createArchive(request: ArchiveRequest): Promise<ArchiveInfo> {
  if (request.format === 'none') {
    const { size } = await fs.stat(request.binaryPath);
    return { path: request.binaryPath, size, sha256: await sha256File(request.binaryPath) };
  }
  if (!Number.isSafeInteger(request.epoch) || request.epoch < 0) {
    throw new Error(`archive mtime ${request.epoch} is not a Unix time in seconds >= 0`);
  }
  const entries = planArchiveEntries(request.binaryPath, request.binaryNameInArchive, request.extraFiles);
  const finalPath = request.outputPath + archiveExtension(request.format);
  try {
    const root = request.outputDir ?? path.dirname(finalPath);
    if (request.outputDir === undefined) await fs.mkdir(root, { recursive: true });
    await writeStreamAtomically(
      finalPath,
      async (sink) => {
        if (request.format === 'zip') {
          await pipeline(Readable.from(zipChunks(entries, request.epoch), { objectMode: false }), sink);
        } else {
          await pipeline(
            Readable.from(tarChunks(entries, request.epoch), { objectMode: false }),
            createGzip({ level: COMPRESSION_LEVEL }),
            pinGzipOsByte,
            sink,
          );
        }
      },
      { root },
    );
    const { size } = await fs.stat(finalPath);
    return { path: finalPath, size, sha256: await sha256File(finalPath) };
  } catch (error) {
    throw new Error(
      `Creating ${path.basename(finalPath)} for ${request.target.id} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
