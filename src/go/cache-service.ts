// The service worker's side of the Go caches: the @actions/cache calls themselves. They run in the worker process
// only (src/services/worker.ts), so the action can end a restore or save that hangs, with its tar child, whole.
import * as cache from '@actions/cache';
import type { ServiceEvent } from '../services/protocol.js';

type Report = (event: ServiceEvent) => void;

/** Restores `paths`; the library reports service and download failures as warnings itself and returns undefined. */
export async function restoreInWorker(
  paths: string[],
  key: string,
  restoreKeys: string[],
  report: Report,
): Promise<void> {
  if (!cache.isFeatureAvailable()) {
    report({ type: 'cache-unavailable' });
    return;
  }
  const matchedKey = await cache.restoreCache([...paths], key, restoreKeys);
  report({ type: 'restored', matchedKey: matchedKey ?? null });
}

/** Saves `paths` under `key`; -1 when the library gave up (it said why in its own messages). */
export async function saveInWorker(paths: string[], key: string, report: Report): Promise<void> {
  if (!cache.isFeatureAvailable()) {
    report({ type: 'cache-unavailable' });
    return;
  }
  const cacheId = await cache.saveCache([...paths], key);
  report({ type: 'saved', cacheId });
}
