// Runs one request in the service worker (dist/services.js) with a deadline. The worker is its own process group:
// at the deadline the whole group (the worker, its sockets, the tar and zstd it started) is killed, so a call to a
// service that hangs neither keeps the step alive nor goes on writing into GOMODCACHE, GOCACHE or an artifact after
// the action has moved on. Every call of @actions/cache and @actions/artifact goes through here.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as core from '@actions/core';
import { groupMembers, killGroup, startProcess, waitGroupGone } from '../util/process/children.js';
import { serviceEnv } from '../util/process/env.js';
import { TailBuffer } from '../util/tail.js';
import {
  parseAnnotationLine,
  parseEvents,
  type ServiceEvent,
  type ServiceRequest,
  type WorkflowAnnotation,
} from './protocol.js';

export interface ServiceRun {
  /** done: the worker ended by itself; timeout: it was killed at the deadline; not-started: it never ran. */
  ending: 'done' | 'timeout' | 'not-started';
  events: ServiceEvent[];
  /** The annotations the worker issued, as it issued them. */
  annotations: WorkflowAnnotation[];
  /** The worker's last plain log lines. */
  tail: string[];
  /** What still ran in the worker's process group at the deadline (Linux only): `tar` means it was extracting. */
  running: string[];
  exitCode: number | null;
  elapsedMs: number;
  /** Why the worker could not be started. */
  message?: string;
}

export interface ServiceOptions {
  timeoutMs: number;
  /** Re-issue the worker's error annotations as warnings: a cache problem never fails the build. */
  errorsAsWarnings?: boolean;
}

const here = fileURLToPath(import.meta.url);
/** How long a killed worker gets to be reaped before the action goes on regardless. */
const KILL_GRACE_MS = 5_000;

/**
 * node's arguments for the worker: the bundled dist/services.js next to dist/run.js, or, when the action runs from
 * its sources (vitest, the benchmarks), src/services/worker.ts through tsx.
 */
function workerArgs(): string[] {
  const dir = path.dirname(here);
  if (!here.endsWith('.ts')) return ['--enable-source-maps', path.join(dir, 'services.js')];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href, path.join(dir, 'worker.ts')];
}

/** The program names (comm) of the live members of a process group; [] off Linux or once the group is gone. */
async function groupCommands(pgid: number | undefined): Promise<string[]> {
  if (pgid === undefined || process.platform !== 'linux') return [];
  const names: string[] = [];
  for (const pid of await groupMembers(pgid)) {
    try {
      names.push(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      // Gone while we looked.
    }
  }
  return names;
}

function delay<T>(ms: number, value: T): { promise: Promise<T>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** A folder for the request and the report: under RUNNER_TEMP when the runner has one, else the system's. */
function exchangeDir(): string {
  const runnerTemp = process.env['RUNNER_TEMP'];
  if (runnerTemp) {
    try {
      return fs.mkdtempSync(path.join(runnerTemp, 'gin-release-service-'));
    } catch {
      // A RUNNER_TEMP that is gone or read-only; the system's temp folder does as well.
    }
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-service-'));
}

/** Performs `request` in the worker; never throws (see the events and the ending). */
export async function runService(request: ServiceRequest, options: ServiceOptions): Promise<ServiceRun> {
  const started = performance.now();
  let dir: string | undefined;
  try {
    dir = exchangeDir();
    return await runIn(dir, request, options, started);
  } catch (error) {
    // Only the files around the worker can fail here (a full disk): then it never ran.
    return {
      ending: 'not-started',
      events: [],
      annotations: [],
      tail: [],
      running: [],
      exitCode: null,
      elapsedMs: Math.round(performance.now() - started),
      message: (error as Error).message,
    };
  } finally {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runIn(
  dir: string,
  request: ServiceRequest,
  options: ServiceOptions,
  started: number,
): Promise<ServiceRun> {
  // The request goes in a file: an upload's file list can be longer than a command line may be on Windows.
  const requestFile = path.join(dir, 'request.json');
  const reportFile = path.join(dir, 'events.jsonl');
  fs.writeFileSync(requestFile, JSON.stringify(request));
  fs.writeFileSync(reportFile, '');
  const annotations: WorkflowAnnotation[] = [];
  const tail = new TailBuffer(20);
  const worker = startProcess(
    process.execPath,
    [...workerArgs(), requestFile, reportFile],
    serviceEnv(process.env),
    () => undefined,
  );
  // The worker's log is the step's log: plain lines pass through, annotations are issued again from here.
  if (worker.child.stdout) {
    readline.createInterface({ input: worker.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const annotation = parseAnnotationLine(line);
      if (annotation === null) {
        tail.push(`${line}\n`);
        process.stdout.write(`${line}\n`);
        return;
      }
      annotations.push(annotation);
      const level = options.errorsAsWarnings && annotation.level === 'error' ? 'warning' : annotation.level;
      core[level](annotation.message);
    });
  }
  if (worker.child.stderr) {
    readline.createInterface({ input: worker.child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      tail.push(`${line}\n`);
      process.stderr.write(`${line}\n`);
    });
  }

  const deadline = delay(options.timeoutMs, 'timeout' as const);
  const first = await Promise.race([worker.ended, deadline.promise]);
  deadline.cancel();
  let ending: ServiceRun['ending'] = 'done';
  let exitCode: number | null = null;
  let running: string[] = [];
  let message: string | undefined;
  if (first === 'timeout') {
    ending = 'timeout';
    running = await groupCommands(worker.child.pid);
    killGroup(worker.child);
    const grace = delay(KILL_GRACE_MS, undefined);
    await Promise.race([worker.ended, grace.promise]);
    grace.cancel();
    if (worker.child.pid !== undefined) await waitGroupGone(worker.child.pid, 2_000);
  } else if (first.kind === 'spawn-error') {
    ending = 'not-started';
    message = first.message;
  } else {
    exitCode = first.code;
  }
  await worker.drained;
  tail.end();
  return {
    ending,
    events: parseEvents(fs.readFileSync(reportFile, 'utf8')),
    annotations,
    tail: tail.lines(),
    running,
    exitCode,
    elapsedMs: Math.round(performance.now() - started),
    ...(message !== undefined ? { message } : {}),
  };
}

/** A deadline as the messages give it: `3 s`, `2.5 s`, `600 s` (the unit the *-timeout inputs are given in). */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The first event of a type, typed. */
export function eventOf<T extends ServiceEvent['type']>(
  run: ServiceRun,
  type: T,
): Extract<ServiceEvent, { type: T }> | undefined {
  return run.events.find((e): e is Extract<ServiceEvent, { type: T }> => e.type === type);
}

/** Why a worker ended without doing its work: its own error event, or how it ended. */
export function workerFailure(run: ServiceRun): string {
  const error = eventOf(run, 'error');
  if (error) return error.message;
  if (run.ending === 'not-started') return `the service worker could not be started: ${run.message ?? ''}`;
  const last = run.tail.at(-1);
  return `the service worker exited with code ${run.exitCode}${last ? `: ${last}` : ''}`;
}
