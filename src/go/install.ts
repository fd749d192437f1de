// Puts the requested Go on PATH: reuse the runner's Go or the tool cache, otherwise download it from go.dev
// or the module proxy, verify it, extract and cache it. Decisions come from version.ts and modproxy.ts.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import { HttpClient } from '@actions/http-client';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { InputError } from '../errors.js';
import type { GoSource } from '../types.js';
import { lastLines } from '../util/text.js';
import {
  fallsThrough,
  findModuleHash,
  hashZip,
  moduleZipProblem,
  parseGoProxy,
  parseGoSumDb,
  parseToolchainList,
  type ProxyEntry,
  TOOLCHAIN_MODULE,
  toolchainModuleVersion,
  toolchainZipPrefix,
} from './modproxy.js';
import {
  compareGoVersions,
  describeSpec,
  findArchive,
  fromToolCacheVersion,
  type GoIndexRelease,
  type GoPlatform,
  type GoRelease,
  type GoVersion,
  type GoVersionRequest,
  type GoVersionSpec,
  goPlatform,
  nearbyVersions,
  parseGoEnvVersion,
  parseGoIndex,
  parseVersionFile,
  parseVersionInput,
  resolveRelease,
  satisfiesSpec,
  toolCacheVersion,
} from './version.js';

export interface GoSetupOptions {
  workingDirectory: string;
  goVersion: string;
  goVersionFile: string;
  downloadSource: 'go.dev' | 'module-proxy';
  downloadBaseUrl: string;
  skipChecksum: boolean;
}

export interface GoSetup {
  /** Go's spelling without the prefix: `1.26.8`. */
  version: string;
  goroot: string;
  /** Absolute path of the go command. */
  goBinary: string;
  source: GoSource;
  /** Only for source `download`: what was fetched and what it was verified against. */
  download?: { url: string; bytes: number; checksum: string };
}

const TOOL = 'go';
const EXE = process.platform === 'win32' ? '.exe' : '';
const USER_AGENT = 'gin-release';

/** Resolves the requested Go, installs it if needed, and puts it on PATH for this and later steps. */
export async function setupGo(options: GoSetupOptions): Promise<GoSetup> {
  ensureRunnerDirectories();
  const request = await readVersionRequest(options);
  const platform = goPlatform(process.platform, os.arch(), os.endianness());
  const setup = await core.group(`Set up Go ${describeSpec(request.spec)} (${request.origin})`, async () => {
    const found = await obtainGo(request, platform, options);
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

/** Which input decides the version: go-version, then go-version-file, then go.mod if present, else stable. */
async function readVersionRequest(options: GoSetupOptions): Promise<GoVersionRequest> {
  if (options.goVersion) {
    if (options.goVersionFile) {
      core.warning(`Both go-version and go-version-file are set; using go-version (${options.goVersion}).`);
    }
    const spec = parseVersionInput(options.goVersion);
    return { spec, input: 'go-version', value: options.goVersion, origin: 'go-version input' };
  }
  const explicit = options.goVersionFile !== '';
  const file = path.resolve(options.workingDirectory, explicit ? options.goVersionFile : 'go.mod');
  if (!explicit && !existsSync(file)) {
    return {
      spec: { kind: 'stable' },
      input: 'go-version',
      value: '',
      origin: 'no go.mod, so the newest stable',
    };
  }
  const value = explicit ? options.goVersionFile : 'go.mod';
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'go-version-file',
      value,
      `It cannot be read at ${file}: ${(error as Error).message}. It is relative to working-directory; ` +
        'allowed: go.mod, go.work, .go-version or .tool-versions.',
    );
  }
  const { spec, origin } = parseVersionFile(value, file, content);
  return { spec, input: 'go-version-file', value, origin };
}

async function obtainGo(
  request: GoVersionRequest,
  platform: GoPlatform,
  options: GoSetupOptions,
): Promise<GoSetup> {
  const { spec } = request;
  const local = new LocalGo(platform);
  // An exact version needs no release list: a local copy wins without touching the network.
  if (spec.kind === 'exact') {
    const found = await local.find(spec.version);
    if (found) return found;
  }
  if (spec.kind === 'line' && spec.orNewer && spec.minimum) {
    const found = await local.findNewest({
      kind: 'line',
      major: spec.major,
      minor: undefined,
      minimum: spec.minimum,
    });
    if (found) {
      core.info(
        `${request.origin} asks for at least Go ${spec.minimum.text}; Go ${found.version} at hand satisfies it.`,
      );
      return found;
    }
  }
  const source: DownloadSource =
    options.downloadSource === 'module-proxy'
      ? new ModuleProxySource(platform, options, await local.goEnvDefaults())
      : new GoDevSource(platform, options);

  let releases: GoRelease[];
  try {
    releases = await source.listReleases();
  } catch (error) {
    const why = (error as Error).message;
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
  const result = await exec.getExecOutput(setup.goBinary, ['env'], {
    cwd,
    env: goCommandEnv({ GOROOT: setup.goroot }),
    ignoreReturnCode: true,
  });
  if (result.exitCode !== 0) {
    // Typically go.mod asking for a newer Go than the one chosen; the build would fail the same way.
    core.warning(
      `\`go env\` in ${cwd} failed with exit code ${result.exitCode}:\n${lastLines(result.stderr, 10)}`,
    );
  }
}

/** The environment for our own go invocations: never let them switch toolchains. */
function goCommandEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, GOTOOLCHAIN: 'local', ...extra };
}

