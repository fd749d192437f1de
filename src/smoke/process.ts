// Started processes: each in its own process group, tracked until it is gone, so none outlives the action.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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
): Started {
  installExitHandlers();
  const child = spawn(command, args, {
    env,
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

/** Kills every process this module started and that may still run. Synchronous, safe to call any time. */
export function killAll(): void {
  for (const child of live) killGroup(child);
}

/** How many started processes have not been seen to exit yet. */
export function liveCount(): number {
  return live.size;
}

/**
 * Kills our children when the action ends: on normal exit, and on SIGINT/SIGTERM (a cancelled workflow). A signal
 * listener would stop Node's default "exit on signal", so after cleaning up, when no one else listens, the listener
 * re-raises the signal with the default behaviour back in place.
 */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}
