// setupGo against real archives made from the local Go, served on 127.0.0.1, and one real download of a
// toolchain from the Go module proxy (the only network this file uses).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type GoSetup, type GoSetupOptions, setupGo } from '../../src/go/install.js';
import { hashZip } from '../../src/go/zip-reader.js';
import { InputError } from '../../src/errors.js';
import { runCommand } from '../../src/util/process/run.js';
import {
  buildGoTarball,
  buildToolchainZip,
  definedEnv,
  goDevIndex,
  type LocalGo,
  localGo,
  pathWithoutGo,
  sumdbLookup,
} from '../support/go-dist.js';
import { saveEnv } from '../support/env.js';
import { type FakeServer, type Route, startServer } from '../support/go-server.js';

const EXE = process.platform === 'win32' ? '.exe' : '';
const ENV = [
  'PATH',
  'GOPROXY',
  'GOSUMDB',
  'GOTOOLCHAIN',
  'GOROOT',
  'RUNNER_TOOL_CACHE',
  'RUNNER_TEMP',
  'GITHUB_ENV',
  'GITHUB_PATH',
];
const INDEX_PATH = '/dl/?mode=json&include=all';
// @actions/tool-cache's own knobs for its retry pauses (10-20 s each by default); the retries still happen.
const RETRY_KNOBS = ['TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS', 'TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS'];
const globals = globalThis as unknown as Record<string, unknown>;
// What a failed download adds when the runner has no Go of its own to fall back on.
const NO_LOCAL_GO = 'This runner has no Go on PATH or in its tool cache to use instead;';
const TRY_PROXY = `${NO_LOCAL_GO} set go-download-source: module-proxy to download it as the golang.org/toolchain module through GOPROXY instead.`;
const TRY_GO_DEV = `${NO_LOCAL_GO} set go-download-source: go.dev to download it from go-download-base-url instead.`;

let go: LocalGo;
let server: FakeServer;
let work: string;
let tarball: { filename: string; file: string; data: Buffer };
let restoreEnv: () => void;
let toolCache: string;
let workingDirectory: string;
let githubEnv: string;
let githubPath: string;

beforeAll(async () => {
  go = await localGo();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-go-install-'));
  tarball = await buildGoTarball(go, work);
  server = await startServer();
  for (const knob of RETRY_KNOBS) globals[knob] = 0;
});

afterAll(async () => {
  for (const knob of RETRY_KNOBS) Reflect.deleteProperty(globals, knob);
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  restoreEnv = saveEnv(ENV);
  server.routes.clear();
  server.requests.length = 0;
  const dir = fs.mkdtempSync(path.join(work, 'case-'));
  toolCache = path.join(dir, 'tool-cache');
  workingDirectory = path.join(dir, 'repo');
  githubEnv = path.join(dir, 'github-env');
  githubPath = path.join(dir, 'github-path');
  for (const folder of [toolCache, workingDirectory, path.join(dir, 'temp')]) fs.mkdirSync(folder);
  fs.writeFileSync(githubEnv, '');
  fs.writeFileSync(githubPath, '');
  process.env['RUNNER_TOOL_CACHE'] = toolCache;
  process.env['RUNNER_TEMP'] = path.join(dir, 'temp');
  // core.addPath and core.exportVariable write here, as on a runner.
  process.env['GITHUB_ENV'] = githubEnv;
  process.env['GITHUB_PATH'] = githubPath;
  process.env['PATH'] = pathWithoutGo();
  delete process.env['GOROOT'];
  delete process.env['GOTOOLCHAIN'];
});

afterEach(() => restoreEnv());

function options(overrides: Partial<GoSetupOptions> = {}): GoSetupOptions {
  return {
    workingDirectory,
    goVersion: '',
    goVersionFile: '',
    downloadSource: 'go.dev',
    downloadBaseUrl: `${server.url}/dl`,
    skipChecksum: false,
    ...overrides,
  };
}

