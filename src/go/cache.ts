// Go module cache and build cache through @actions/cache, keyed by runner, Go version, dependency files and the
// target set (setup-go's key ignores the targets, so a cache saved by a one-target test job starves a release job
// building six). Any cache problem is a warning: the build goes on without it. The service calls themselves run in
// the service worker (cache-service.ts, started through src/services/client.ts) with a deadline.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as glob from '@actions/glob';
import { runGo } from './command.js';
import { eventOf, runService, seconds, workerFailure, type ServiceRun } from '../services/client.js';
import type { Target } from '../types.js';
import { lastLines } from '../util/text.js';
import {
  restoreOutcome,
  saveOutcome,
  saveSkippedBecause,
  type CacheSummary,
  type WorkerReport,
} from './cache-outcome.js';

export type { CacheHit, CacheSaveOutcome, CacheSummary } from './cache-outcome.js';

/** Bump to start every user over with fresh caches (e.g. when the cached paths change). */
const KEY_PREFIX = 'gin-release-go-v1';

export interface CacheKeyParts {
  runnerOs: string;
  runnerArch: string;
  goVersion: string;
  /** Hash of the dependency files (go.sum by default). */
  depsHash: string;
  targets: Target[];
}

export interface CacheState {
  key: string;
  restoreKeys: string[];
  /** GOMODCACHE and GOCACHE; the same list must be given to save as to restore (it is part of the cache version). */
  paths: string[];
  /** The key restored from, when anything was. */
  matchedKey?: string;
  /** The deadline of the restore and, again, of the save (cache-timeout). */
  timeoutMs: number;
  summary: CacheSummary;
}

/** cache-timeout's default: a restore or save that takes longer is given up and the build goes on. */
export const DEFAULT_CACHE_TIMEOUT_MS = 60_000;

export interface RestoreOptions {
  goBinary: string;
  workingDirectory: string;
  /** Glob patterns relative to workingDirectory (the cache-dependency-path input). */
  dependencyPatterns: string[];
  goVersion: string;
  targets: Target[];
  /** The deadline of the restore and of the save; DEFAULT_CACHE_TIMEOUT_MS when not given. */
  timeoutMs?: number;
}

/** Short hash of a target set, independent of the order the targets were listed in. */
export function targetSetHash(targetIds: string[], length = 12): string {
  const sorted = [...new Set(targetIds)].sort();
  return createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, length);
}

function keyPart(value: string): string {
  // Commas separate keys in the cache API; whitespace only makes keys hard to read.
  return value
    .trim()
    .toLowerCase()
    .replace(/[,\s]+/g, '_');
}

/**
 * The exact key holds everything that decides what the build cache contains; the restore keys fall back to the
 * same dependencies with any target set, then to the same runner and Go with any dependencies. Pure.
 */
export function cacheKey(parts: CacheKeyParts): { key: string; restoreKeys: string[] } {
  const runner = `${KEY_PREFIX}-${keyPart(parts.runnerOs)}-${keyPart(parts.runnerArch)}-go${keyPart(parts.goVersion)}`;
  const withDeps = `${runner}-${parts.depsHash}`;
  return {
    key: `${withDeps}-t${targetSetHash(parts.targets.map((t) => t.id))}`,
    restoreKeys: [`${withDeps}-`, `${runner}-`],
  };
}

/** The patterns @actions/glob needs: absolute, relative ones taken from workingDirectory, `!` exclusions kept. Pure. */
export function dependencyGlobPatterns(workingDirectory: string, patterns: string[]): string[] {
  return patterns.map((pattern) => {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    const absolute = path.isAbsolute(body) ? body : path.join(workingDirectory, body);
    return negated ? `!${absolute}` : absolute;
  });
}

/** GOMODCACHE and GOCACHE from `go env GOMODCACHE GOCACHE` output (one value per line). Pure. */
export function parseGoEnvPaths(stdout: string): string[] {
  const lines = stdout.split('\n').map((line) => line.trim());
  const [modCache, buildCache] = lines;
  if (!modCache || !buildCache || buildCache === 'off') {
    throw new Error(`go env printed no usable GOMODCACHE and GOCACHE: ${JSON.stringify(stdout.trim())}`);
  }
  return [modCache, buildCache];
}

