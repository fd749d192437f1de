// What archive-files can never put into an archive, whatever its patterns say: anything in a `.git` folder (its
// config can hold the checkout's token: actions/checkout persists it there by default) and anything in output-dir
// (earlier archives, the binaries, the lock). Pure.
import * as path from 'node:path';
import { isInside } from '../util/paths.js';
import { LOCK_NAME, MANIFEST_NAME } from './manifest.js';

export type WithheldReason = 'git' | 'output-dir';

export interface WithholdRules {
  /** Absolute, as given and with links resolved. */
  workingDirectory: string;
  realWorkingDirectory: string;
  /** Absolute, as given and with links resolved. */
  outputDir: string;
  realOutputDir: string;
  /**
   * This run's own outputs (absolute): what is withheld when output-dir is working-directory itself, where "all of
   * output-dir" would be every file of the module.
   */
  ownFiles: ReadonlySet<string>;
}

function hasGitFolder(relative: string): boolean {
  // Windows and macOS file systems ignore case, so `.GIT` is the same folder there.
  return relative.split(/[\\/]/).some((part) => part.toLowerCase() === '.git');
}

/** Why a file that a pattern matched (`match`, and `real` with links resolved) is not archived; null to ship it. */
export function withheldReason(match: string, real: string, rules: WithholdRules): WithheldReason | null {
  if (
    hasGitFolder(path.relative(rules.workingDirectory, match)) ||
    hasGitFolder(path.relative(rules.realWorkingDirectory, real))
  ) {
    return 'git';
  }
  if (rules.outputDir === rules.workingDirectory) {
    const own = (file: string, dir: string): boolean =>
      rules.ownFiles.has(file) ||
      (path.dirname(file) === dir && [LOCK_NAME, MANIFEST_NAME].includes(path.basename(file)));
    return own(match, rules.outputDir) || own(real, rules.realOutputDir) ? 'output-dir' : null;
  }
  return isInside(rules.outputDir, match) || isInside(rules.realOutputDir, real) ? 'output-dir' : null;
}

/** The warning for files one pattern matched that were withheld; `files` relative to working-directory. Pure. */
export function withheldWarning(
  pattern: string,
  reason: WithheldReason,
  files: readonly string[],
  outputDirShown: string,
): string {
  const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, and ${files.length - 5} more` : '');
  const where =
    reason === 'git'
      ? 'in .git/, which is never archived: its config can hold the checkout token'
      : `in output-dir (${outputDirShown}), which is never archived: it holds the action's own outputs, earlier archives among them`;
  return `archive-files pattern "${pattern}" matched ${files.length} file(s) ${where}. Left out: ${shown}.`;
}