function serveGoDev(archive: Route = { body: tarball.data }, index: { sha256?: boolean } = {}): void {
  server.routes.set(INDEX_PATH, { body: goDevIndex(go, tarball, index), contentType: 'application/json' });
  server.routes.set(`/dl/${tarball.filename}`, archive);
}

/** A URL on 127.0.0.1 where nothing listens: a port just given back by the kernel. */
async function closedUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected setupGo to fail');
}

/** The installed go runs and names the expected release. */
async function runGoVersion(setup: GoSetup): Promise<string> {
  const result = await exec.getExecOutput(setup.goBinary, ['version'], {
    silent: true,
    env: { ...definedEnv(), GOTOOLCHAIN: 'local', GOROOT: setup.goroot },
  });
  return result.stdout.trim();
}

function cachedGoroot(): string {
  return path.join(toolCache, 'go', `${go.version.major}.${go.version.minor}.${go.version.patch}`, os.arch());
}

describe('go.dev download source', () => {
  test('downloads, verifies, caches and exports; a second call reuses the tool cache without a request', async () => {
    serveGoDev();
    const first = await setupGo(options({ goVersion: go.version.text }));
    expect(first).toEqual({
      version: go.version.text,
      goroot: cachedGoroot(),
      goBinary: path.join(cachedGoroot(), 'bin', `go${EXE}`),
      source: 'download',
      download: {
        url: `${server.url}/dl/${tarball.filename}`,
        bytes: tarball.data.length,
        checksum: `sha256:${createHash('sha256').update(tarball.data).digest('hex')}`,
      },
    });
    expect(server.requests).toEqual([INDEX_PATH, `/dl/${tarball.filename}`]);
    expect(await runGoVersion(first)).toContain(`go${go.version.text} `);
    expect(fs.readFileSync(githubPath, 'utf8')).toContain(path.join(cachedGoroot(), 'bin'));
    expect(fs.readFileSync(githubEnv, 'utf8')).toMatch(/^GOTOOLCHAIN<<(.+)\nlocal\n\1$/m);
    expect(process.env['PATH']!.split(path.delimiter)[0]).toBe(path.join(cachedGoroot(), 'bin'));
    // Nothing left behind in RUNNER_TEMP: the archive and the extraction are removed once cached.
    expect(fs.readdirSync(process.env['RUNNER_TEMP']!)).toEqual([]);

    // A later job on the same machine: a fresh PATH, the tool cache kept.
    process.env['PATH'] = pathWithoutGo();
    server.requests.length = 0;
    const second = await setupGo(options({ goVersion: go.version.text }));
    expect(second).toEqual({ ...first, source: 'tool-cache', download: undefined });
    expect(server.requests).toEqual([]);

    // A minor line needs the index to know the newest patch, but not the archive.
    process.env['PATH'] = pathWithoutGo();
    const line = await setupGo(options({ goVersion: `${go.version.major}.${go.version.minor}` }));
    expect(line.source).toBe('tool-cache');
    expect(server.requests).toEqual([INDEX_PATH]);
  });

  test('a corrupted archive (one byte changed) is rejected naming both hashes and nothing is cached', async () => {
    const corrupted = Buffer.from(tarball.data);
    corrupted[Math.floor(corrupted.length / 2)]! ^= 0xff;
    serveGoDev({ body: corrupted });
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    const expected = createHash('sha256').update(tarball.data).digest('hex');
    const actual = createHash('sha256').update(corrupted).digest('hex');
    expect(error.message).toBe(
      `Checksum mismatch for ${tarball.filename}: expected ${expected}, got ${actual}. ${TRY_PROXY}`,
    );
    expect(fs.existsSync(path.join(toolCache, 'go'))).toBe(false);
  });

  test('an HTTP 404 for the archive names the URL and the status', async () => {
    serveGoDev();
    server.routes.delete(`/dl/${tarball.filename}`);
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    expect(error.message).toBe(
      `${server.url}/dl/${tarball.filename} answered HTTP 404: not found. ${TRY_PROXY}`,
    );
    // 4xx is final: tool-cache does not retry it.
    expect(server.requests).toEqual([INDEX_PATH, `/dl/${tarball.filename}`]);
  });

  test('a shorter file than the index announces is reported as truncated', async () => {
    serveGoDev({ body: tarball.data.subarray(0, 1000) });
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    expect(error.message).toBe(
      `Download of ${server.url}/dl/${tarball.filename} is truncated or damaged: the index says ${tarball.data.length} bytes, got 1000. ${TRY_PROXY}`,
    );
  });

  test('a connection dropped mid-transfer is retried, then reported with the URL', async () => {
    serveGoDev({ body: tarball.data, cutAfter: 4096 });
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    expect(error.message).toBe(
      `Download of ${server.url}/dl/${tarball.filename} failed after retries: the connection closed before the whole file arrived (aborted). ${TRY_PROXY}`,
    );
    // tool-cache tries three times.
    expect(server.requests.filter((request) => request.endsWith('.tar.gz'))).toHaveLength(3);
    expect(fs.existsSync(path.join(toolCache, 'go'))).toBe(false);
  });

  test('an index without sha256 fails before downloading, unless go-skip-checksum', async () => {
    serveGoDev({ body: tarball.data }, { sha256: false });
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    expect(error.message).toBe(
      `${server.url}/dl/?mode=json&include=all publishes no sha256 for ${tarball.filename}, so it cannot be verified. ` +
        `Set go-skip-checksum: true to accept it unverified. ${TRY_PROXY}`,
    );
    expect(server.requests).toEqual([INDEX_PATH]);

    const setup = await setupGo(options({ goVersion: go.version.text, skipChecksum: true }));
    expect(setup.source).toBe('download');
    expect(setup.download?.checksum).toBe('');
    expect(await runGoVersion(setup)).toContain(`go${go.version.text} `);
  });

  test('a version that does not exist is an InputError naming go-version and nearby releases', async () => {
    serveGoDev();
    const asked = `${go.version.major}.${go.version.minor}.99`;
    const error = await failure(setupGo(options({ goVersion: asked })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Invalid input go-version: "${asked}". Go ${asked} is not a release listed at ${server.url}/dl/?mode=json&include=all ` +
        `for ${go.platform.goos}/${go.platform.goarch}. Nearby releases: ${go.version.text}.`,
    );
  });

  test('a go.mod toolchain line that does not exist names go-version-file', async () => {
    serveGoDev();
    fs.writeFileSync(
      path.join(workingDirectory, 'go.mod'),
      'module example.com/app\n\ngo 1.20\n\ntoolchain go1.20.7\n',
    );
    const error = await failure(setupGo(options()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid input go-version-file: "go.mod". go.mod toolchain line asks for Go 1.20.7, which is not a release listed at ' +
        `${server.url}/dl/?mode=json&include=all for ${go.platform.goos}/${go.platform.goarch}. Nearby releases: 1.20.2, 1.20.1.`,
    );
  });

  test('a missing go-version-file is an InputError naming the input and the path', async () => {
    const error = await failure(setupGo(options({ goVersionFile: 'nested/.go-version' })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `Invalid input go-version-file: "nested/.go-version". It cannot be read at ${path.join(workingDirectory, 'nested/.go-version')}`,
    );
    expect(server.requests).toEqual([]);
  });

  test('stable needs the index: when it cannot be fetched the error names the URL and the status', async () => {
    server.routes.set(INDEX_PATH, { status: 500, body: 'internal error' });
    const error = await failure(setupGo(options({ goVersion: 'stable' })));
    expect(error.message).toBe(
      `${server.url}/dl/?mode=json&include=all answered HTTP 500: internal error. ${TRY_PROXY}`,
    );
  });
});

describe('reuse of the runner Go', () => {
  beforeEach(() => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
  });

  test('go-version equal to the Go on PATH: source runner, no request at all', async () => {
    serveGoDev();
    const setup = await setupGo(options({ goVersion: go.version.text }));
    expect(setup).toEqual({
      version: go.version.text,
      goroot: go.goroot,
      goBinary: path.join(go.goroot, 'bin', `go${EXE}`),
      source: 'runner',
    });
    expect(server.requests).toEqual([]);
    // Nothing added to PATH; GOTOOLCHAIN still pinned.
    expect(fs.readFileSync(githubPath, 'utf8')).toBe('');
    expect(fs.readFileSync(githubEnv, 'utf8')).toMatch(/^GOTOOLCHAIN<<(.+)\nlocal\n\1$/m);
  });

  test('a go.mod toolchain line equal to the Go on PATH (read by default): no request', async () => {
    fs.writeFileSync(
      path.join(workingDirectory, 'go.mod'),
      `module example.com/app\n\ngo ${go.version.major}.${go.version.minor}\n\ntoolchain go${go.version.text}\n`,
    );
    const setup = await setupGo(options());
    expect(setup.source).toBe('runner');
    expect(server.requests).toEqual([]);
  });

  test('no go-version and no go.mod means stable: the index decides, the runner Go is that release', async () => {
    serveGoDev();
    const setup = await setupGo(options());
    expect(setup).toMatchObject({ version: go.version.text, source: 'runner' });
    expect(server.requests).toEqual([INDEX_PATH]);
  });

  test('a minor line whose index cannot be reached accepts the local match (with a warning)', async () => {
    server.routes.set(INDEX_PATH, { status: 503, body: 'unavailable' });
    const setup = await setupGo(options({ goVersion: `${go.version.major}.${go.version.minor}` }));
    expect(setup).toMatchObject({ version: go.version.text, source: 'runner' });
    expect(server.requests.every((request) => request === INDEX_PATH)).toBe(true);
  });

  test('a stale GOROOT from an earlier step is replaced', async () => {
    process.env['GOROOT'] = path.join(work, 'some-other-go');
    const setup = await setupGo(options({ goVersion: go.version.text }));
    expect(setup.source).toBe('runner');
    expect(process.env['GOROOT']).toBe(go.goroot);
    expect(fs.readFileSync(githubEnv, 'utf8')).toContain(`GOROOT<<`);
  });
});

describe('go.mod toolchain line as a minimum', () => {
  const goMod = (lines: string): void =>
    fs.writeFileSync(path.join(workingDirectory, 'go.mod'), `module example.com/app\n\n${lines}`);
  const local = (): string => `${go.version.text} (on PATH)`;

  /** The served index plus a release newer than every Go at hand, whose archive is not served (404). */
  function serveIndexWithNewer(newer: string): string {
    const index = JSON.parse(goDevIndex(go, tarball)) as unknown[];
    const filename = `go${newer}.${go.platform.goos}-${go.platform.indexArch}.${go.platform.archiveExtension}`;
    const file = { filename, os: go.platform.goos, arch: go.platform.indexArch, version: `go${newer}` };
    index.unshift({
      version: `go${newer}`,
      stable: true,
      files: [{ ...file, sha256: '0'.repeat(64), size: 70_000_000, kind: 'archive' }],
    });
    server.routes.set(INDEX_PATH, { body: JSON.stringify(index), contentType: 'application/json' });
    return filename;
  }

  test('an older toolchain line is met by the newer Go on PATH: no request, not even for an unlisted release', async () => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
    serveGoDev();
    goMod('go 1.20\n\ntoolchain go1.20.7\n');
    const setup = await setupGo(options());
    expect(setup).toEqual({
      version: go.version.text,
      goroot: go.goroot,
      goBinary: path.join(go.goroot, 'bin', `go${EXE}`),
      source: 'runner',
    });
    expect(server.requests).toEqual([]);
  });

  test('an older toolchain line is met by a newer Go in the tool cache: no request', async () => {
    serveGoDev();
    await setupGo(options({ goVersion: go.version.text }));
    process.env['PATH'] = pathWithoutGo();
    server.routes.clear();
    server.requests.length = 0;
    goMod('go 1.20\n\ntoolchain go1.20.7\n');
    const setup = await setupGo(options());
    expect(setup).toMatchObject({ version: go.version.text, source: 'tool-cache', goroot: cachedGoroot() });
    expect(server.requests).toEqual([]);
  });

  test('a toolchain line newer than any Go at hand downloads that release; its 404 names the Go at hand, which builds the module', async () => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
    const filename = serveIndexWithNewer('1.99.1');
    goMod('go 1.20\n\ntoolchain go1.99.1\n');
    const error = await failure(setupGo(options()));
    expect(error.message).toBe(
      `${server.url}/dl/${filename} answered HTTP 404: not found. To build with a Go this runner already has, ` +
        `set go-version to ${local()}; or set go-download-source: module-proxy to download it as the ` +
        'golang.org/toolchain module through GOPROXY instead.',
    );
    expect(server.requests).toEqual([INDEX_PATH, `/dl/${filename}`]);
    expect(fs.readFileSync(githubEnv, 'utf8')).toBe('');

    // The advice works: the toolchain line is only a suggestion, so with GOTOOLCHAIN=local the named Go builds.
    server.requests.length = 0;
    const setup = await setupGo(options({ goVersion: go.version.text }));
    expect(setup.source).toBe('runner');
    expect(server.requests).toEqual([]);
    const list = await runCommand(setup.goBinary, ['list', '-m'], {
      cwd: workingDirectory,
      env: { GOTOOLCHAIN: 'local', GOFLAGS: '' },
    });
    expect(list.stdout.trim()).toBe('example.com/app');
  });

  test('a go line no Go at hand reaches: the advice offers no older Go, only the other source', async () => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
    const filename = serveIndexWithNewer('1.99.1');
    goMod('go 1.99.0\n');
    const error = await failure(setupGo(options()));
    expect(error.message).toBe(
      `${server.url}/dl/${filename} answered HTTP 404: not found. No Go on this runner reaches go.mod line 3 ` +
        `(go 1.99.0): it has ${local()}; set go-download-source: module-proxy to download it as the ` +
        'golang.org/toolchain module through GOPROXY instead.',
    );
  });

  test('a refused connection names the URL and the ways around it, for either source', async () => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
    const closed = await closedUrl();
    const goDev = await failure(setupGo(options({ goVersion: '1.20.2', downloadBaseUrl: `${closed}/dl` })));
    expect(goDev.message).toBe(
      `${closed}/dl/?mode=json&include=all could not be fetched: connect ECONNREFUSED ${closed.slice('http://'.length)}. ` +
        `To build with a Go this runner already has, set go-version to ${local()}; or set go-download-source: ` +
        'module-proxy to download it as the golang.org/toolchain module through GOPROXY instead.',
    );

    process.env['GOPROXY'] = closed;
    process.env['GOSUMDB'] = `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 ${closed}`;
    const proxy = await failure(setupGo(options({ goVersion: '1.20.2', downloadSource: 'module-proxy' })));
    expect(proxy.message).toMatch(
      /^Cannot verify golang\.org\/toolchain@v0\.0\.1-go1\.20\.2\..*ECONNREFUSED/,
    );
    expect(
      proxy.message.endsWith(
        'Set go-skip-checksum: true to accept it unverified. To build with a Go this runner already has, set ' +
          `go-version to ${local()}; or set go-download-source: go.dev to download it from go-download-base-url instead.`,
      ),
    ).toBe(true);
  });
});

describe('a go.mod the go command would refuse, or a go-version older than it: refused before any download', () => {
  const goMod = (content: string): void => fs.writeFileSync(path.join(workingDirectory, 'go.mod'), content);

  test('a garbage go line read by default names go-version-file, go.mod and the line', async () => {
    serveGoDev();
    goMod('module example.com/app\n\ngo garbage\n');
    const error = await failure(setupGo(options()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^Invalid input go-version-file: "go\.mod"\. go\.mod line 3 has "go garbage", which is not a Go version such as 1\.26 or 1\.26\.3\. Allowed: go\.mod or go\.work/,
    );
    expect(server.requests).toEqual([]);
  });

  test('with go-version set, a malformed go.mod names working-directory and the line', async () => {
    process.env['PATH'] = [go.binDir, pathWithoutGo()].join(path.delimiter);
    goMod('module example.com/app\n\ngo 1.20\ntoolchain go1.20.1\ntoolchain go1.20.2\n');
    const error = await failure(setupGo(options({ goVersion: go.version.text })));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Invalid input working-directory: ${JSON.stringify(workingDirectory)}. go.mod line 5 repeats the toolchain ` +
        'directive of line 4. Fix go.mod: every go command refuses a module whose go.mod it cannot parse.',
    );
    expect(fs.readFileSync(githubEnv, 'utf8')).toBe('');
    // The go command agrees that this go.mod is broken.
    const list = await runCommand(path.join(go.binDir, `go${EXE}`), ['list', '-m'], {
      cwd: workingDirectory,
      env: { GOTOOLCHAIN: 'local', GOFLAGS: '' },
    });
    expect(list.exitCode).not.toBe(0);
    expect(list.stderr).toContain('go.mod:5: repeated toolchain statement');
  });

  test.each([
    ['1.20.2', '1.20.2'],
    ['1.20', '1.20.x'],
  ])(
    'go-version %s older than the go line is an InputError naming go-version, without a request',
    async (asked, shown) => {
      serveGoDev();
      const line = `${go.version.major}.${go.version.minor}`;
      goMod(`module example.com/app\n\ngo ${line}\n`);
      const error = await failure(setupGo(options({ goVersion: asked })));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `Invalid input go-version: "${asked}". Go ${shown} is older than go.mod line 3 (go ${line}), and the go ` +
          `command refuses to build the module with it (GOTOOLCHAIN=local). Set go-version to ${line} or newer, ` +
          'or leave it empty to follow go.mod.',
      );
      expect(server.requests).toEqual([]);
    },
  );
});

