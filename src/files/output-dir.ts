// output-dir before anything is written into it: a real folder (no link on the way), locked for this run, emptied
// of what earlier runs of the action wrote there (as their manifest lists it, and the names this run will write),
// with every folder this run writes into made real, and this run's manifest written first. Files users put into
// output-dir stay where they are.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { isInside } from '../util/paths.js';
import { registerCleanup } from '../util/process/reaper.js';
import { acquireLock, releaseLock, type HeldLock } from './lock.js';
import {
  cleaningSteps,
  formatManifest,
  MANIFEST_NAME,
  outputEntry,
  parseManifest,
  type OutputDirPlan,
  type OutputManifest,
} from './manifest.js';
import { ensureRealFolder, writeFileAtomically } from './safe-write.js';

export interface OutputDirClaim {
  /** Entries of earlier runs removed (relative to output-dir). */
  removed: string[];
  /** Links found where this run writes, replaced by real folders or removed, as `entry -> target`. */
  replacedLinks: string[];
  /** Whether earlier outputs were looked for (only inside the workspace). */
  cleaned: boolean;
  lockFile: string;
}

interface Claimed {
  plan: OutputDirPlan;
  lock: HeldLock;
  manifest: OutputManifest;
  unregister: () => void;
}

let claimed: Claimed | undefined;

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function lstatOrNull(file: string): Promise<Awaited<ReturnType<typeof fs.lstat>> | null> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/** Refuses an output-dir path that goes through a link or a file; nothing is created yet. */
async function checkOutputDirPath(plan: OutputDirPlan): Promise<void> {
  const relative = path.relative(plan.workingDirectory, plan.outputDir);
  if (relative === '') return;
  let current = plan.workingDirectory;
  for (const part of relative.split(path.sep)) {
    current = path.join(current, part);
    const stat = await lstatOrNull(current);
    if (!stat) return;
    const shown = path.relative(plan.workingDirectory, current).split(path.sep).join('/');
    if (stat.isSymbolicLink()) {
      throw new InputError(
        'output-dir',
        plan.input,
        `${shown} is a symbolic link (to ${await fs.readlink(current).catch(() => '?')}); the action writes only ` +
          'into real folders, so that nothing lands outside output-dir. Allowed: a folder inside working-directory ' +
          'reached without links (missing folders are created).',
      );
    }
    if (!stat.isDirectory()) {
      throw new InputError('output-dir', plan.input, `${shown} is a file, not a folder.`);
    }
  }
}

/** Whether output-dir really lies inside the workspace, links resolved: only there are earlier outputs removed. */
async function insideWorkspace(plan: OutputDirPlan): Promise<boolean> {
  try {
    const [workspace, outputDir] = await Promise.all([
      fs.realpath(plan.workspace),
      fs.realpath(plan.outputDir),
    ]);
    return outputDir === workspace || isInside(workspace, outputDir);
  } catch {
    return false;
  }
}

/**
 * The entry's folder chain as real folders (a link on the way means the entry is not where the manifest says, so
 * it is left alone), then the entry itself when it is a file or a link.
 */
async function removeEntry(
  plan: OutputDirPlan,
  entry: string,
  planned: boolean,
): Promise<{ kind: 'removed' | 'absent' } | { kind: 'link'; target: string }> {
  const parts = entry.split('/');
  let current = plan.outputDir;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    const stat = await lstatOrNull(current);
    if (!stat?.isDirectory()) return { kind: 'absent' };
  }
  const file = path.join(plan.outputDir, ...parts);
  const stat = await lstatOrNull(file);
  if (!stat) return { kind: 'absent' };
  if (stat.isDirectory()) {
    if (!planned) return { kind: 'absent' };
    throw new InputError(
      'output-dir',
      plan.input,
      `${entry} is a folder where the action writes a file; it is not the action's to remove, so move it away.`,
    );
  }
  if (!stat.isSymbolicLink()) {
    await fs.unlink(file);
    return { kind: 'removed' };
  }
  const target = await fs.readlink(file).catch(() => '?');
  await fs.unlink(file);
  return { kind: 'link', target };
}

async function readEarlierManifest(plan: OutputDirPlan): Promise<OutputManifest> {
  const file = path.join(plan.outputDir, MANIFEST_NAME);
  const stat = await lstatOrNull(file);
  // A link in the manifest's place is not followed; the new manifest replaces it.
  if (!stat?.isFile()) return { files: [], folders: [] };
  const parsed = parseManifest(await fs.readFile(file, 'utf8'));
  if (parsed.problem) {
    core.warning(
      `output-dir ${plan.input}: ${MANIFEST_NAME} was not read (${parsed.problem}), so files of earlier runs ` +
        'were not removed; this run writes a new one.',
    );
  }
  if (parsed.refused.length > 0) {
    core.warning(
      `output-dir ${plan.input}: ${MANIFEST_NAME} lists paths that are not plain paths inside output-dir, left alone: ` +
        parsed.refused.slice(0, 5).join(', '),
    );
  }
  return parsed.manifest;
}

async function writeManifest(state: Claimed): Promise<void> {
  await writeFileAtomically(path.join(state.plan.outputDir, MANIFEST_NAME), formatManifest(state.manifest), {
    root: state.plan.outputDir,
  });
}

