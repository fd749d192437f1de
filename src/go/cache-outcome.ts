// What a cache restore or save in the service worker came to, decided from what the worker reported. Pure, so each
// way a cache service can behave (answers, misses, refuses, fails, hangs) is table-tested.
import { seconds } from '../services/client.js';
import type { ServiceEvent, WorkflowAnnotation } from '../services/protocol.js';

/** How the restore went: `error` is a service that refused or failed it, `timeout` one that did not finish in time. */
export type CacheHit = 'exact' | 'partial' | 'miss' | 'skipped' | 'error' | 'timeout';
/** How the save went; `not-needed` after an exact hit. */
export type CacheSaveOutcome = 'saved' | 'not-needed' | 'skipped' | 'failed' | 'timeout';

/** What the job summary and the cache-hit output say about the caches. */
export interface CacheSummary {
  hit: CacheHit;
  key?: string;
  detail?: string;
  /** Set once the save was tried or decided against. */
  save?: { outcome: CacheSaveOutcome; detail?: string };
}

/** What the worker's run came to, as far as these decisions need it. */
export interface WorkerReport {
  ending: 'done' | 'timeout' | 'not-started';
  events: ServiceEvent[];
  annotations: WorkflowAnnotation[];
  /** The worker's last plain log lines. */
  tail: string[];
  /** Why it failed, when it reported no result (its error event, or how it exited). */
  failure: string;
}

/** The library's own account of a failure: its first warning or error, else its last "Failed to …" line. */
function libraryReason(report: WorkerReport): string | undefined {
  const annotation = report.annotations.find((a) => a.level !== 'notice');
  if (annotation) return annotation.message;
  return [...report.tail].reverse().find((line) => /^Failed to (save|restore)\b/.test(line));
}

export function restoreOutcome(
  report: WorkerReport,
  key: string,
  timeoutMs: number,
): { summary: CacheSummary; matchedKey?: string } {
  if (report.ending === 'timeout') {
    return {
      summary: { hit: 'timeout', key, detail: `gave up after ${seconds(timeoutMs)} (cache-timeout)` },
    };
  }
  if (report.events.some((e) => e.type === 'cache-unavailable')) {
    return { summary: { hit: 'skipped', detail: 'no cache service URL in this run' } };
  }
  const restored = report.events.find((e) => e.type === 'restored');
  if (!restored) return { summary: { hit: 'error', key, detail: report.failure } };
  if (restored.matchedKey !== null) {
    const hit = restored.matchedKey === key ? 'exact' : 'partial';
    return {
      matchedKey: restored.matchedKey,
      summary: { hit, key, ...(hit === 'partial' ? { detail: `restored from ${restored.matchedKey}` } : {}) },
    };
  }
  // @actions/cache answers a failed restore like a miss, after a warning of its own: the warning tells them apart.
  const reason = libraryReason(report);
  return { summary: reason === undefined ? { hit: 'miss', key } : { hit: 'error', key, detail: reason } };
}

export function saveOutcome(report: WorkerReport, timeoutMs: number): NonNullable<CacheSummary['save']> {
  if (report.ending === 'timeout') {
    return { outcome: 'timeout', detail: `gave up after ${seconds(timeoutMs)} (cache-timeout)` };
  }
  if (report.events.some((e) => e.type === 'cache-unavailable')) {
    return { outcome: 'skipped', detail: 'no cache service URL in this run' };
  }
  const saved = report.events.find((e) => e.type === 'saved');
  if (!saved) return { outcome: 'failed', detail: report.failure };
  if (saved.cacheId === -1) {
    return { outcome: 'failed', detail: libraryReason(report) ?? 'the cache library gave up (see the log)' };
  }
  return { outcome: 'saved' };
}

/** Why a restore that did not work rules out the save: a service that refused or hung is not sent gigabytes. */
export function saveSkippedBecause(summary: CacheSummary): string | undefined {
  if (summary.hit === 'error') return 'the restore failed, so the cache service is not sent a save';
  if (summary.hit === 'timeout') return 'the restore timed out, so the cache service is not sent a save';
  return undefined;
}