describe('module-proxy download source (local fake proxy)', () => {
  let good: { moduleVersion: string; zip: Buffer; h1: string };

  beforeAll(async () => {
    const built = buildToolchainZip(go);
    good = { ...built, h1: (await hashZip(built.zip)).hash };
  });

  function serveProxy(zip: Buffer, options: { prefix?: string; sumdb?: boolean } = {}): void {
    const prefix = options.prefix ?? '';
    server.routes.set(`${prefix}/golang.org/toolchain/@v/list`, {
      body: `v0.0.1-go1.20.1.${go.platform.goos}-${go.platform.goarch}\n${good.moduleVersion}\nv0.0.1-go1.99.0.plan9-386\n`,
    });
    server.routes.set(`${prefix}/golang.org/toolchain/@v/${good.moduleVersion}.zip`, { body: zip });
    if (options.sumdb !== false) {
      server.routes.set(`${prefix}/sumdb/sum.golang.org/lookup/golang.org/toolchain@${good.moduleVersion}`, {
        body: sumdbLookup(good.moduleVersion, good.h1),
      });
    }
  }

  beforeEach(() => {
    process.env['GOPROXY'] = server.url;
    process.env['GOSUMDB'] = 'sum.golang.org';
  });

  test('downloads the toolchain module, checks its h1 against the checksum database, restores go.mod files and exec bits', async () => {
    serveProxy(good.zip);
    const setup = await setupGo(
      options({ goVersion: `${go.version.major}.${go.version.minor}`, downloadSource: 'module-proxy' }),
    );
    expect(setup).toMatchObject({
      version: go.version.text,
      goroot: cachedGoroot(),
      source: 'download',
      download: {
        url: `${server.url}/golang.org/toolchain/@v/${good.moduleVersion}.zip`,
        bytes: good.zip.length,
        checksum: good.h1,
      },
    });
    expect(server.requests).toEqual([
      '/golang.org/toolchain/@v/list',
      `/sumdb/sum.golang.org/lookup/golang.org/toolchain@${good.moduleVersion}`,
      `/golang.org/toolchain/@v/${good.moduleVersion}.zip`,
    ]);
    expect(await runGoVersion(setup)).toContain(`go${go.version.text} `);
    expect(fs.readFileSync(path.join(setup.goroot, 'src', 'go.mod'), 'utf8')).toMatch(/^module std\n/);
    if (process.platform !== 'win32') {
      const toolReadme = path.join(
        setup.goroot,
        'pkg',
        'tool',
        `${go.platform.goos}_${go.platform.goarch}`,
        'README',
      );
      expect(fs.statSync(toolReadme).mode & 0o777).toBe(0o755);
      expect(fs.statSync(setup.goBinary).mode & 0o777).toBe(0o755);
      expect(fs.statSync(path.join(setup.goroot, 'VERSION')).mode & 0o111).toBe(0);
    }
  });

  test('a zip with different content is rejected naming both h1 hashes', async () => {
    const fake = buildToolchainZip(go, (files) =>
      files.map((file) =>
        file.name.endsWith('/VERSION') ? { ...file, data: Buffer.from('go1.99.0\n') } : file,
      ),
    );
    const fakeH1 = (await hashZip(fake.zip)).hash;
    serveProxy(fake.zip);
    const error = await failure(
      setupGo(options({ goVersion: go.version.text, downloadSource: 'module-proxy' })),
    );
    expect(error.message).toBe(
      `Checksum mismatch for golang.org/toolchain@${good.moduleVersion}.zip: expected ${good.h1}, got ${fakeH1}. ${TRY_GO_DEV}`,
    );
    expect(fs.existsSync(path.join(toolCache, 'go'))).toBe(false);
  });

  test('a damaged zip (one byte changed) is rejected as unreadable, naming the URL', async () => {
    const damaged = Buffer.from(good.zip);
    damaged[Math.floor(damaged.length / 3)]! ^= 0xff;
    serveProxy(damaged);
    const error = await failure(
      setupGo(options({ goVersion: go.version.text, downloadSource: 'module-proxy' })),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^Download of ${server.url}/golang\\.org/toolchain/@v/${good.moduleVersion.replace(/\./g, '\\.')}\\.zip is not a readable zip`,
      ),
    );
  });

  test('without a reachable checksum database: fails unless go.sum has the hash or go-skip-checksum is set', async () => {
    serveProxy(good.zip, { sumdb: false });
    process.env['GOSUMDB'] =
      `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 ${server.url}/no-sumdb`;
    const error = await failure(
      setupGo(options({ goVersion: go.version.text, downloadSource: 'module-proxy' })),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot verify golang\\.org/toolchain@${good.moduleVersion.replace(/\./g, '\\.')}\\.zip: the checksum database sum\\.golang\\.org could not be reached \\(.*HTTP 404.*\\)\\. Set go-skip-checksum: true`,
      ),
    );
    expect(server.requests.some((request) => request.endsWith('.zip'))).toBe(false);

    fs.writeFileSync(
      path.join(workingDirectory, 'go.sum'),
      `golang.org/toolchain ${good.moduleVersion} ${good.h1}\n`,
    );
    const fromGoSum = await setupGo(options({ goVersion: go.version.text, downloadSource: 'module-proxy' }));
    expect(fromGoSum.download?.checksum).toBe(good.h1);

    fs.rmSync(path.join(workingDirectory, 'go.sum'));
    fs.rmSync(path.join(toolCache, 'go'), { recursive: true });
    process.env['PATH'] = pathWithoutGo();
    const unverified = await setupGo(
      options({ goVersion: go.version.text, downloadSource: 'module-proxy', skipChecksum: true }),
    );
    expect(unverified).toMatchObject({ source: 'download', download: { checksum: '' } });
  });

  test('GOPROXY falls through on 404 after ",", on any error after "|", and stops on other errors after ","', async () => {
    serveProxy(good.zip);
    server.routes.set('/broken/golang.org/toolchain/@v/list', { status: 500, body: 'boom' });
    const asked = {
      goVersion: `${go.version.major}.${go.version.minor}`,
      downloadSource: 'module-proxy' as const,
    };

    process.env['GOPROXY'] = `${server.url}/missing,${server.url}`;
    expect((await setupGo(options(asked))).source).toBe('download');

    process.env['GOPROXY'] = `${server.url}/broken|${server.url}`;
    process.env['PATH'] = pathWithoutGo();
    expect((await setupGo(options(asked))).source).toBe('tool-cache');

    fs.rmSync(path.join(toolCache, 'go'), { recursive: true });
    process.env['GOPROXY'] = `${server.url}/broken,${server.url}`;
    const error = await failure(setupGo(options(asked)));
    expect(error.message).toBe(
      `${server.url}/broken/golang.org/toolchain/@v/list answered HTTP 500: boom. ${TRY_GO_DEV}`,
    );

    process.env['GOPROXY'] = 'off';
    const off = await failure(setupGo(options(asked)));
    expect(off.message).toBe(
      `GOPROXY=off names no proxy to download golang.org/toolchain from; set GOPROXY or use go-download-source: go.dev. ${TRY_GO_DEV}`,
    );
  });
});

