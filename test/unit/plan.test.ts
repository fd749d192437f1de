// planRelease: every decision made before work starts, from inputs and facts alone. No processes, no files.
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { getInputs } from '../../src/inputs.js';
import { planRelease, type PlanFacts } from '../../src/plan.js';
import type { Emulator } from '../../src/smoke/plan.js';
import { setInputs } from '../support/inputs.js';

const WORKSPACE = path.resolve('/work/repo');
const DIST_LIST = [
  'darwin/amd64',
  'darwin/arm64',
  'linux/386',
  'linux/amd64',
  'linux/arm',
  'linux/arm64',
  'linux/riscv64',
  'windows/amd64',
  'windows/arm64',
];

const RELEASE = {
  version: '1.2.3',
  commit: '3f2a9c1d0e5b4a69876543210fedcba987654321',
  date: '2024-05-01T12:00:00Z',
  epoch: 1714564800,
  ref: 'refs/tags/v1.2.3',
};

function facts(overrides: Partial<PlanFacts> = {}): PlanFacts {
  const qemu = (arch: string): Emulator => ({ kind: 'qemu', path: `/usr/bin/qemu-${arch}-static` });
  return {
    go: { version: '1.26.8', goBinary: '/usr/local/go/bin/go', distList: DIST_LIST },
    release: RELEASE,
    modulePath: 'example.com/shop/api/v2',
    archiveFiles: [],
    runner: {
      host: { platform: 'linux', arch: 'x64', cpuFlags: null },
      emulators: new Map([
        ['arm64', qemu('aarch64')],
        ['arm', qemu('arm')],
      ]),
    },
    env: { GITHUB_JOB: 'release', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' },
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
  restore = setInputs(inputs);
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

describe('planRelease with the defaults', () => {
  const release = () => plan({});

  test('one build per default target, named after the module path without its major version', () => {
    const p = release();
    expect(p.binaryName).toBe('api');
    expect(p.outputDir).toBe(path.join(WORKSPACE, 'dist'));
    expect(p.build.builds.map((b) => [b.target.id, path.relative(p.outputDir, b.output)])).toEqual([
      ['linux/amd64', 'api_linux_amd64/api'],
      ['linux/arm64', 'api_linux_arm64/api'],
      ['linux/arm/v7', 'api_linux_arm_v7/api'],
      ['darwin/amd64', 'api_darwin_amd64/api'],
      ['darwin/arm64', 'api_darwin_arm64/api'],
      ['windows/amd64', 'api_windows_amd64/api.exe'],
    ]);
    expect(p.build.goBinary).toBe('/usr/local/go/bin/go');
  });

  test('archives per target, zip for Windows, each with its SBOM, the checksums file last in the one upload', () => {
    const p = release();
    expect(p.package.archives.map((a) => [a.target.id, a.format, path.basename(a.outputPath)])).toEqual([
      ['linux/amd64', 'tar.gz', 'api_1.2.3_linux_amd64'],
      ['linux/arm64', 'tar.gz', 'api_1.2.3_linux_arm64'],
      ['linux/arm/v7', 'tar.gz', 'api_1.2.3_linux_arm_v7'],
      ['darwin/amd64', 'tar.gz', 'api_1.2.3_darwin_amd64'],
      ['darwin/arm64', 'tar.gz', 'api_1.2.3_darwin_arm64'],
      ['windows/amd64', 'zip', 'api_1.2.3_windows_amd64'],
    ]);
    expect(p.upload?.uploads).toHaveLength(1);
    expect(p.upload!.uploads[0]!.files.map((f) => path.basename(f))).toEqual([
      'api_1.2.3_linux_amd64.tar.gz',
      'api_1.2.3_linux_amd64.tar.gz.sbom.json',
      'api_1.2.3_linux_arm64.tar.gz',
      'api_1.2.3_linux_arm64.tar.gz.sbom.json',
      'api_1.2.3_linux_arm_v7.tar.gz',
      'api_1.2.3_linux_arm_v7.tar.gz.sbom.json',
      'api_1.2.3_darwin_amd64.tar.gz',
      'api_1.2.3_darwin_amd64.tar.gz.sbom.json',
      'api_1.2.3_darwin_arm64.tar.gz',
      'api_1.2.3_darwin_arm64.tar.gz.sbom.json',
      'api_1.2.3_windows_amd64.zip',
      'api_1.2.3_windows_amd64.zip.sbom.json',
      'checksums.txt',
    ]);
    expect(p.package.sbom).toEqual({ version: '1.2.3', date: '2024-05-01T12:00:00Z' });
    // Off by default: no release, and no notice either.
    expect(p.publish).toBeNull();
    expect(p.publishSkipped).toBeNull();
    expect(p.upload!.uploads[0]!.name).toMatch(/^release-linux-x64-[0-9a-f]{8}$/);
    expect(p.package.epoch).toBe(1714564800);
  });

  test('smoke steps: native amd64, arm64 and arm under qemu, the others skipped with the reason', () => {
    const steps = release().smoke!.steps.map((s) => [
      s.target.id,
      s.action,
      s.emulator?.path ?? s.reason ?? '',
    ]);
    expect(steps).toEqual([
      ['linux/amd64', 'run', ''],
      ['linux/arm64', 'run', '/usr/bin/qemu-aarch64-static'],
      ['linux/arm/v7', 'run', '/usr/bin/qemu-arm-static'],
      ['darwin/amd64', 'skip', 'cannot run darwin/amd64 on linux/amd64'],
      ['darwin/arm64', 'skip', 'cannot run darwin/arm64 on linux/amd64'],
      ['windows/amd64', 'skip', 'cannot run windows/amd64 on linux/amd64'],
    ]);
  });

  test('cache keyed by the resolved Go and the targets; no image', () => {
    const p = release();
    expect(p.cache).toMatchObject({ goVersion: '1.26.8', dependencyPatterns: ['go.sum'] });
    expect(p.cache!.targets.map((t) => t.id)).toHaveLength(6);
    expect(p.image).toBeNull();
  });
});

describe('planRelease switches stages off', () => {
  test.each<[string, Record<string, string>, (p: ReturnType<typeof plan>) => unknown]>([
    ['smoke-test false', { 'smoke-test': 'false' }, (p) => p.smoke],
    ['smoke-targets none', { 'smoke-targets': 'none' }, (p) => p.smoke],
    ['upload false', { upload: 'false' }, (p) => p.upload],
    ['cache false', { cache: 'false' }, (p) => p.cache],
    ['archive-sbom false', { 'archive-sbom': 'false' }, (p) => p.package.sbom],
    ['github-release false', { 'github-release': 'false' }, (p) => p.publish],
  ])('%s', (_name, inputs, stage) => {
    expect(stage(plan(inputs))).toBeNull();
  });

  test('archive-format none uploads the bare binaries where they were built', () => {
    const p = plan({ 'archive-format': 'none', targets: 'linux/amd64, windows/amd64' });
    expect(p.upload!.uploads[0]!.files.map((f) => path.relative(p.outputDir, f))).toEqual([
      'api_linux_amd64/api',
      'api_linux_amd64/api.sbom.json',
      'api_windows_amd64/api.exe',
      'api_windows_amd64/api.exe.sbom.json',
      'checksums.txt',
    ]);
  });

  test('an image plan with tags from the tag and the Linux platforms', () => {
    const p = plan({ image: 'ghcr.io/shop/api', targets: 'linux/amd64, linux/arm64, darwin/arm64' });
    expect(p.image?.refs).toEqual([
      'ghcr.io/shop/api:1.2.3',
      'ghcr.io/shop/api:1.2',
      'ghcr.io/shop/api:1',
      'ghcr.io/shop/api:latest',
      'ghcr.io/shop/api:sha-3f2a9c1',
    ]);
    expect(p.image?.platforms.map((x) => x.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(p.image?.settings.smoke?.healthPath).toBe('/healthz');
  });
});

describe('planRelease refuses before anything is built', () => {
  test.each<[string, Record<string, string>, Partial<PlanFacts>, string, RegExp]>([
    ['a target this Go cannot build', { targets: 'linux/amd64, plan9/arm64' }, {}, 'targets', /plan9/],
    [
      'a smoke target this runner cannot run',
      { targets: 'linux/amd64, darwin/arm64', 'smoke-targets': 'darwin/arm64' },
      {},
      'smoke-targets',
      /darwin\/arm64: cannot run darwin\/arm64 on linux\/amd64.*Allowed on this runner \(linux\/amd64\): linux\/amd64/,
    ],
    [
      'an emulated smoke target without its emulator',
      { targets: 'linux/riscv64', 'smoke-targets': 'linux/riscv64' },
      {},
      'smoke-targets',
      /install qemu-user-static/,
    ],
    ['an image name with capitals', { image: 'ghcr.io/Shop/API' }, {}, 'image', /./],
    [
      'image platforms that were not built',
      { image: 'ghcr.io/shop/api', platforms: 'linux/s390x' },
      {},
      'platforms',
      /./,
    ],
    ['an artifact name the service rejects', { 'artifact-name': 'my:release' }, {}, 'artifact-name', /":"/],
    [
      'two targets on one binary path',
      { 'binary-template': '{name}_{os}/{name}{ext}', targets: 'linux/amd64, linux/arm64' },
      {},
      'binary-template',
      /both render/,
    ],
    [
      'two targets on one archive name',
      { 'archive-name-template': '{name}_{os}', targets: 'linux/amd64, linux/arm64' },
      {},
      'archive-name-template',
      /both render/,
    ],
    [
      'a release without a token',
      { 'github-release': 'true', 'github-token': '' },
      { env: { GITHUB_REPOSITORY: 'shop/api' } },
      'github-token',
      /contents: write/,
    ],
    [
      'a release without GITHUB_REPOSITORY',
      { 'github-release': 'true', 'github-token': 't' },
      { env: {} },
      'github-release',
      /owner\/repo/,
    ],
    [
      'a pre-release tag marked latest',
      { 'github-release': 'true', 'github-token': 't', 'make-latest': 'true' },
      { env: { GITHUB_REPOSITORY: 'shop/api' }, release: { ...RELEASE, ref: 'refs/tags/v1.2.4-rc.1' } },
      'make-latest',
      /never marks a pre-release as latest/,
    ],
    [
      'bare binaries with one name as release assets',
      { 'github-release': 'true', 'github-token': 't', 'archive-format': 'none' },
      { env: { GITHUB_REPOSITORY: 'shop/api' } },
      'github-release',
      /distinct names.*binary-template/,
    ],
  ])('%s', (_name, inputs, overrides, input, message) => {
    const error = refusal(inputs, overrides);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  test.each<[string, Record<string, string>, Partial<PlanFacts>, string, RegExp]>([
    [
      'archive-files leaving the module',
      { 'archive-files': 'README*\n../secrets.env' },
      {},
      'archive-files',
      /\.\. segment/,
    ],
    [
      'archive-files spelling .. as a set',
      { 'archive-files': '[.][.]/x' },
      {},
      'archive-files',
      /\[\.\]\[\.\] segment/,
    ],
    [
      'a binary-name that a matched archive file already has',
      { 'binary-name': 'README.md', 'archive-format': 'tar.gz' },
      { archiveFiles: [path.join(WORKSPACE, 'README.md')] },
      'binary-name',
      /binary "README\.md" and README\.md \(matched by archive-files\)/,
    ],
    [
      'two matched files with one name at the archive root',
      {},
      { archiveFiles: [path.join(WORKSPACE, 'README.md'), path.join(WORKSPACE, 'docs', 'README.md')] },
      'archive-files',
      /Both would be "README\.md"/,
    ],
    [
      'a version from the tag that cannot name files',
      {},
      {
        release: {
          version: '1.0;touch x',
          commit: 'c0ffee',
          date: '2024-05-01T12:00:00Z',
          epoch: 1714564800,
          ref: 'refs/tags/v1.0;touch x',
        },
      },
      'version',
      /git ref refs\/tags\/v1\.0;touch x gives.*";" a space.*Set the version input/,
    ],
    [
      'a default binary name that is not a safe file name',
      { main: './cmd/my server' },
      {},
      'binary-name',
      /would be named "my server".*a space.*Set binary-name/,
    ],
  ])('%s', (_name, inputs, overrides, input, message) => {
    const error = refusal(inputs, overrides);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  test('archive-format none puts no files beside the binary, so nothing can clash', () => {
    const p = plan(
      { 'binary-name': 'README.md', 'archive-format': 'none' },
      { archiveFiles: [path.join(WORKSPACE, 'README.md')] },
    );
    expect(p.binaryName).toBe('README.md');
  });

  test('the build stage checks the stamps it sets, and prints positions relative to the workspace', () => {
    const p = plan({ 'working-directory': 'services/api', 'commit-variable': '' });
    expect(p.build.workspace).toBe(WORKSPACE);
    expect(p.build.workingDirectory).toBe(path.join(WORKSPACE, 'services', 'api'));
    expect(p.build.stamps.map((s) => [s.input, s.variable, s.value])).toEqual([
      ['version-variable', 'main.version', '1.2.3'],
      ['date-variable', 'main.date', '2024-05-01T12:00:00Z'],
    ]);
  });

  test('an artifact name is checked even when no artifact service is there to reject it', () => {
    expect(refusal({ 'artifact-name': 'a/b' }, { env: {} }).input).toBe('artifact-name');
  });
});

describe('planRelease plans the GitHub release', () => {
  const env = { GITHUB_REPOSITORY: 'shop/api', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' };
  const on = {
    'github-release': 'true',
    'github-token': 'secret-token',
    targets: 'linux/amd64, windows/amd64',
  };

  test('on a tag: the repository, the API, the names, and every shipped file as an asset', () => {
    const p = plan(on, { env });
    expect(p.publishSkipped).toBeNull();
    expect(p.publish).toMatchObject({
      apiUrl: 'https://ghe.example.com/api/v3',
      owner: 'shop',
      repo: 'api',
      tag: 'v1.2.3',
      commit: RELEASE.commit,
      name: 'v1.2.3',
      body: '',
      prerelease: false,
      makeLatest: null,
      publish: true,
      generateNotes: false,
    });
    expect(p.publish!.assets.map((a) => [a.name, a.kind, a.target ?? '', a.contentType])).toEqual([
      ['api_1.2.3_linux_amd64.tar.gz', 'archive', 'linux/amd64', 'application/gzip'],
      ['api_1.2.3_linux_amd64.tar.gz.sbom.json', 'sbom', 'linux/amd64', 'application/json'],
      ['api_1.2.3_windows_amd64.zip', 'archive', 'windows/amd64', 'application/zip'],
      ['api_1.2.3_windows_amd64.zip.sbom.json', 'sbom', 'windows/amd64', 'application/json'],
      ['checksums.txt', 'checksums', '', 'text/plain'],
    ]);
    // The token is an input of the stage, never part of the plan that state and summary are made from.
    expect(JSON.stringify(p)).not.toContain('secret-token');
  });

  test.each<[string, Record<string, string>, string, Record<string, unknown>]>([
    ['a pre-release tag is a pre-release', {}, 'refs/tags/v1.2.4-rc.1', { prerelease: true }],
    ['unless told otherwise', { prerelease: 'false' }, 'refs/tags/v1.2.4-rc.1', { prerelease: false }],
    ['a full release can be a pre-release', { prerelease: 'true' }, 'refs/tags/v1.2.4', { prerelease: true }],
    ['draft stops before publishing', { 'github-release': 'draft' }, 'refs/tags/v1.2.4', { publish: false }],
    ['make-latest is passed on', { 'make-latest': 'legacy' }, 'refs/tags/v1.2.4', { makeLatest: 'legacy' }],
    [
      'name and body templates',
      {
        'release-name': '{name} {version}',
        'release-body': 'Commit {short-commit} of {date}; {"json": true}',
      },
      'refs/tags/v1.2.4',
      { name: 'api 1.2.3', body: 'Commit 3f2a9c1 of 2024-05-01T12:00:00Z; {"json": true}' },
    ],
    [
      'monorepo tags keep their prefix',
      {},
      'refs/tags/cmd/api/v2.0.0-beta',
      { tag: 'cmd/api/v2.0.0-beta', prerelease: true },
    ],
  ])('%s', (_name, inputs, ref, expected) => {
    const p = plan({ ...on, ...inputs }, { env, release: { ...RELEASE, ref } });
    expect(p.publish).toMatchObject(expected);
  });

  test.each([
    ['a branch', 'refs/heads/main', /the ref refs\/heads\/main is not a tag/],
    ['a pull request', 'refs/pull/7/merge', /refs\/pull\/7\/merge is not a tag/],
    ['an unknown ref', '', /the git ref \(unknown here\) is not a tag/],
  ])('on %s nothing is published, and the plan says why', (_name, ref, reason) => {
    const p = plan(on, { env, release: { ...RELEASE, ref } });
    expect(p.publish).toBeNull();
    expect(p.publishSkipped).toMatch(reason);
    expect(p.publishSkipped).toMatch(/no GitHub release was published/);
  });

  test('without the token a branch run is still no error: nothing would be published', () => {
    const p = plan({ ...on, 'github-token': '' }, { env, release: { ...RELEASE, ref: 'refs/heads/main' } });
    expect(p.publishSkipped).not.toBeNull();
  });
});