/**
 * Claims output-dir for this run; throws an InputError for a path through a link or a file, OutputDirLocked when
 * another run holds it. Release it with releaseOutputDir (also done on exit and on SIGINT/SIGTERM).
 */
export async function claimOutputDir(plan: OutputDirPlan): Promise<OutputDirClaim> {
  if (claimed) throw new Error(`output-dir ${claimed.plan.outputDir} is already claimed by this run`);
  await checkOutputDirPath(plan);
  const createdFolders: string[] = [];
  await ensureRealFolder(plan.workingDirectory, plan.outputDir);
  const lock = acquireLock(plan.outputDir);
  const unregister = registerCleanup(() => releaseLock(lock));
  const replacedLinks: string[] = [];
  const onLinkReplaced = (where: string, target: string): void => {
    replacedLinks.push(`${path.relative(plan.outputDir, where).split(path.sep).join('/')} -> ${target}`);
  };
  try {
    if (lock.tookOverFrom !== undefined) {
      const from = lock.tookOverFrom;
      core.info(
        `Took over ${lock.file}: ${from ? `its run (pid ${from.pid}, since ${from.started}) is gone` : 'it was no lock of a live run'}.`,
      );
    }
    const cleaned = await insideWorkspace(plan);
    const earlier = await readEarlierManifest(plan);
    const steps = cleaningSteps(earlier, plan);
    const planned = new Set(plan.files);
    const removed: string[] = [];
    for (const entry of steps.files) {
      // Outside the workspace only this run's own names are cleared (it would overwrite them anyway).
      if (!cleaned && !planned.has(entry)) continue;
      const outcome = await removeEntry(plan, entry, planned.has(entry));
      if (outcome.kind === 'link') replacedLinks.push(`${entry} -> ${outcome.target}`);
      else if (outcome.kind === 'removed') removed.push(entry);
    }
    const keptFolders: string[] = [];
    for (const folder of steps.folders) {
      const full = path.join(plan.outputDir, ...folder.split('/'));
      const stat = await lstatOrNull(full);
      if (!stat?.isDirectory()) continue;
      try {
        await fs.rmdir(full);
        removed.push(`${folder}/`);
      } catch (error) {
        // Not empty: something of the user's is in it.
        if (errno(error) !== 'ENOTEMPTY' && errno(error) !== 'EEXIST') throw error;
        keptFolders.push(folder);
      }
    }
    for (const folder of plan.folders) {
      await ensureRealFolder(plan.outputDir, path.join(plan.outputDir, ...folder.split('/')), {
        onLinkReplaced,
        onCreated: (full) => createdFolders.push(outputEntry(plan.outputDir, full)),
      });
    }
    claimed = {
      plan,
      lock,
      // Outside the workspace the earlier outputs stay, and stay listed, for a run that may remove them.
      manifest: cleaned
        ? { files: [...plan.files], folders: [...keptFolders, ...createdFolders] }
        : { files: [...earlier.files, ...plan.files], folders: [...earlier.folders, ...createdFolders] },
      unregister,
    };
    await writeManifest(claimed);
    if (replacedLinks.length > 0) {
      core.warning(
        `output-dir ${plan.input}: replaced symbolic links where the action writes, without touching what they ` +
          `point to: ${replacedLinks.join(', ')}.`,
      );
    }
    core.info(
      cleaned
        ? `output-dir ${plan.outputDir}: locked; removed ${removed.length} output(s) of earlier runs${removed.length > 0 ? ` (${removed.slice(0, 10).join(', ')}${removed.length > 10 ? ', ...' : ''})` : ''}; other files left as they are.`
        : `output-dir ${plan.outputDir}: locked; it is outside the workspace, so outputs of earlier runs were not removed.`,
    );
    return { removed, replacedLinks, cleaned, lockFile: lock.file };
  } catch (error) {
    claimed = undefined;
    unregister();
    releaseLock(lock);
    throw error;
  }
}

/**
 * What earlier runs wrote into `outputDir`, as absolute paths, by its manifest (nothing when there is none), for a
 * look at output-dir before it is claimed: these files are removed by the claim, so they count as the action's own.
 */
export async function earlierOutputs(outputDir: string): Promise<string[]> {
  const file = path.join(outputDir, MANIFEST_NAME);
  const stat = await lstatOrNull(file);
  if (!stat?.isFile()) return [];
  return parseManifest(await fs.readFile(file, 'utf8')).manifest.files.map((entry) =>
    path.join(outputDir, ...entry.split('/')),
  );
}

/**
 * Adds files this run writes into output-dir beyond the planned ones (say an SBOM per archive) to the manifest,
 * before they are written, so that the next run knows them as the action's.
 */
export async function recordOutputs(files: readonly string[]): Promise<void> {
  if (!claimed) throw new Error('output-dir has not been claimed by this run');
  const state = claimed;
  const entries = files.map((file) => outputEntry(state.plan.outputDir, file));
  const known = new Set(state.manifest.files);
  if (entries.every((entry) => known.has(entry))) return;
  state.manifest.files.push(...entries.filter((entry) => !known.has(entry)));
  await writeManifest(state);
}

/** Releases the lock taken by claimOutputDir; a no-op when nothing was claimed. */
export function releaseOutputDir(): void {
  if (!claimed) return;
  const state = claimed;
  claimed = undefined;
  state.unregister();
  releaseLock(state.lock);
}