/** Runs `go env NAME...` outside any module; null when the command cannot run. */
async function goEnv(
  goBinary: string,
  names: string[],
  extraEnv: Record<string, string> = {},
): Promise<string[] | null> {
  try {
    const result = await exec.getExecOutput(goBinary, ['env', ...names], {
      cwd: process.env['RUNNER_TEMP'] ?? os.tmpdir(),
      env: goCommandEnv(extraEnv),
      silent: true,
      ignoreReturnCode: true,
    });
    if (result.exitCode !== 0) {
      core.debug(`${goBinary} env failed: ${lastLines(result.stderr, 5)}`);
      return null;
    }
    return result.stdout.split(/\r?\n/);
  } catch (error) {
    core.debug(`${goBinary} could not run: ${(error as Error).message}`);
    return null;
  }
}

/** The version a Go installation reports about itself, with GOROOT pinned to where it lives. */
async function reportedVersion(goroot: string): Promise<GoVersion | null> {
  const lines = await goEnv(path.join(goroot, 'bin', `go${EXE}`), ['GOVERSION'], { GOROOT: goroot });
  return lines ? parseGoEnvVersion(lines[0] ?? '') : null;
}

interface RunnerGo {
  version: GoVersion | null;
  goroot: string;
  goBinary: string;
  goproxy: string;
  gosumdb: string;
}

/** The Go already on PATH and in the tool cache. The PATH probe runs at most once. */
class LocalGo {
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
      const inRoot = path.join(goroot, 'bin', `go${EXE}`);
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

  async find(version: GoVersion): Promise<GoSetup | null> {
    const runner = await this.probeRunner();
    if (runner?.version && compareGoVersions(runner.version, version) === 0) {
      return this.fromRunner(runner, runner.version);
    }
    return this.fromToolCache(version);
  }

  /** The newest local Go that satisfies a line spec: used only when the release list cannot be fetched. */
  async findNewest(spec: GoVersionSpec): Promise<GoSetup | null> {
    const runner = await this.probeRunner();
    const cached = tc
      .findAllVersions(TOOL, os.arch())
      .map(fromToolCacheVersion)
      .filter((v): v is GoVersion => v !== null && satisfiesSpec(spec, v))
      .sort((a, b) => compareGoVersions(b, a));
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
    return {
      version: version.text,
      goroot,
      goBinary: path.join(goroot, 'bin', `go${EXE}`),
      source: 'tool-cache',
    };
  }
}