/** Hash over the matched files' paths (relative to workingDirectory) and contents, in a stable order. */
export async function hashDependencyFiles(
  workingDirectory: string,
  patterns: string[],
): Promise<{ hash: string; files: string[] }> {
  const globber = await glob.create(dependencyGlobPatterns(workingDirectory, patterns).join('\n'), {
    matchDirectories: false,
    implicitDescendants: false,
  });
  let files = (await globber.glob()).sort();
  if (files.length === 0) {
    const goMod = path.join(workingDirectory, 'go.mod');
    const fallback = fs.existsSync(goMod) ? [goMod] : [];
    core.warning(
      `cache-dependency-path matched no files (${patterns.join(', ') || 'no patterns'}) in ${workingDirectory}; ` +
        (fallback.length > 0
          ? 'the Go cache key uses go.mod instead.'
          : 'the Go cache key has no dependency part.'),
    );
    files = fallback;
  }
  const outer = createHash('sha256');
  for (const file of files) {
    const content = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    outer.update(`${path.relative(workingDirectory, file).split(path.sep).join('/')}\0${content}\n`);
  }
  return { hash: outer.digest('hex'), files };
}

function skipped(detail: string, timeoutMs: number): CacheState {
  return { key: '', restoreKeys: [], paths: [], timeoutMs, summary: { hit: 'skipped', detail } };
}

async function goCachePaths(goBinary: string, workingDirectory: string): Promise<string[]> {
  const result = await runGo(goBinary, ['env', 'GOMODCACHE', 'GOCACHE'], { cwd: workingDirectory });
  if (result.exitCode !== 0) {
    throw new Error(
      `go env GOMODCACHE GOCACHE exited with ${result.exitCode}: ${lastLines(result.stderr, 10)}`,
    );
  }
  return parseGoEnvPaths(result.stdout);
}

function isEmptyOrMissing(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

function workerReport(run: ServiceRun): WorkerReport {
  const { ending, events, annotations, tail } = run;
  return { ending, events, annotations, tail, failure: workerFailure(run) };
}

// What tar runs as while it extracts (with the compressor it pipes through).
const EXTRACTING = /^(tar|gtar|bsdtar|zstd|unzstd|gzip)$/;

/**
 * After a restore was killed at its deadline: a cache folder that was empty before and holds files now can only hold
 * a half-extracted archive, so it is emptied again (`go clean`, which copes with the read-only module cache); one
 * that held files before is left alone, with a warning when tar was seen extracting into it.
 */
async function undoPartialRestore(
  options: RestoreOptions,
  paths: string[],
  emptyBefore: boolean[],
  running: string[],
): Promise<void> {
  const extracting = running.some((command) => EXTRACTING.test(command));
  const flags = ['-modcache', '-cache'];
  for (const [index, dir] of paths.entries()) {
    if (emptyBefore[index] && !isEmptyOrMissing(dir)) {
      const result = await runGo(options.goBinary, ['clean', flags[index]!], {
        cwd: options.workingDirectory,
      });
      core.info(
        result.exitCode === 0
          ? `Go cache: removed the partly restored files from ${dir}.`
          : `Go cache: could not remove the partly restored files from ${dir}: ${lastLines(result.stderr, 5)}`,
      );
    } else if (!emptyBefore[index] && extracting) {
      core.warning(
        `Go cache: the timed-out restore was stopped while extracting into ${dir}, which held files before; if the build fails on a file there, clear it (go clean ${flags[index]}).`,
      );
    }
  }
}

/** Restores the module and build caches within the deadline; never throws. */
export async function restoreGoCache(options: RestoreOptions): Promise<CacheState> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CACHE_TIMEOUT_MS;
  if (!process.env['ACTIONS_RUNTIME_TOKEN']) {
    const reason = 'not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN or cache service URL)';
    core.notice(`Go cache skipped: ${reason}. The build runs without restored caches.`);
    return skipped(reason, timeoutMs);
  }
  let paths: string[];
  let key: string;
  let restoreKeys: string[];
  try {
    paths = await goCachePaths(options.goBinary, options.workingDirectory);
    const deps = await hashDependencyFiles(options.workingDirectory, options.dependencyPatterns);
    ({ key, restoreKeys } = cacheKey({
      runnerOs: process.env['RUNNER_OS'] || process.platform,
      runnerArch: process.env['RUNNER_ARCH'] || process.arch,
      goVersion: options.goVersion,
      depsHash: deps.hash,
      targets: options.targets,
    }));
    core.info(`Go cache paths: ${paths.join(', ')}`);
    core.info(
      `Go cache key: ${key} (dependency files: ${deps.files.map((f) => path.relative(options.workingDirectory, f)).join(', ') || 'none'})`,
    );
  } catch (error) {
    const message = `Go cache not restored: ${(error as Error).message}`;
    core.warning(message);
    return { key: '', restoreKeys: [], paths: [], timeoutMs, summary: { hit: 'error', detail: message } };
  }

  const emptyBefore = paths.map(isEmptyOrMissing);
  const run = await runService(
    { op: 'cache-restore', paths, key, restoreKeys },
    { timeoutMs, errorsAsWarnings: true },
  );
  const { summary, matchedKey } = restoreOutcome(workerReport(run), key, timeoutMs);
  const state: CacheState = {
    key,
    restoreKeys,
    paths,
    timeoutMs,
    summary,
    ...(matchedKey ? { matchedKey } : {}),
  };
  switch (summary.hit) {
    case 'timeout':
      core.warning(
        `Go cache restore did not finish within ${seconds(timeoutMs)} (cache-timeout) and was stopped; the build goes on without the cache, and none is saved this run.`,
      );
      await undoPartialRestore(options, paths, emptyBefore, run.running);
      break;
    case 'error':
      // The library warned already when it got that far; a worker that died did not.
      if (!eventOf(run, 'restored')) core.warning(`Go cache not restored: ${summary.detail}`);
      core.info('Go cache: the restore failed, so no cache is saved this run.');
      break;
    case 'skipped':
      core.notice(`Go cache skipped: ${summary.detail}. The build runs without restored caches.`);
      break;
    case 'miss':
      core.info(`Go cache: nothing saved yet for ${key} or its restore keys.`);
      break;
    default:
      core.info(
        summary.hit === 'exact'
          ? `Go cache restored from ${key}.`
          : `Go cache partly restored from ${matchedKey}.`,
      );
  }
  return state;
}

