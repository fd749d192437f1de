// planRelease for a release split over jobs: what a shard uploads, what its fingerprint covers, what a merge
// expects, which stages each mode runs, and the input combinations refused before anything runs. Pure.
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { getInputs } from '../../src/inputs.js';
import { conversionWarning, convertedFiles } from '../../src/matrix/checkout.js';
import { goVersionWarning } from '../../src/matrix/plan.js';
import { parseShardArtifactName } from '../../src/matrix/naming.js';
import { planRelease, type PlanFacts } from '../../src/plan.js';
import { setInputs } from '../support/inputs.js';

const WORKSPACE = path.resolve('/work/repo');

function facts(overrides: Partial<PlanFacts> = {}): PlanFacts {
  return {
    go: {
      version: '1.26.8',
      goBinary: '/usr/local/go/bin/go',
      distList: ['darwin/arm64', 'linux/amd64', 'linux/arm64', 'windows/amd64'],
    },
    release: {
      version: '1.2.3',
      commit: '3f2a9c1d0e5b4a69876543210fedcba987654321',
      date: '2024-05-01T12:00:00Z',
      epoch: 1714564800,
      ref: 'refs/tags/v1.2.3',
    },
    modulePath: 'example.com/shop/api',
    archiveFiles: [],
    runner: { host: { platform: 'linux', arch: 'arm64', cpuFlags: null }, emulators: new Map() },
    env: {
      GITHUB_JOB: 'build',
      GITHUB_RUN_ATTEMPT: '2',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'ARM64',
      RUNNER_NAME: 'GitHub Actions 7',
    },
    ...overrides,
  };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function plan(inputs: Record<string, string>, overrides: Partial<PlanFacts> = {}) {
  restore?.();
  const saved = process.env['GITHUB_WORKSPACE'];
  process.env['GITHUB_WORKSPACE'] = WORKSPACE;
  restore = setInputs({ 'go-version': '1.26.8', ...inputs });
  try {
    return planRelease(getInputs(), facts(overrides));
  } finally {
    if (saved === undefined) delete process.env['GITHUB_WORKSPACE'];
    else process.env['GITHUB_WORKSPACE'] = saved;
  }
}

function refusal(inputs: Record<string, string>, overrides: Partial<PlanFacts> = {}): InputError {
  try {
    plan(inputs, overrides);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('planRelease accepted the inputs');
}

const SHARD = { mode: 'shard', targets: 'linux/arm64, linux/amd64' };
const MERGE = { mode: 'merge', targets: 'linux/amd64, linux/arm64, windows/amd64, darwin/arm64' };

describe('mode release', () => {
  test('is the default and plans neither shard nor merge', () => {
    const p = plan({ targets: 'linux/amd64' });
    expect(p.mode).toBe('release');
    expect(p.shard).toBeNull();
    expect(p.merge).toBeNull();
    expect(p.upload).not.toBeNull();
  });
});

describe('mode shard', () => {
  test('builds and smoke-tests, then uploads one shard; no archive upload, no image', () => {
    const p = plan({ ...SHARD, image: 'ghcr.io/shop/api', push: 'true' });
    expect(p.smoke).not.toBeNull();
    expect(p.upload).toBeNull();
    expect(p.image).toBeNull();
    const shard = p.shard!;
    expect(parseShardArtifactName(shard.artifactName)).toMatchObject({ attempt: 2, key: shard.key });
    expect(shard.artifactName).toMatch(/^gin-release-shard_api-linux-arm64\.linux-amd64_/);
    expect(shard.binaries.map((b) => [b.target.id, b.path])).toEqual([
      ['linux/arm64', 'api_linux_arm64/api'],
      ['linux/amd64', 'api_linux_amd64/api'],
    ]);
    expect(shard.manifestPath).toBe(path.join(WORKSPACE, 'dist', 'manifest.json'));
    expect(shard.runner).toEqual({
      os: 'Linux',
      arch: 'ARM64',
      name: 'GitHub Actions 7',
      job: 'build',
      platform: 'linux/arm64',
    });
    expect(shard.service).toMatchObject({ module: 'example.com/shop/api', main: '.' });
    expect(shard.warnings).toEqual([]);
  });

  test('the fingerprint holds the inputs that change the bytes, by their names', () => {
    const settings = plan({ ...SHARD, ldflags: '-X main.edition=pro', 'build-tags': 'netgo osusergo' }).shard!
      .settings;
    expect(settings).toMatchObject({
      module: 'example.com/shop/api',
      main: '.',
      'binary-name': 'api',
      ldflags: '["-X","main.edition=pro"]',
      'build-tags': 'netgo,osusergo',
      cgo: 'false',
      'release.version': '1.2.3',
      'go.version': '1.26.8',
    });
    expect(settings['-ldflags']).toBe(
      '-s -w -X main.version=1.2.3 -X main.commit=3f2a9c1d0e5b4a69876543210fedcba987654321 -X main.date=2024-05-01T12:00:00Z -X main.edition=pro',
    );
  });

  const base = (): Record<string, string> => plan(SHARD).shard!.settings;
  test.each<[string, Record<string, string>, Partial<PlanFacts>, string[]]>([
    ['ldflags', { ldflags: '-X main.x=1' }, {}, ['-ldflags', 'ldflags']],
    ['version-variable', { 'version-variable': 'main.v' }, {}, ['-ldflags', 'version-variable']],
    ['build-tags', { 'build-tags': 'netgo' }, {}, ['build-tags']],
    ['build-flags', { 'build-flags': '-gcflags=all=-N' }, {}, ['build-flags']],
    ['build-env', { 'build-env': 'APP_EDITION=pro' }, {}, ['build-env']],
    [
      'build-env GOFLAGS over the environment',
      { 'build-env': 'GOFLAGS=-mod=vendor' },
      {},
      ['build-env', 'env.GOFLAGS'],
    ],
    [
      'cgo',
      { cgo: 'true' },
      {},
      [
        'cgo',
        'env.CC',
        'env.CGO_CFLAGS',
        'env.CGO_CPPFLAGS',
        'env.CGO_CXXFLAGS',
        'env.CGO_LDFLAGS',
        'env.CXX',
        'env.PKG_CONFIG',
      ],
    ],
    ['main', { main: './cmd/api' }, {}, ['main']],
    ['binary-name', { 'binary-name': 'shop' }, {}, ['binary-name']],
    ['binary-template', { 'binary-template': '{name}-{os}-{arch}{variant}{ext}' }, {}, ['binary-template']],
    [
      'the version',
      {},
      { release: { ...facts().release, version: '2.0.0' } },
      ['-ldflags', 'release.version'],
    ],
    ['GOFLAGS in the environment', {}, { env: { ...facts().env, GOFLAGS: '-tags=x' } }, ['env.GOFLAGS']],
    [
      'GOEXPERIMENT in the environment',
      {},
      { env: { ...facts().env, GOEXPERIMENT: 'jsonv2' } },
      ['env.GOEXPERIMENT'],
    ],
    ['the Go version', {}, { go: { ...facts().go!, version: '1.26.7' } }, ['go.version']],
  ])('%s changes exactly its keys', (_what, inputs, overrides, keys) => {
    const changed = plan({ ...SHARD, ...inputs }, overrides).shard!.settings;
    const before = base();
    const differing = [...new Set([...Object.keys(before), ...Object.keys(changed)])].filter(
      (k) => before[k] !== changed[k],
    );
    expect(differing.sort()).toEqual(keys.sort());
  });

  test.each<[string, Record<string, string>]>([
    ['the targets', { targets: 'windows/amd64' }],
    ['the smoke test', { 'smoke-test': 'false', 'health-path': '/ready' }],
    ['the archives', { 'archive-format': 'zip', 'checksums-file': 'SHA256SUMS' }],
    ['parallelism', { parallelism: '1' }],
  ])('%s leave the fingerprint alone', (_what, inputs) => {
    expect(plan({ ...SHARD, ...inputs }).shard!.settings).toEqual(base());
  });

  test('warnings about what breaks identical bytes: an inexact Go, cgo', () => {
    expect(plan({ ...SHARD, 'go-version': '1.26' }).shard!.warnings).toEqual([
      expect.stringMatching(
        /^mode shard: go-version "1\.26" is not one exact release, so each job resolves it on its own\. Pin go-version/,
      ),
    ]);
    expect(plan({ ...SHARD, cgo: 'true' }).shard!.warnings).toEqual([
      expect.stringMatching(/cgo: true links each runner's own C toolchain/),
    ]);
  });

  test.each<[string, string, boolean]>([
    ['', '', true],
    ['stable', '', true],
    ['1.26', '', true],
    ['1.26.x', '', true],
    ['1.26.8', '', false],
    ['1.27rc1', '', false],
    ['', '.go-version', false],
  ])('go-version %j, go-version-file %j: warned %s', (goVersion, file, warned) => {
    expect(goVersionWarning(goVersion, file) !== null).toBe(warned);
  });

  test('with image-distribute only its own Linux platforms, pushed by digest', () => {
    const p = plan({
      ...SHARD,
      targets: 'linux/arm64, windows/amd64',
      image: 'ghcr.io/shop/api',
      push: 'true',
      'image-distribute': 'true',
      platforms: 'linux/amd64, linux/arm64',
    });
    expect(p.image?.distribute).toBe('push-by-digest');
    expect(p.image?.platforms.map((x) => x.platform)).toEqual(['linux/arm64']);
  });

  test('with image-distribute but no Linux target: no image in this shard', () => {
    expect(
      plan({
        ...SHARD,
        targets: 'windows/amd64',
        image: 'ghcr.io/shop/api',
        push: 'true',
        'image-distribute': 'true',
      }).image,
    ).toBeNull();
  });
});

describe('mode merge', () => {
  test('needs no Go: no build, smoke, cache; the same binary paths a shard uses', () => {
    const p = plan(MERGE, { go: null });
    expect(p.merge).not.toBeNull();
    expect(p.smoke).toBeNull();
    expect(p.cache).toBeNull();
    expect(p.shard).toBeNull();
    expect(p.merge!.attempt).toBe(2);
    expect(p.merge!.binaries.map((b) => [b.target.id, b.path])).toEqual([
      ['linux/amd64', 'api_linux_amd64/api'],
      ['linux/arm64', 'api_linux_arm64/api'],
      ['windows/amd64', 'api_windows_amd64/api.exe'],
      ['darwin/arm64', 'api_darwin_arm64/api'],
    ]);
    expect(p.merge!.service).toEqual(plan(SHARD).shard!.service);
    expect(p.package.archives).toHaveLength(4);
    expect(p.upload?.uploads).toHaveLength(1);
    expect(p.merge!.image).toBeNull();
  });

  test('the image from the verified binaries by default; assembled from digests with image-distribute', () => {
    const own = plan({ ...MERGE, image: 'ghcr.io/shop/api', push: 'true' }, { go: null }).image!;
    expect(own.distribute).toBeNull();
    expect(own.platforms.map((x) => x.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const p = plan(
      { ...MERGE, image: 'ghcr.io/shop/api', push: 'true', 'image-distribute': 'true' },
      { go: null },
    );
    expect(p.image!.distribute).toBe('assemble');
    expect(p.merge!.image).toEqual({ name: 'ghcr.io/shop/api', platforms: ['linux/amd64', 'linux/arm64'] });
  });
});

describe('refused before anything runs', () => {
  test.each<[string, Record<string, string>, string, RegExp]>([
    ['an unknown mode', { mode: 'split' }, 'mode', /Allowed: release, shard, merge\./],
    [
      'image-distribute in mode release',
      { 'image-distribute': 'true', image: 'r/x', push: 'true' },
      'image-distribute',
      /needs mode: shard or mode: merge/,
    ],
    [
      'image-distribute without an image',
      { ...SHARD, 'image-distribute': 'true' },
      'image-distribute',
      /needs the image input/,
    ],
    [
      'image-distribute without push',
      { ...MERGE, 'image-distribute': 'true', image: 'r/x' },
      'image-distribute',
      /needs push: true/,
    ],
    ['mode shard without upload', { ...SHARD, upload: 'false' }, 'upload', /needs upload: true/],
    [
      'mode shard with artifact-name',
      { ...SHARD, 'artifact-name': 'mine' },
      'artifact-name',
      /names the shard artifact itself.*set artifact-name on the merge job/,
    ],
    [
      'mode shard with github-release',
      { ...SHARD, 'github-release': 'true' },
      'github-release',
      /Set github-release on the merge job/,
    ],
    [
      'a binary-template named like the manifest',
      { ...SHARD, targets: 'linux/amd64', 'binary-template': 'manifest.json' },
      'binary-template',
      /the name of the shard manifest/,
    ],
  ])('%s', (_what, inputs, input, message) => {
    const error = refusal(inputs, inputs['mode'] === 'merge' ? { go: null } : {});
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });
});

describe('CRLF checkouts', () => {
  test('files converted on checkout are found in `git ls-files --eol -z`', () => {
    const output = [
      'i/lf    w/lf    attr/                 \tmain.go',
      'i/lf    w/crlf  attr/                 \ttemplates/index.html',
      'i/crlf  w/crlf  attr/                 \tdocs/windows.txt',
      'i/lf    w/mixed attr/                 \tbanner.txt',
      'i/-text w/-text attr/                 \tlogo.png',
      '',
    ].join('\0');
    expect(convertedFiles(output)).toEqual(['banner.txt', 'templates/index.html']);
  });

  test('the warning names the files and the fix', () => {
    expect(conversionWarning([])).toBeNull();
    const warning = conversionWarning(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(warning).toMatch(
      /^7 file\(s\) were checked out with CRLF line endings although the commit has LF \(a, b, c, d, e and 2 more\)\./,
    );
    expect(warning).toContain('* text=auto eol=lf');
  });
});
