// What in a checkout makes a binary's bytes depend on the runner: files git converted to CRLF on checkout (a
// Windows runner with core.autocrlf), which `//go:embed` would put into the binary as they are on disk.
import * as core from '@actions/core';
import { runCommand } from '../util/process/run.js';

/** Files whose index copy has LF endings but whose checkout has CRLF, from `git ls-files --eol -z`. Pure. */
export function convertedFiles(lsFilesEol: string): string[] {
  const converted: string[] = [];
  for (const entry of lsFilesEol.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [index = '', worktree = ''] = entry.slice(0, tab).trim().split(/\s+/);
    if (index === 'i/lf' && (worktree === 'w/crlf' || worktree === 'w/mixed'))
      converted.push(entry.slice(tab + 1));
  }
  return converted.sort();
}

/** How many converted files a warning names. */
const NAMED = 5;

/** The warning for converted files; null when there are none. Pure. */
export function conversionWarning(files: readonly string[]): string | null {
  if (files.length === 0) return null;
  const named =
    files.slice(0, NAMED).join(', ') + (files.length > NAMED ? ` and ${files.length - NAMED} more` : '');
  return (
    `${files.length} file(s) were checked out with CRLF line endings although the commit has LF (${named}). ` +
    'Binaries that embed them (//go:embed) differ from a build on Linux or macOS. Add `* text=auto eol=lf` to ' +
    '.gitattributes, or run `git config --global core.autocrlf false` before actions/checkout.'
  );
}

/** The converted files of the checkout at `cwd`; none when git is missing or it is not a checkout. */
export async function findConvertedFiles(cwd: string): Promise<string[]> {
  const result = await runCommand('git', ['ls-files', '--eol', '-z', '--', '.'], { cwd });
  if (result.exitCode !== 0) {
    core.debug(`git ls-files --eol: exit code ${result.exitCode}`);
    return [];
  }
  return convertedFiles(result.stdout);
}
