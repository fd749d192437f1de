// The end of the step: whatever happens (a normal end, a failure, a cancelled workflow's SIGINT/SIGTERM), secrets
// written for the step are removed and no process this run started keeps running.
import * as fs from 'node:fs';
import { TRACKING_ID, TRACKING_VARIABLE } from './env.js';

type Cleanup = () => void;
type TerminationHandler = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
const terminationHandlers: TerminationHandler[] = [];
let installed = false;

/** How long a cancelled run waits for its children to go before it exits itself. */
const TERMINATION_GRACE_MS = 3000;

/**
 * Registers a synchronous cleanup (removing a credentials folder, say) that runs on exit and on SIGINT/SIGTERM;
 * returns the function that unregisters it once the caller cleaned up itself.
 */
export function registerCleanup(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Registers work for a cancelled run (ending process groups); it runs after the cleanups. */
export function onTermination(handler: TerminationHandler): void {
  install();
  terminationHandlers.push(handler);
}

/**
 * Installs the SIGINT/SIGTERM handling now, for the whole run: a cancel during `go build` or the image stage ends
 * every tracked child, not only once a stage registered a cleanup of its own.
 */
export function handleTermination(): void {
  install();
}

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // A cleanup that fails must not keep the others from running.
    }
  }
}

/**
 * A signal listener would stop Node's default "exit on signal", so after cleaning up, the listener re-raises the
 * signal with the default behaviour back in place.
 */
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runCleanups();
      const pending = terminationHandlers.map((handler) => Promise.resolve().then(handler));
      pending.push(endTrackedProcesses(1000).then(() => undefined));
      const deadline = new Promise((resolve) => setTimeout(resolve, TERMINATION_GRACE_MS).unref());
      void Promise.race([Promise.allSettled(pending), deadline]).finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
}

export interface TrackedProcess {
  pid: number;
  /** The program's name as the kernel knows it (comm). */
  command: string;
}

/** Whether NUL-separated `environ` text holds `name=value`. Pure. */
export function environHolds(environ: string, name: string, value: string): boolean {
  return environ.split('\0').includes(`${name}=${value}`);
}

/**
 * Live processes (not zombies) whose environment carries this run's tracking value (or `variable=trackingId`, for a
 * narrower mark such as one smoke test's). Linux only; [] elsewhere.
 */
export function trackedProcesses(
  trackingId: string = TRACKING_ID,
  variable: string = TRACKING_VARIABLE,
): TrackedProcess[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: TrackedProcess[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (!environHolds(fs.readFileSync(`/proc/${entry}/environ`, 'latin1'), variable, trackingId)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z') continue;
      found.push({ pid, command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

/**
 * Ends every process that carries this run's tracking value (SIGKILL: they had their chance to stop with their
 * group) and waits up to `timeoutMs` for them to go. Looks again after each round, because a process killed while
 * it forked (`go` starting a `compile`) leaves a new child behind. Returns everything that was found running.
 */
export async function endTrackedProcesses(
  timeoutMs: number,
  trackingId: string = TRACKING_ID,
  variable: string = TRACKING_VARIABLE,
): Promise<TrackedProcess[]> {
  const found = new Map<number, TrackedProcess>();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const alive = trackedProcesses(trackingId, variable);
    if (alive.length === 0) break;
    for (const tracked of alive) {
      if (!found.has(tracked.pid)) found.set(tracked.pid, tracked);
      try {
        process.kill(tracked.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (performance.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [...found.values()];
}
