// Writing into output-dir without ever going through a symbolic link: folders are checked one by one with lstat
// (a link where a folder of ours goes is replaced, never followed), files are written to a fresh temporary file in
// the real folder (O_EXCL, so an existing link there is an error, not a way out) and renamed over the final name
// (rename replaces a link, it does not follow it). Modes are set explicitly, so the runner's umask does not decide
// what users download.
import { randomBytes } from 'node:crypto';
import { constants, type WriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { isInside } from '../util/paths.js';
import { EXTRA_FILE_MODE } from '../package/entries.js';

/** Every folder the action creates. Files get entries.ts's modes: 0755 for binaries, 0644 for everything else. */
export const FOLDER_MODE = 0o755;

/** Told about a link found where a folder or file of ours goes (it is removed; its target is never touched). */
export type LinkReplaced = (where: string, linkTarget: string) => void;

/** The default for a link met while writing: a warning, since a link there is never the action's own doing. */
export const warnLinkReplaced: LinkReplaced = (where, linkTarget) => {
  core.warning(
    `${where} was a symbolic link (to ${linkTarget || '?'}); it was replaced, and what it points to was not touched.`,
  );
};

export interface RealFolderOptions {
  /** Called for each link that was replaced by a real folder; nothing is said without it. */
  onLinkReplaced?: LinkReplaced;
  /** Called for each folder created (absolute path), parents first. */
  onCreated?: (folder: string) => void;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Where a link points, for messages; '' when it cannot be read. */
async function linkTarget(link: string): Promise<string> {
  try {
    return await fs.readlink(link);
  } catch {
    return '';
  }
}

/**
 * Makes `folder` (inside `root`, which must itself be a real folder) a chain of real folders: missing ones are
 * created with mode 0755, a symbolic link on the way is removed and replaced by a folder, a file on the way is an
 * error (it is not ours to remove).
 */
export async function ensureRealFolder(
  root: string,
  folder: string,
  options: RealFolderOptions = {},
): Promise<void> {
  const relative = path.relative(root, folder);
  if (relative === '') return;
  if (!isInside(root, folder)) throw new Error(`${folder} is not inside ${root}`);
  let current = root;
  for (const part of relative.split(path.sep)) {
    current = path.join(current, part);
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
    if (stat?.isDirectory()) continue;
    if (stat?.isSymbolicLink()) {
      const target = await linkTarget(current);
      await fs.unlink(current);
      options.onLinkReplaced?.(current, target);
    } else if (stat) {
      throw new Error(`${current} is a file where a folder of the action's outputs goes; move it away`);
    }
    try {
      await fs.mkdir(current, { mode: FOLDER_MODE });
    } catch (error) {
      // Made by a concurrent writer in between: the lstat loop of the next write checks it again.
      if (code(error) !== 'EEXIST') throw error;
    }
    await fs.chmod(current, FOLDER_MODE);
    options.onCreated?.(current);
  }
}

export interface AtomicWriteOptions {
  /** File mode set explicitly (whatever the umask); 0644 by default. */
  mode?: number;
  /** The real folder the file must be written under; the folders between are checked and made real. */
  root: string;
  /** warnLinkReplaced by default. */
  onLinkReplaced?: LinkReplaced;
}

/**
 * Writes `file` through a temporary file next to it, so that a failed or interrupted write never leaves a partial
 * file, and nothing is written through a link: the temporary file is created exclusively (O_EXCL|O_NOFOLLOW) and
 * renamed over the final name, which replaces a link there instead of writing to where it points.
 */
export async function writeStreamAtomically(
  file: string,
  write: (sink: NodeJS.WritableStream) => Promise<void>,
  options: AtomicWriteOptions,
): Promise<void> {
  const folder = path.dirname(file);
  const onLinkReplaced = options.onLinkReplaced ?? warnLinkReplaced;
  await ensureRealFolder(options.root, folder, { onLinkReplaced });
  const partial = path.join(
    folder,
    `.${path.basename(file)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const mode = options.mode ?? EXTRA_FILE_MODE;
  const handle = await fs.open(
    partial,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    mode,
  );
  let sink: WriteStream;
  try {
    await handle.chmod(mode);
    // The stream owns the handle from here and closes it when it ends or is destroyed.
    sink = handle.createWriteStream();
  } catch (error) {
    await handle.close();
    await fs.rm(partial, { force: true });
    throw error;
  }
  try {
    await write(sink);
    // Closed before the rename: Windows cannot rename a file that is still open.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', resolve));
    const existing = await fs.lstat(file).catch(() => undefined);
    if (existing?.isDirectory())
      throw new Error(`${file} is a folder where an output file of the action goes; move it away`);
    if (existing?.isSymbolicLink()) onLinkReplaced(file, await linkTarget(file));
    await fs.rename(partial, file);
  } catch (error) {
    sink.destroy();
    await fs.rm(partial, { force: true });
    throw error;
  }
}

/** writeStreamAtomically for text or bytes already in memory. */
export async function writeFileAtomically(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  await writeStreamAtomically(
    file,
    (sink) =>
      new Promise<void>((resolve, reject) => {
        sink.on('error', reject);
        sink.end(data, () => resolve());
      }),
    options,
  );
}
