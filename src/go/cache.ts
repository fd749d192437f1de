// Go module cache and build cache through @actions/cache, keyed by runner, Go version, dependency files and the
// target set (setup-go's key ignores the targets, so a cache saved by a one-target test job starves a release job
// building six). Any cache problem is a warning: the build goes on without it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { runCommand } from '../util/process/run.js';
import * as glob from '@actions/glob';
import type { Target } from '../types.js';
import { lastLines } from '../util/text.js';

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

export type CacheHit = 'exact' | 'partial' | 'miss' | 'skipped' | 'error';

export interface CacheState {
  key: string;
  restoreKeys: string[];
  /** GOMODCACHE and GOCACHE; the same list must be given to save as to restore (it is part of the cache version). */
  paths: string[];
  /** The key restored from, when anything was. */
  matchedKey?: string;
  /** For the job summary and the cache-hit output. */
  summary: { hit: CacheHit; key?: string; detail?: string };
}

export interface RestoreOptions {
  goBinary: string;
  workingDirectory: string;
  /** Glob patterns relative to workingDirectory (the cache-dependency-path input). */
  dependencyPatterns: string[];
  goVersion: string;
  targets: Target[];
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

/** Why the cache service cannot be reached from this process, or null when it can. */
function cacheUnavailableReason(): string | null {
  if (!process.env['ACTIONS_RUNTIME_TOKEN'] || !cache.isFeatureAvailable()) {
    return 'not running in GitHub Actions (no ACTIONS_RUNTIME_TOKEN or cache service URL)';
  }
  return null;
}

function skipped(detail: string): CacheState {
  return { key: '', restoreKeys: [], paths: [], summary: { hit: 'skipped', detail } };
}

async function goCachePaths(goBinary: string, workingDirectory: string): Promise<string[]> {
  const result = await runCommand(goBinary, ['env', 'GOMODCACHE', 'GOCACHE'], { cwd: workingDirectory });
  if (result.exitCode !== 0) {
    throw new Error(
      `go env GOMODCACHE GOCACHE exited with ${result.exitCode}: ${lastLines(result.stderr, 10)}`,
    );
  }
  return parseGoEnvPaths(result.stdout);
}

/** Restores the module and build caches; never throws. */
export async function restoreGoCache(options: RestoreOptions): Promise<CacheState> {
  const unavailable = cacheUnavailableReason();
  if (unavailable) {
    core.notice(`Go cache skipped: ${unavailable}. The build runs without restored caches.`);
    return skipped(unavailable);
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
    return { key: '', restoreKeys: [], paths: [], summary: { hit: 'error', detail: message } };
  }

  let matchedKey: string | undefined;
  try {
    // @actions/cache reports service and download failures as warnings itself and returns undefined.
    matchedKey = await cache.restoreCache([...paths], key, restoreKeys);
  } catch (error) {
    const message = `Go cache not restored: ${(error as Error).message}`;
    core.warning(message);
    return { key, restoreKeys, paths, summary: { hit: 'error', key, detail: message } };
  }

  if (matchedKey === undefined) {
    core.info(`Go cache: nothing saved yet for ${key} or its restore keys.`);
    return { key, restoreKeys, paths, summary: { hit: 'miss', key } };
  }
  const hit: CacheHit = matchedKey === key ? 'exact' : 'partial';
  core.info(
    hit === 'exact' ? `Go cache restored from ${key}.` : `Go cache partly restored from ${matchedKey}.`,
  );
  return {
    key,
    restoreKeys,
    paths,
    matchedKey,
    summary: { hit, key, ...(hit === 'partial' ? { detail: `restored from ${matchedKey}` } : {}) },
  };
}

/** Saves the caches under the exact key unless they were restored from it; never throws. */
export async function saveGoCache(state: CacheState): Promise<void> {
  if (state.summary.hit === 'skipped' || state.summary.hit === 'error' || state.key === '') return;
  if (state.summary.hit === 'exact') {
    core.info(`Go cache: restored from the exact key ${state.key}, nothing new to save.`);
    return;
  }
  const mode = (process.env['ACTIONS_CACHE_MODE'] ?? '').trim().toLowerCase();
  if (mode === 'read' || mode === 'none') {
    core.info(`Go cache: not saved, this run's cache mode (${mode}) does not allow writes.`);
    return;
  }
  if (!state.paths.some((p) => fs.existsSync(p))) {
    core.info(`Go cache: ${state.paths.join(' and ')} do not exist, nothing to save.`);
    return;
  }
  try {
    const cacheId = await cache.saveCache([...state.paths], state.key);
    if (cacheId === -1) {
      core.warning(
        `Go cache was not saved under ${state.key} (see the messages above); the next run builds without it.`,
      );
    } else {
      core.info(`Go cache saved under ${state.key} (cache id ${cacheId}).`);
    }
  } catch (error) {
    core.warning(`Go cache was not saved under ${state.key}: ${(error as Error).message}`);
  }
}
