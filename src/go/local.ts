// The Go this runner already has: the go on PATH and the copies in the runner tool cache; and the filing of a
// freshly downloaded Go into that cache once it proves to be the release it claims to be.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as core from '@actions/core';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { goBinaryIn, goEnv, reportedVersion } from './command.js';
import type { GoAtHand, GoSetup } from './types.js';
import {
  compareGoVersions,
  fromToolCacheVersion,
  type GoPlatform,
  type GoVersion,
  type GoVersionSpec,
  parseGoEnvVersion,
  satisfiesSpec,
  toolCacheVersion,
} from './version.js';

/** The tool cache's name for Go, as actions/setup-go files it. */
const TOOL = 'go';

interface RunnerGo {
  version: GoVersion | null;
  goroot: string;
  goBinary: string;
  goproxy: string;
  gosumdb: string;
}

/** The Go already on PATH and in the tool cache. The PATH probe runs at most once. */
export class LocalGo {
  private runner: Promise<RunnerGo | null> | undefined;

  constructor(private readonly platform: GoPlatform) {}

  private probeRunner(): Promise<RunnerGo | null> {
    this.runner ??= (async () => {
      const which = await io.which('go', false);
      if (!which) return null;
      // GOROOT cleared: a stale one from an earlier step must not hide where this go really lives.
      const names = ['GOVERSION', 'GOROOT', 'GOHOSTOS', 'GOHOSTARCH', 'GOPROXY', 'GOSUMDB'];
      const lines = await goEnv(which, names, { GOROOT: '' });
      if (!lines) return null;
      const [goversion = '', goroot = '', hostOs = '', hostArch = '', goproxy = '', gosumdb = ''] = lines;
      // A Go built for another platform (say amd64 under Rosetta) would build and run the wrong binaries.
      const samePlatform = hostOs === this.platform.goos && hostArch === this.platform.goarch;
      const inRoot = goBinaryIn(goroot);
      return {
        version: samePlatform ? parseGoEnvVersion(goversion) : null,
        goroot,
        goBinary: goroot && existsSync(inRoot) ? inRoot : which,
        goproxy,
        gosumdb,
      };
    })();
    return this.runner;
  }

  /** GOPROXY and GOSUMDB as the go command sees them (its go.env and `go env -w` included). */
  async goEnvDefaults(): Promise<{ goproxy: string; gosumdb: string }> {
    const runner = await this.probeRunner();
    return { goproxy: runner?.goproxy ?? '', gosumdb: runner?.gosumdb ?? '' };
  }

  /** Every Go at hand for this platform, newest first, without running the cached ones. */
  async inventory(): Promise<GoAtHand[]> {
    const runner = await this.probeRunner();
    const found: GoAtHand[] = runner?.version ? [{ version: runner.version, where: 'PATH' }] : [];
    for (const version of cachedVersions()) found.push({ version, where: 'tool cache' });
    return found.sort((a, b) => compareGoVersions(b.version, a.version));
  }

  async find(version: GoVersion): Promise<GoSetup | null> {
    const runner = await this.probeRunner();
    if (runner?.version && compareGoVersions(runner.version, version) === 0) {
      return this.fromRunner(runner, runner.version);
    }
    return this.fromToolCache(version);
  }

  /** The newest local Go that satisfies a line spec; the one on PATH when nothing cached is newer. */
  async findNewest(spec: GoVersionSpec): Promise<GoSetup | null> {
    const runner = await this.probeRunner();
    const cached = cachedVersions().filter((v) => satisfiesSpec(spec, v));
    const runnerMatches = runner?.version && satisfiesSpec(spec, runner.version) ? runner.version : null;
    if (runnerMatches && (cached.length === 0 || compareGoVersions(runnerMatches, cached[0]!) >= 0)) {
      return this.fromRunner(runner!, runnerMatches);
    }
    for (const version of cached) {
      const found = await this.fromToolCache(version);
      if (found) return found;
    }
    return runnerMatches ? this.fromRunner(runner!, runnerMatches) : null;
  }

  private fromRunner(runner: RunnerGo, version: GoVersion): GoSetup {
    return { version: version.text, goroot: runner.goroot, goBinary: runner.goBinary, source: 'runner' };
  }

  private async fromToolCache(version: GoVersion): Promise<GoSetup | null> {
    const goroot = tc.find(TOOL, toolCacheVersion(version), os.arch());
    if (!goroot) return null;
    const reported = await reportedVersion(goroot);
    if (!reported || compareGoVersions(reported, version) !== 0) {
      core.warning(
        `The tool cache entry ${goroot} reports ${reported?.text ?? 'no working go'} instead of ${version.text}; ignoring it.`,
      );
      return null;
    }
    return { version: version.text, goroot, goBinary: goBinaryIn(goroot), source: 'tool-cache' };
  }
}

/** The Go releases the tool cache holds for this machine's arch, newest first. */
function cachedVersions(): GoVersion[] {
  return tc
    .findAllVersions(TOOL, os.arch())
    .map(fromToolCacheVersion)
    .filter((v): v is GoVersion => v !== null)
    .sort((a, b) => compareGoVersions(b, a));
}

/** Checks an extracted tree really is that Go, then files it into the tool cache. */
export async function verifyAndCache(
  goroot: string,
  version: GoVersion,
  download: NonNullable<GoSetup['download']>,
): Promise<GoSetup> {
  const reported = await reportedVersion(goroot);
  if (!reported || compareGoVersions(reported, version) !== 0) {
    throw new Error(
      `The Go downloaded from ${download.url} reports ${reported ? `go${reported.text}` : 'no version (bin/go does not run)'} instead of go${version.text}.`,
    );
  }
  const cached = await tc.cacheDir(goroot, TOOL, toolCacheVersion(version), os.arch());
  return {
    version: version.text,
    goroot: cached,
    goBinary: goBinaryIn(cached),
    source: 'download',
    download,
  };
}