function withSave(state: CacheState, save: NonNullable<CacheSummary['save']>): CacheState {
  return { ...state, summary: { ...state.summary, save } };
}

/**
 * Saves the caches under the exact key unless they were restored from it, within the deadline; never throws.
 * Returns the state with the save's outcome in its summary.
 */
export async function saveGoCache(state: CacheState): Promise<CacheState> {
  if (state.summary.hit === 'skipped' || state.key === '') return state;
  const notSent = saveSkippedBecause(state.summary);
  if (notSent !== undefined) {
    core.info(`Go cache: not saved, ${notSent}.`);
    return withSave(state, { outcome: 'skipped', detail: notSent });
  }
  if (state.summary.hit === 'exact') {
    core.info(`Go cache: restored from the exact key ${state.key}, nothing new to save.`);
    return withSave(state, { outcome: 'not-needed' });
  }
  const mode = (process.env['ACTIONS_CACHE_MODE'] ?? '').trim().toLowerCase();
  if (mode === 'read' || mode === 'none') {
    core.info(`Go cache: not saved, this run's cache mode (${mode}) does not allow writes.`);
    return withSave(state, {
      outcome: 'skipped',
      detail: `this run's cache mode (${mode}) allows no writes`,
    });
  }
  if (!state.paths.some((p) => fs.existsSync(p))) {
    core.info(`Go cache: ${state.paths.join(' and ')} do not exist, nothing to save.`);
    return withSave(state, { outcome: 'skipped', detail: 'nothing to save' });
  }
  const run = await runService(
    { op: 'cache-save', paths: state.paths, key: state.key },
    { timeoutMs: state.timeoutMs, errorsAsWarnings: true },
  );
  const save = saveOutcome(workerReport(run), state.timeoutMs);
  if (save.outcome === 'saved') {
    core.info(`Go cache saved under ${state.key} (cache id ${eventOf(run, 'saved')?.cacheId}).`);
  } else if (save.outcome === 'timeout') {
    core.warning(
      `Go cache save did not finish within ${seconds(state.timeoutMs)} (cache-timeout) and was stopped; the next run builds without it.`,
    );
  } else if (save.outcome === 'failed') {
    core.warning(
      `Go cache was not saved under ${state.key} (${save.detail}); the next run builds without it.`,
    );
  }
  return withSave(state, save);
}
