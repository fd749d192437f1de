// The one way this action runs a command to completion (go, git, docker): a command and an argument array through
// @actions/exec, never a shell; an environment without the action's secrets and file commands, marked so that the
// reaper can end whatever it leaves behind; bounded memory for the output, whatever the tool prints.
import { performance } from 'node:perf_hooks';
import * as exec from '@actions/exec';
import { TailBuffer } from '../tail.js';
import { childEnv, tracked } from './env.js';

/** Standard output kept whole for parsing (`go env`, `go list`) up to this size; the rest is cut. */
const MAX_STDOUT_BYTES = 16 * 1024 * 1024;

export interface CommandOptions {
  cwd?: string;
  /** Set on top of the runner's environment (minus the action's private variables). */
  env?: Record<string, string>;
  /** The environment to start from instead of process.env; it is filtered all the same. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Variables of the base environment to leave out (for instance inherited GOOS when a plan sets targets). */
  dropEnv?: readonly string[];
  /** Written to the command's standard input (a password for `--password-stdin`). */
  input?: Buffer;
  /** Print the command line and its output to the log as it runs; off by default. */
  echo?: boolean;
  /** How many of the first and last lines of the combined output are kept. */
  headLines?: number;
  tailLines?: number;
}

export interface CommandResult {
  /** -1 when the command could not be started at all. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The combined output's first and last lines. */
  output: TailBuffer;
  durationMs: number;
}

/** Runs `command args` to completion; never throws for a failing command (see exitCode). */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const base = { ...(options.baseEnv ?? process.env) };
  for (const key of options.dropEnv ?? []) delete base[key];
  const env = tracked(childEnv(base, options.env ?? {}));
  const output = new TailBuffer(options.tailLines ?? 200, options.headLines ?? 50);
  const stdout = new BoundedText(MAX_STDOUT_BYTES);
  const stderr = new BoundedText(64 * 1024);
  const started = performance.now();
  let exitCode: number;
  try {
    exitCode = await exec.exec(command, [...args], {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env,
      ...(options.input ? { input: options.input } : {}),
      silent: !options.echo,
      ignoreReturnCode: true,
      // After the exit, how long to wait for stdout/stderr to close: a left-behind child can hold them open for good
      // (the reaper ends it), and @actions/exec's default would add 10 s to every such command.
      delay: 2000,
      listeners: {
        stdout: (data) => {
          stdout.add(data);
          output.push(data, 'stdout');
        },
        stderr: (data) => {
          stderr.add(data);
          output.push(data, 'stderr');
        },
      },
    });
  } catch (error) {
    // @actions/exec throws only when the command cannot be found or started.
    output.push(`${(error as Error).message}\n`, 'stderr');
    stderr.add(Buffer.from((error as Error).message));
    exitCode = -1;
  }
  output.end();
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    output,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The start of a stream up to a byte limit, decoded once at the end. */
class BoundedText {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.limit) return;
    const part = chunk.subarray(0, this.limit - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
