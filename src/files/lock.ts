// One run at a time per output-dir: an exclusive lock file holding the holder's pid, host and start, so that two
// runs in one workspace cannot write a checksums file or an `artifacts` output describing each other's files. A
// lock whose process is gone (a run killed with SIGKILL) is taken over; a live one fails the step at once.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TRACKING_ID } from '../util/process/env.js';
import { LOCK_NAME } from './manifest.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken, ISO 8601. */
  started: string;
  /** The holder run's tracking id: what makes a lock file this run's own. */
  run: string;
  /** The holder process's start time as the kernel counts it (Linux), so that a reused pid is not taken for it. */
  processStart?: string;
}

export function formatLock(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/** The holder named in a lock file; null when the text is not a lock this action wrote. Pure. */
export function parseLock(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.started === 'string' &&
      typeof value.run === 'string'
    ) {
      return {
        pid: value.pid,
        host: value.host,
        started: value.started,
        run: value.run,
        ...(typeof value.processStart === 'string' ? { processStart: value.processStart } : {}),
      };
    }
  } catch {
    // Not JSON.
  }
  return null;
}

export type LockVerdict =
  /** Another run is alive and holds it. */
  | 'held'
  /** Its process is gone (or the file is no lock at all): take it over. */
  | 'stale'
  /** Held by a process on another host, whose liveness cannot be checked from here. */
  | 'foreign';

/** What to do about an existing lock file. `alive` answers for a pid on this host. Pure. */
export function lockVerdict(
  holder: LockHolder | null,
  host: string,
  alive: (pid: number, processStart?: string) => boolean,
): LockVerdict {
  if (!holder) return 'stale';
  if (holder.host !== host) return 'foreign';
  return alive(holder.pid, holder.processStart) ? 'held' : 'stale';
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux or when gone. */
export function processStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command (which may hold spaces and parentheses) start with the state, field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs on this host and is the process that took the lock (not a later one with its pid). */
export function processAlive(pid: number, processStart?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (processStart === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === processStart;
}

export class OutputDirLocked extends Error {
  constructor(
    readonly outputDir: string,
    readonly lockFile: string,
    holder: LockHolder | null,
    verdict: 'held' | 'foreign',
  ) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host}, since ${holder.started}`
      : 'a run whose lock cannot be read';
    const why =
      verdict === 'held'
        ? `another gin-release run (${who}) is using it`
        : `a gin-release run on another host (${who}) holds it, and whether it is still running cannot be checked from here`;
    super(
      `output-dir ${outputDir} is locked: ${why} (lock file ${lockFile}). Two runs writing one output-dir would ` +
        `mix their archives and checksums: give each run its own output-dir, or run them one after another` +
        (verdict === 'foreign' ? '; delete the lock file if no run is using it' : '') +
        '.',
    );
    this.name = 'OutputDirLocked';
  }
}

export interface HeldLock {
  file: string;
  holder: LockHolder;
  /** What was taken over, when the lock of a gone run was found. */
  tookOverFrom?: LockHolder | null;
}

function readLock(file: string): { holder: LockHolder | null; ino: bigint } | null {
  try {
    const stat = fs.lstatSync(file, { bigint: true });
    const text = stat.isFile() ? fs.readFileSync(file, 'utf8') : '';
    return { holder: parseLock(text), ino: stat.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Creates `file` with `text`, atomically: it appears complete or not at all. False when it exists already. */
function createExclusively(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, text, { flag: 'wx', mode: 0o644 });
  try {
    fs.chmodSync(temporary, 0o644);
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'EEXIST') return false;
    // A file system without hard links: an exclusive create. The file is empty for a moment, and a run that read
    // it just then would take it for stale; the hard link above has no such gap.
    if (errno === 'EPERM' || errno === 'ENOTSUP' || errno === 'EOPNOTSUPP' || errno === 'ENOSYS') {
      try {
        fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
        return true;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw inner;
      }
    }
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Removes a stale lock, but only the very file judged stale: it is renamed away first and compared by inode, so a
 * lock another run took in between is put back instead of removed.
 */
function removeStale(file: string, ino: bigint): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (fs.lstatSync(aside, { bigint: true }).ino !== ino) {
      try {
        fs.linkSync(aside, file);
      } catch {
        // A third run locked it meanwhile; the next attempt reads that one.
      }
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

const ATTEMPTS = 5;

/** Takes the lock of `outputDir` (which must exist) or throws OutputDirLocked. */
export function acquireLock(outputDir: string): HeldLock {
  const file = path.join(outputDir, LOCK_NAME);
  const host = os.hostname();
  const holder: LockHolder = {
    pid: process.pid,
    host,
    started: new Date().toISOString(),
    run: TRACKING_ID,
    ...(processStartTime(process.pid) !== undefined ? { processStart: processStartTime(process.pid)! } : {}),
  };
  let tookOverFrom: LockHolder | null | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (createExclusively(file, formatLock(holder))) {
      return { file, holder, ...(tookOverFrom !== undefined ? { tookOverFrom } : {}) };
    }
    const existing = readLock(file);
    if (!existing) continue;
    const verdict = lockVerdict(existing.holder, host, processAlive);
    if (verdict !== 'stale') throw new OutputDirLocked(outputDir, file, existing.holder, verdict);
    tookOverFrom = existing.holder;
    removeStale(file, existing.ino);
  }
  throw new Error(`Could not take the lock ${file} in ${ATTEMPTS} attempts: other runs keep taking it`);
}

/** Removes the lock if it is still this run's own (synchronous: it also runs on exit and on signals). */
export function releaseLock(lock: HeldLock): void {
  try {
    const existing = readLock(lock.file);
    if (existing?.holder?.run === lock.holder.run) fs.rmSync(lock.file, { force: true });
  } catch {
    // Gone already, or its folder was removed.
  }
}
