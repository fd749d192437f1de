// Our own go invocations while choosing a toolchain (`go env`), through the one process runner, always with
// GOTOOLCHAIN=local so that no go.mod toolchain line makes go fetch another toolchain behind our back.
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { lastLines } from '../util/text.js';
import { type CommandResult, runCommand } from '../util/process/run.js';
import { type GoVersion, parseGoEnvVersion } from './version.js';

const EXE = process.platform === 'win32' ? '.exe' : '';

/** The go command of a GOROOT. */
export function goBinaryIn(goroot: string): string {
  return path.join(goroot, 'bin', `go${EXE}`);
}

/** Runs the go command with GOTOOLCHAIN=local on top of the filtered environment, plus `env`. */
export function runGo(
  goBinary: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; echo?: boolean } = {},
): Promise<CommandResult> {
  return runCommand(goBinary, args, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: { GOTOOLCHAIN: 'local', ...options.env },
    ...(options.echo ? { echo: true } : {}),
  });
}

/** `go env NAME...` outside any module, one value per name; null when the command cannot run. */
export async function goEnv(
  goBinary: string,
  names: readonly string[],
  env: Record<string, string> = {},
): Promise<string[] | null> {
  const result = await runGo(goBinary, ['env', ...names], {
    cwd: process.env['RUNNER_TEMP'] ?? os.tmpdir(),
    env,
  });
  if (result.exitCode !== 0) {
    core.debug(`${goBinary} env failed (exit code ${result.exitCode}): ${lastLines(result.stderr, 5)}`);
    return null;
  }
  return result.stdout.split(/\r?\n/);
}

/** The version a Go installation reports about itself, with GOROOT pinned to where it lives. */
export async function reportedVersion(goroot: string): Promise<GoVersion | null> {
  const lines = await goEnv(goBinaryIn(goroot), ['GOVERSION'], { GOROOT: goroot });
  return lines ? parseGoEnvVersion(lines[0] ?? '') : null;
}