/** An HTTP answer other than 200, with the URL it came from. */
class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${url} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

async function fetchText(url: string): Promise<string> {
  const client = new HttpClient(USER_AGENT, [], { allowRetries: true, maxRetries: 3, socketTimeout: 60_000 });
  try {
    const response = await client.get(url).catch((error: unknown) => {
      throw new Error(`${url} could not be fetched: ${(error as Error).message}`);
    });
    const body = await response.readBody();
    const status = response.message.statusCode ?? 0;
    if (status !== 200) throw new HttpStatusError(url, status, lastLines(body, 3).slice(0, 300));
    return body;
  } finally {
    client.dispose();
  }
}

/** tc.downloadTool (which retries 5xx and broken transfers) with errors that name the URL and status. */
async function downloadFile(url: string): Promise<string> {
  try {
    return await tc.downloadTool(url);
  } catch (error) {
    if (error instanceof tc.HTTPError) {
      throw new HttpStatusError(
        url,
        error.httpStatusCode ?? 0,
        error.httpStatusCode === 404 ? 'not found' : '',
      );
    }
    const message = (error as Error).message;
    // Node's word for a response whose connection closed before Content-Length bytes arrived.
    const why =
      message === 'aborted' ? 'the connection closed before the whole file arrived (aborted)' : message;
    throw new Error(`Download of ${url} failed after retries: ${why}`);
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface DownloadSource {
  /** Where the release list comes from, for messages. */
  readonly listUrl: string;
  /** Whether an exact version can be installed when the list cannot be fetched. */
  readonly installsWithoutList: boolean;
  listReleases(): Promise<GoRelease[]>;
  install(version: GoVersion): Promise<GoSetup>;
}

/** Checks the extracted tree really is that Go, then files it into the tool cache. */
async function verifyAndCache(
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
    goBinary: path.join(cached, 'bin', `go${EXE}`),
    source: 'download',
    download,
  };
}

/** go.dev (or a mirror of it): the JSON index lists every file with its size and sha256. */
class GoDevSource implements DownloadSource {
  readonly listUrl: string;
  readonly installsWithoutList = false;
  private index: GoIndexRelease[] = [];

  constructor(
    private readonly platform: GoPlatform,
    private readonly options: GoSetupOptions,
  ) {
    this.listUrl = `${options.downloadBaseUrl.replace(/\/+$/, '')}/?mode=json&include=all`;
  }

  async listReleases(): Promise<GoRelease[]> {
    const text = await fetchText(this.listUrl);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.listUrl} is not JSON: ${(error as Error).message}`);
    }
    try {
      this.index = parseGoIndex(json);
    } catch (error) {
      throw new Error(`${this.listUrl}: ${(error as Error).message}`);
    }
    // Only releases that have an archive for this platform count as existing here.
    return this.index.filter((release) => findArchive(release, this.platform) !== undefined);
  }

  async install(version: GoVersion): Promise<GoSetup> {
    const release = this.index.find((r) => compareGoVersions(r.version, version) === 0);
    const file = release && findArchive(release, this.platform);
    if (!file)
      throw new Error(
        `${this.listUrl} lists no ${this.platform.goos}-${this.platform.indexArch} archive of Go ${version.text}.`,
      );
    if (!file.sha256 && !this.options.skipChecksum) {
      throw new Error(
        `${this.listUrl} publishes no sha256 for ${file.filename}, so it cannot be verified. ` +
          'Set go-skip-checksum: true to accept it unverified.',
      );
    }
    const url = `${this.options.downloadBaseUrl.replace(/\/+$/, '')}/${file.filename}`;
    core.info(`Downloading ${url}${file.size ? ` (${megabytes(file.size)})` : ''}`);
    const archive = await downloadFile(url);
    let extracted: string | undefined;
    try {
      const bytes = (await fs.stat(archive)).size;
      if (file.size > 0 && bytes !== file.size) {
        throw new Error(
          `Download of ${url} is truncated or damaged: the index says ${file.size} bytes, got ${bytes}.`,
        );
      }
      const actual = await sha256File(archive);
      if (!file.sha256) {
        core.warning(
          `${file.filename} has no published sha256; using it unverified (go-skip-checksum). Its sha256 is ${actual}.`,
        );
      } else if (actual !== file.sha256) {
        throw new Error(`Checksum mismatch for ${file.filename}: expected ${file.sha256}, got ${actual}`);
      } else {
        core.info(`sha256 ${actual} matches the index`);
      }
      try {
        extracted = file.filename.endsWith('.zip')
          ? await tc.extractZip(archive)
          : await tc.extractTar(archive);
      } catch (error) {
        throw new Error(
          `${file.filename} from ${url} does not extract (damaged archive?): ${(error as Error).message}`,
        );
      }
      return await verifyAndCache(path.join(extracted, 'go'), version, {
        url,
        bytes,
        checksum: file.sha256 ? `sha256:${actual}` : '',
      });
    } finally {
      await io.rmRF(archive);
      if (extracted) await io.rmRF(extracted);
    }
  }
}

/** The golang.org/toolchain module from GOPROXY, checked against its h1 hash from go.sum or the checksum database. */
class ModuleProxySource implements DownloadSource {
  readonly listUrl: string;
  readonly installsWithoutList = true;
  private readonly goproxy: string;
  private readonly proxies: ProxyEntry[];

  constructor(
    private readonly platform: GoPlatform,
    private readonly options: GoSetupOptions,
    private readonly goEnvDefaults: { goproxy: string; gosumdb: string },
  ) {
    this.goproxy = process.env['GOPROXY'] || goEnvDefaults.goproxy || 'https://proxy.golang.org,direct';
    this.proxies = parseGoProxy(this.goproxy);
    const first = this.proxies.find((entry) => entry.kind !== 'direct');
    this.listUrl =
      first?.kind === 'proxy' ? `${first.url}/${TOOLCHAIN_MODULE}/@v/list` : `GOPROXY=${this.goproxy}`;
  }

  /** Runs `attempt` against each GOPROXY entry in turn, falling through the way the go command does. */
  private async throughProxies<T>(attempt: (proxyUrl: string) => Promise<T>): Promise<T> {
    const failures: string[] = [];
    for (const entry of this.proxies) {
      if (entry.kind === 'off') break;
      if (entry.kind === 'direct') continue; // there is no repository to fetch a toolchain from directly
      try {
        return await attempt(entry.url);
      } catch (error) {
        failures.push((error as Error).message);
        if (!fallsThrough(entry, error instanceof HttpStatusError ? error.status : undefined)) break;
      }
    }
    if (failures.length === 0) {
      throw new Error(
        `GOPROXY=${this.goproxy} names no proxy to download ${TOOLCHAIN_MODULE} from; set GOPROXY or use go-download-source: go.dev`,
      );
    }
    throw new Error(failures.join('; '));
  }

  async listReleases(): Promise<GoRelease[]> {
    const text = await this.throughProxies((proxy) => fetchText(`${proxy}/${TOOLCHAIN_MODULE}/@v/list`));
    return parseToolchainList(text, this.platform);
  }

  /** The h1 hash to trust: a go.sum line in the working directory, else the checksum database's answer. */
  private async expectedHash(
    moduleVersion: string,
  ): Promise<{ hash: string; from: string } | { failure: string }> {
    const goSum = path.join(this.options.workingDirectory, 'go.sum');
    const local = existsSync(goSum)
      ? findModuleHash(await fs.readFile(goSum, 'utf8'), TOOLCHAIN_MODULE, moduleVersion)
      : null;
    if (local) return { hash: local, from: goSum };

    const sumdb = parseGoSumDb(process.env['GOSUMDB'] || this.goEnvDefaults.gosumdb);
    if (!sumdb) return { failure: 'GOSUMDB=off and go.sum has no line for it' };
    const lookup = `lookup/${TOOLCHAIN_MODULE}@${moduleVersion}`;
    const failures: string[] = [];
    const urls = [
      ...this.proxies.flatMap((entry) =>
        entry.kind === 'proxy' ? [`${entry.url}/sumdb/${sumdb.name}/${lookup}`] : [],
      ),
      `${sumdb.url}/${lookup}`,
    ];
    for (const url of urls) {
      try {
        const hash = findModuleHash(await fetchText(url), TOOLCHAIN_MODULE, moduleVersion);
        if (hash) return { hash, from: url };
        failures.push(`${url} has no h1 line for ${moduleVersion}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    return { failure: `the checksum database ${sumdb.name} could not be reached (${failures.join('; ')})` };
  }

  async install(version: GoVersion): Promise<GoSetup> {
    const moduleVersion = toolchainModuleVersion(version, this.platform);
    const zipName = `${TOOLCHAIN_MODULE}@${moduleVersion}.zip`;
    const expected = await this.expectedHash(moduleVersion);
    if ('failure' in expected && !this.options.skipChecksum) {
      throw new Error(
        `Cannot verify ${zipName}: ${expected.failure}. Set go-skip-checksum: true to accept it unverified.`,
      );
    }

    let url = '';
    const file = await this.throughProxies(async (proxy) => {
      url = `${proxy}/${TOOLCHAIN_MODULE}/@v/${moduleVersion}.zip`;
      core.info(`Downloading ${url}`);
      return downloadFile(url);
    });
    let extracted: string | undefined;
    try {
      const zip = await fs.readFile(file);
      let actual: { hash: string; names: string[] };
      try {
        actual = await hashZip(zip);
      } catch (error) {
        throw new Error(
          `Download of ${url} is not a readable zip (truncated or damaged): ${(error as Error).message}`,
        );
      }
      if ('hash' in expected) {
        if (actual.hash !== expected.hash)
          throw new Error(`Checksum mismatch for ${zipName}: expected ${expected.hash}, got ${actual.hash}`);
        core.info(`${actual.hash} matches ${expected.from}`);
      } else {
        core.warning(
          `${zipName} is used unverified (go-skip-checksum): ${expected.failure}. Its hash is ${actual.hash}.`,
        );
      }
      const prefix = toolchainZipPrefix(moduleVersion);
      const problem = moduleZipProblem(actual.names, prefix);
      if (problem) throw new Error(`${zipName} from ${url} is not a toolchain module zip: ${problem}.`);
      try {
        extracted = await tc.extractZip(file);
      } catch (error) {
        throw new Error(`${zipName} does not extract: ${(error as Error).message}`);
      }
      const goroot = path.join(extracted, prefix);
      await restoreToolchainTree(goroot);
      return await verifyAndCache(goroot, version, {
        url,
        bytes: zip.length,
        checksum: 'hash' in expected ? actual.hash : '',
      });
    } finally {
      await io.rmRF(file);
      if (extracted) await io.rmRF(extracted);
    }
  }
}

async function walkFiles(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Undoes what packing Go as a module did, as the go command does after its own toolchain download: module zips
 * cannot hold nested go.mod files (they are stored as _go.mod) and carry no exec bits.
 */
async function restoreToolchainTree(goroot: string): Promise<void> {
  for (const file of await walkFiles(goroot)) {
    if (path.basename(file) === '_go.mod') await fs.copyFile(file, path.join(path.dirname(file), 'go.mod'));
  }
  if (process.platform === 'win32') return;
  const executable = async (folder: string, keep: (name: string) => boolean): Promise<void> => {
    if (!existsSync(folder)) return;
    for (const file of await walkFiles(folder)) if (keep(path.basename(file))) await fs.chmod(file, 0o755);
  };
  await executable(path.join(goroot, 'pkg', 'tool'), () => true);
  await executable(path.join(goroot, 'lib'), (name) => /^go_.+_.+_exec$/.test(name));
  await executable(path.join(goroot, 'bin'), () => true);
}