describe('module-proxy download source (the real Go module proxy)', () => {
  // The one test that reaches the network: a single download of a real toolchain from proxy.golang.org.
  const VERSION = '1.26.8';
  const KNOWN_H1: Record<string, string> = {
    // From sum.golang.org; the test checks the download against the checksum database, not against this.
    'linux-amd64': 'h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM=',
  };

  test(`go${VERSION} from proxy.golang.org: verified by h1, cached, able to build`, async () => {
    process.env['GOPROXY'] = 'https://proxy.golang.org';
    process.env['GOSUMDB'] = 'sum.golang.org';
    const setup = await setupGo(options({ goVersion: VERSION, downloadSource: 'module-proxy' }));
    expect(setup).toMatchObject({ version: VERSION, source: 'download' });
    expect(setup.download?.url).toBe(
      `https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go${VERSION}.${go.platform.goos}-${go.platform.goarch}.zip`,
    );
    expect(setup.download?.checksum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    const known = KNOWN_H1[`${go.platform.goos}-${go.platform.goarch}`];
    if (known) expect(setup.download?.checksum).toBe(known);

    // The real tree works: exec bits on the tools, src/go.mod restored for the vendored std dependencies.
    const gocache = fs.mkdtempSync(path.join(work, 'gocache-'));
    const app = fs.mkdtempSync(path.join(work, 'app-'));
    fs.writeFileSync(path.join(app, 'go.mod'), 'module example.com/hello\n\ngo 1.26\n');
    fs.writeFileSync(
      path.join(app, 'main.go'),
      'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n',
    );
    const env = {
      ...definedEnv(),
      GOTOOLCHAIN: 'local',
      GOROOT: setup.goroot,
      GOCACHE: gocache,
      GOFLAGS: '',
    };
    const deps = await exec.getExecOutput(setup.goBinary, ['list', '-deps', 'net/http'], {
      cwd: app,
      env,
      silent: true,
    });
    expect(deps.stdout).toContain('vendor/golang.org/x/net/http/httpguts');
    const run = await exec.getExecOutput(setup.goBinary, ['run', '.'], { cwd: app, env, silent: true });
    expect(run.stdout.trim()).toBe('hello');

    process.env['PATH'] = pathWithoutGo();
    const again = await setupGo(options({ goVersion: VERSION, downloadSource: 'module-proxy' }));
    expect(again).toMatchObject({ version: VERSION, source: 'tool-cache', goroot: setup.goroot });
  });
});
