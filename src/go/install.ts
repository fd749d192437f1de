// Puts the requested Go on PATH: reuse the runner's Go or the tool cache (local.ts), otherwise download it from
// go.dev (source-godev.ts) or the module proxy (source-proxy.ts), verified and cached. Decisions come from the
// pure version.ts and version-file.ts; this file only orders the steps and exports what later steps need.
import { existsSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { errorMessage, InputError } from '../errors.js';
import { lastLines } from '../util/text.js';
import { downloadFailureAdvice, withAdvice } from './advice.js';
import { runGo } from './command.js';
import { LocalGo } from './local.js';
import { GoDevSource } from './source-godev.js';
import { ModuleProxySource } from './source-proxy.js';
import type { DownloadSource, GoSetup, GoSetupOptions } from './types.js';
import { readVersionRequest, refuseOlderThanModule } from './request.js';
import {
  describeSpec,
  type GoPlatform,
  type GoRelease,
  type GoVersionRequest,
  goPlatform,
  localMinimum,
  nearbyVersions,
  parseGoVersion,
  resolveRelease,
  specCeiling,
} from './version.js';

export type { GoSetup, GoSetupOptions } from './types.js';

/** Resolves the requested Go, installs it if needed, and puts it on PATH for this and later steps. */
export async function setupGo(options: GoSetupOptions): Promise<GoSetup> {
  ensureRunnerDirectories();
  const request = await readVersionRequest(options);
  const { spec } = request;
  // A release or minor line older than the module's go line is refused before anything is downloaded.
  const ceiling = specCeiling(spec);
  if (ceiling) refuseOlderThanModule(request, ceiling);
  const platform = goPlatform(process.platform, os.arch(), os.endianness());
  const setup = await core.group(`Set up Go ${describeSpec(spec)} (${request.origin})`, async () => {
    const found = await obtainGo(request, platform, options);
    const version = parseGoVersion(found.version);
    if (version) refuseOlderThanModule(request, version);
    activate(found);
    core.info(`Go ${found.version} from ${found.source}: ${found.goroot}`);
    return found;
  });
  await core.group('go env', () => printGoEnv(setup, options.workingDirectory));
  return setup;
}

/** @actions/tool-cache needs both folders; outside a runner (local runs) they default to the temp folder. */
function ensureRunnerDirectories(): void {
  for (const [name, folder] of [
    ['RUNNER_TOOL_CACHE', 'tool-cache'],
    ['RUNNER_TEMP', 'temp'],
  ] as const) {
    if (!process.env[name]) {
      const fallback = path.join(os.tmpdir(), 'gin-release', folder);
      mkdirSync(fallback, { recursive: true });
      process.env[name] = fallback;
      core.debug(`${name} is not set; using ${fallback}`);
    }
  }
}

async function obtainGo(
  request: GoVersionRequest,
  platform: GoPlatform,
  options: GoSetupOptions,
): Promise<GoSetup> {
  const { spec } = request;
  const local = new LocalGo(platform);
  // A go.mod line is a minimum, as the go command reads it: a Go at hand that is not older needs no network.
  const minimum = localMinimum(spec);
  if (minimum) {
    const found = await local.findNewest({ kind: 'line', major: minimum.major, minor: undefined, minimum });
    if (found) {
      core.info(
        `${request.origin} asks for at least Go ${minimum.text}; Go ${found.version} at hand satisfies it.`,
      );
      return found;
    }
  } else if (spec.kind === 'exact') {
    // An exact version needs no release list: a local copy wins without touching the network.
    const found = await local.find(spec.version);
    if (found) return found;
  }
  const source: DownloadSource =
    options.downloadSource === 'module-proxy'
      ? new ModuleProxySource(platform, options, await local.goEnvDefaults())
      : new GoDevSource(platform, options);
  try {
    return await download(request, platform, local, source);
  } catch (error) {
    // A release that does not exist is the input's fault and already says so; anything else failed on the way.
    if (error instanceof InputError) throw error;
    const advice = downloadFailureAdvice(options.downloadSource, await local.inventory(), request.requires);
    throw new Error(withAdvice(errorMessage(error), advice), { cause: error });
  }
}

async function download(
  request: GoVersionRequest,
  platform: GoPlatform,
  local: LocalGo,
  source: DownloadSource,
): Promise<GoSetup> {
  const { spec } = request;
  let releases: GoRelease[];
  try {
    releases = await source.listReleases();
  } catch (error) {
    const why = errorMessage(error);
    const fallback = spec.kind === 'line' ? await local.findNewest(spec) : null;
    if (fallback) {
      const where = fallback.source === 'runner' ? 'already on PATH' : 'from the tool cache';
      core.warning(
        `Could not learn the newest Go ${describeSpec(spec)} (${why}); using Go ${fallback.version} ${where}, ` +
          'which matches but may not be the newest patch release.',
      );
      return fallback;
    }
    if (spec.kind === 'exact' && source.installsWithoutList) {
      core.warning(
        `Could not list Go releases (${why}); trying to download Go ${spec.version.text} directly.`,
      );
      return source.install(spec.version);
    }
    throw error;
  }

  const release = resolveRelease(spec, releases);
  if (!release) {
    const asked =
      request.input === 'go-version'
        ? `Go ${describeSpec(spec)}`
        : `${request.origin} asks for Go ${describeSpec(spec)}, which`;
    const nearby = nearbyVersions(spec, releases);
    throw new InputError(
      request.input,
      request.value,
      `${asked} is not a release listed at ${source.listUrl} for ${platform.goos}/${platform.goarch}. ` +
        (nearby.length > 0 ? `Nearby releases: ${nearby.join(', ')}.` : 'That list is empty.'),
    );
  }
  if (spec.kind !== 'exact') {
    core.info(`Go ${describeSpec(spec)} is ${release.version.text}`);
    const found = await local.find(release.version);
    if (found) return found;
  }
  return source.install(release.version);
}

/** Exports what later steps need: PATH, GOTOOLCHAIN=local, GOROOT only when a stale one is set, the matcher. */
function activate(setup: GoSetup): void {
  if (setup.source !== 'runner') core.addPath(path.join(setup.goroot, 'bin'));
  const staleGoroot = process.env['GOROOT'];
  if (staleGoroot && path.resolve(staleGoroot) !== path.resolve(setup.goroot)) {
    // A GOROOT left by an earlier step would make this go command use another Go's standard library.
    core.info(`GOROOT was ${staleGoroot}; setting it to ${setup.goroot}`);
    core.exportVariable('GOROOT', setup.goroot);
  }
  // Without it a go.mod toolchain line could make go download another toolchain behind our back.
  core.exportVariable('GOTOOLCHAIN', 'local');
  const matcher = findMatcherFile();
  if (matcher) {
    core.info(`::add-matcher::${matcher}`);
  } else {
    core.warning(
      'The Go problem matcher (matchers/go.json) was not found; compiler errors will not be annotated.',
    );
  }
}

/** matchers/go.json at the action's root, found from dist/ as well as from src/go/ (tests, tsx). */
function findMatcherFile(): string | undefined {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const candidate = path.join(folder, 'matchers', 'go.json');
    if (existsSync(candidate)) return candidate;
    folder = path.dirname(folder);
  }
  return undefined;
}

async function printGoEnv(setup: GoSetup, workingDirectory: string): Promise<void> {
  const cwd = existsSync(workingDirectory) ? workingDirectory : os.tmpdir();
  const result = await runGo(setup.goBinary, ['env'], { cwd, env: { GOROOT: setup.goroot }, echo: true });
  if (result.exitCode !== 0) {
    // Typically go.mod asking for a newer Go than the one chosen; the build would fail the same way.
    core.warning(
      `\`go env\` in ${cwd} failed with exit code ${result.exitCode}:\n${lastLines(result.stderr, 10)}`,
    );
  }
}
