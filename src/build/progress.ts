// What the build stage says while it works: one line when it starts (targets, how many at once, warm or cold
// caches) and a heartbeat while builds run, so a cold first run is never minutes of silence. Lines are pure; the
// timer is unref'd and stopped when the stage ends, so it can neither keep the process alive nor outlive the stage.
import { formatDuration } from '../summary.js';
import type { CacheHit } from '../go/cache-outcome.js';

/** Heartbeat period: often enough to show progress, rarely enough not to flood the log. */
export const HEARTBEAT_MS = 30_000;

/** The first line of the build stage. Pure. */
export function buildStartLine(targets: readonly string[], parallelism: number, cache: string): string {
  const atOnce = Math.min(Math.max(1, parallelism), targets.length);
  return `Building ${targets.length} target(s), ${atOnce} at a time, ${cache}: ${targets.join(', ')}`;
}

/** One heartbeat: the builds still running and for how long, and how far the stage is. Pure. */
export function heartbeatLine(
  running: ReadonlyArray<{ id: string; ms: number }>,
  finished: number,
  total: number,
): string {
  const list = running.map((r) => `${r.id} (${formatDuration(r.ms)})`).join(', ');
  const waiting = total - finished - running.length;
  return `Still building ${list}; ${finished} of ${total} done${waiting > 0 ? `, ${waiting} waiting` : ''}.`;
}

/** How the Go caches stand when the build starts, for the start line. Pure. */
export function cacheStatus(hit: CacheHit | 'off'): string {
  switch (hit) {
    case 'exact':
      return 'Go caches restored (exact key)';
    case 'partial':
      return 'Go caches partly restored (restore key)';
    case 'miss':
      return 'cold: no Go cache saved yet for this key';
    case 'skipped':
      return 'cold: Go cache skipped';
    case 'error':
      return 'cold: Go cache could not be restored';
    case 'timeout':
      return 'cold: the Go cache restore timed out';
    case 'off':
      return 'cold: cache: false';
  }
}

/** Tracks running builds and prints a heartbeat every `intervalMs` until stopped. */
export class BuildProgress {
  private readonly running = new Map<string, number>();
  private finished = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly total: number,
    private readonly log: (line: string) => void,
    intervalMs: number = HEARTBEAT_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs);
    this.timer.unref();
  }

  started(id: string): void {
    this.running.set(id, this.now());
  }

  done(id: string): void {
    this.running.delete(id);
    this.finished++;
  }

  private beat(): void {
    if (this.running.size === 0) return;
    const at = this.now();
    this.log(
      heartbeatLine(
        [...this.running].map(([id, since]) => ({ id, ms: at - since })),
        this.finished,
        this.total,
      ),
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
