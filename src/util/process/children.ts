// Long-running children (the app under test, `docker run`): each in its own process group, tracked until it is
// gone, so none outlives the action. Commands that run to completion go through run.ts instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { onTermination } from './reaper.js';
import { tracked } from './env.js';

const live = new Set<ChildProcess>();
let handlersInstalled = false;

const isWindows = process.platform === 'win32';

/** How a process ended: an exit code, a signal, or a failure to start at all. */
export type Ending =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; atMs: number }
  | { kind: 'spawn-error'; message: string; atMs: number };

export interface Started {
  child: ChildProcess;
  /** Resolves once, when the process has exited or failed to start. */
  ended: Promise<Ending>;
  /** Resolves when stdout and stderr are closed (or `ended` plus a grace period, if a leftover holds them). */
  drained: Promise<void>;
}

/**
 * Starts `command args` without a shell, in a new process group on POSIX (so the group can be killed at once),
 * and registers it until it has ended.
 */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void,
  options: { cwd?: string } = {},
): Started {
  installExitHandlers();
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: tracked(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !isWindows,
    windowsHide: true,
  });
  live.add(child);
  child.stdout.on('data', (chunk: Buffer) => onOutput(chunk, 'stdout'));
  child.stderr.on('data', (chunk: Buffer) => onOutput(chunk, 'stderr'));
  const startedAt = performance.now();
  const ended = new Promise<Ending>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ kind: 'exit', code, signal, atMs: performance.now() - startedAt });
    });
    child.once('error', (error) => {
      // 'error' without a pid means it never started; with a pid a later 'exit' still follows.
      if (child.pid === undefined) {
        live.delete(child);
        resolve({ kind: 'spawn-error', message: error.message, atMs: performance.now() - startedAt });
      }
    });
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const drained = Promise.race([closed, ended.then(() => delay(500))]);
  return { child, ended, drained };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asks a process to stop: SIGTERM on POSIX; on Windows `taskkill /t` (a close request), the nearest thing Node can
 * send there. Returns false when the request could not be delivered (gone already, or taskkill refused: console
 * programs without a window "can only be terminated forcefully").
 */
export async function requestStop(child: ChildProcess): Promise<boolean> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  if (!isWindows) {
    try {
      return child.kill('SIGTERM');
    } catch {
      return false;
    }
  }
  return new Promise<boolean>((resolve) => {
    const taskkill = spawn('taskkill', ['/pid', String(child.pid), '/t'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    taskkill.once('error', () => resolve(false));
    taskkill.once('exit', (code) => resolve(code === 0));
  });
}

/** Kills the process's whole group (or tree, on Windows) at once; leftovers of an exited process too. */
export function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (isWindows) {
    // Synchronous so that it also works from the 'exit' handler.
    spawnSync('taskkill', ['/pid', String(pid), '/t', '/f'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/** State letter and process group id from a /proc/<pid>/stat line (fields after the parenthesised name). */
export function parseStat(stat: string): { state: string; pgrp: number } | null {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(afterName[2]);
  return afterName[0] && Number.isInteger(pgrp) ? { state: afterName[0], pgrp } : null;
}

/** PIDs of the live (non-zombie) processes in process group `pgid`, from /proc (Linux only). */
export async function groupMembers(pgid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    let stat: ReturnType<typeof parseStat> = null;
    try {
      stat = parseStat(await fs.readFile(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      // Exited while we looked.
    }
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/**
 * Waits until nothing of process group `pgid` runs any more (SIGKILL is delivered asynchronously, and a killed
 * multi-threaded program takes a moment to go). Returns the PIDs still running when `timeoutMs` ran out.
 */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<number[]> {
  if (isWindows) return [];
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = await stillRunning(pgid);
    if (left.length === 0 || performance.now() >= deadline) return left;
    await delay(10);
  }
}

async function stillRunning(pgid: number): Promise<number[]> {
  try {
    process.kill(-pgid, 0);
  } catch {
    // ESRCH: the group is empty, the cheap and usual answer.
    return [];
  }
  // Something is left; on Linux, zombies (waiting for a parent that does not reap) do not count.
  return process.platform === 'linux' ? groupMembers(pgid) : [pgid];
}

/** Kills every process this module started and that may still run. Synchronous, safe to call any time. */
export function killAll(): void {
  for (const child of live) killGroup(child);
}

/** How many started processes have not been seen to exit yet. */
export function liveCount(): number {
  return live.size;
}

/** Kills our process groups when the action ends: on normal exit, and on SIGINT/SIGTERM (a cancelled workflow). */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  onTermination(() => {
    const groups = [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    killAll();
    // Let the kernel finish the kills before the action itself goes, bounded so a cancel stays quick.
    return Promise.all(groups.map((pgid) => waitGroupGone(pgid, 1000))).then(() => undefined);
  });
}
