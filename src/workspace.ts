// Where the action reads and writes: working-directory and output-dir must be inside the workspace once symbolic
// links are followed, and output-dir must be a folder this job can write. Checked with the file system before the
// Go toolchain is set up, so a bad path fails the step in its first second instead of after the build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, errorMessage } from './errors.js';

/** True when `candidate` is `folder` or below it. Pure. */
function within(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/** Whether anything (a dangling link too) is at `target`; a path through a file is nothing. */
function entryExists(target: string): boolean {
  try {
    fs.lstatSync(target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** The deepest existing entry on the way to `target` (itself when it exists); a dangling link counts as existing. */
function nearestExisting(target: string): string {
  let current = target;
  while (!entryExists(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/**
 * `target` with symbolic links followed as far as it exists, the rest of the path appended as written. A link to
 * nothing is refused: whatever is created through it later lands where the link points.
 */
function realPath(target: string, input: string, value: string): string {
  const existing = nearestExisting(target);
  try {
    return path.join(fs.realpathSync(existing), path.relative(existing, target));
  } catch (error) {
    throw new InputError(
      input,
      value,
      `${existing} cannot be resolved (${errorMessage(error)}); a symbolic link to nothing is not allowed.`,
    );
  }
}

export interface WorkspacePaths {
  /** GITHUB_WORKSPACE, absolute. */
  workspace: string;
  /** Absolute. */
  workingDirectory: string;
  /** The output-dir input, relative to workingDirectory. */
  outputDir: string;
}

/** Refuses a working-directory outside the workspace. */
export function checkWorkingDirectory(paths: WorkspacePaths): void {
  const workspace = fs.realpathSync(paths.workspace);
  const real = realPath(paths.workingDirectory, 'working-directory', paths.workingDirectory);
  if (!within(workspace, real)) {
    const via = real === path.resolve(paths.workingDirectory) ? '' : ` (it leads to ${real})`;
    throw new InputError(
      'working-directory',
      paths.workingDirectory,
      `It is outside the workspace ${workspace}${via}. Allowed: a folder inside GITHUB_WORKSPACE, after following symbolic links.`,
    );
  }
}

/** Refuses an output-dir that is a file, leads outside the workspace, or cannot be written. */
export function checkOutputDir(paths: WorkspacePaths): void {
  const workspace = fs.realpathSync(paths.workspace);
  const target = path.resolve(paths.workingDirectory, paths.outputDir);
  const refuse = (problem: string): never => {
    throw new InputError(
      'output-dir',
      paths.outputDir,
      `${problem}. Allowed: a folder (existing or not) inside the workspace that this job can write.`,
    );
  };
  const real = realPath(target, 'output-dir', paths.outputDir);
  if (!within(workspace, real)) refuse(`It leads to ${real}, outside the workspace ${workspace}`);
  const existing = nearestExisting(target);
  if (!fs.statSync(existing).isDirectory()) {
    refuse(
      existing === target
        ? `${target} is an existing file, not a folder`
        : `${existing} is a file, so ${target} cannot be created`,
    );
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (error) {
    refuse(
      `${existing === target ? target : `${existing} (where ${target} would be created)`} is not writable: ${errorMessage(error)}`,
    );
  }
}
