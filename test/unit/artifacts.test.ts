import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  compressionLevelFor,
  defaultArtifactName,
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_UPLOAD_TIMEOUT_MS,
  planUploads,
  planUploadStage,
  uploadAvailability,
  type UploadFile,
  type UploadRequest,
} from '../../src/upload/artifacts.js';
import { InputError } from '../../src/errors.js';

const root = path.resolve('/work/out/dist');
const env = { GITHUB_JOB: 'release', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };

const archives: UploadFile[] = [
  { path: 'app_1.0.0_linux_amd64.tar.gz', target: 'linux/amd64' },
  { path: 'app_1.0.0_linux_arm_v7.tar.gz', target: 'linux/arm/v7' },
  { path: 'app_1.0.0_windows_amd64.zip', target: 'windows/amd64' },
  { path: 'checksums.txt' },
];

function request(overrides: Partial<UploadRequest> = {}): UploadRequest {
  return { files: archives, rootDirectory: root, mode: 'single', name: '', ...overrides };
}

describe('planUploads', () => {
  test('single mode: one artifact with every file, absolute paths, no recompression of archives', () => {
    const plans = planUploads(request(), env);
    expect(plans).toEqual([
      {
        name: defaultArtifactName(['linux/amd64', 'linux/arm/v7', 'windows/amd64'], env),
        files: archives.map((f) => path.join(root, f.path)),
        compressionLevel: 0,
      },
    ]);
  });

  test('per-target mode: one artifact per target in the order given, then the checksums', () => {
    const plans = planUploads(request({ mode: 'per-target', name: 'app' }), env);
    expect(
      plans.map((p) => [p.name, p.files.map((f) => path.relative(root, f)), p.compressionLevel]),
    ).toEqual([
      ['app-linux-amd64', ['app_1.0.0_linux_amd64.tar.gz'], 0],
      ['app-linux-arm-v7', ['app_1.0.0_linux_arm_v7.tar.gz'], 0],
      ['app-windows-amd64', ['app_1.0.0_windows_amd64.zip'], 0],
      ['app-checksums', ['checksums.txt'], DEFAULT_COMPRESSION_LEVEL],
    ]);
  });

  test('per-target mode groups every file of a target together and has no checksums artifact without shared files', () => {
    const files = [
      { path: 'app_linux_amd64/app', target: 'linux/amd64' },
      { path: 'app_linux_arm64/app', target: 'linux/arm64' },
      { path: path.join(root, 'extra/linux_amd64.sbom.json'), target: 'linux/amd64' },
    ];
    const plans = planUploads(request({ files, mode: 'per-target', name: 'svc' }), env);
    expect(
      plans.map((p) => [p.name, p.files.map((f) => path.relative(root, f)), p.compressionLevel]),
    ).toEqual([
      ['svc-linux-amd64', ['app_linux_amd64/app', 'extra/linux_amd64.sbom.json'], DEFAULT_COMPRESSION_LEVEL],
      ['svc-linux-arm64', ['app_linux_arm64/app'], DEFAULT_COMPRESSION_LEVEL],
    ]);
  });

  test('no files: nothing to upload', () => {
    expect(planUploads(request({ files: [] }), env)).toEqual([]);
  });

  test.each([['../elsewhere/app.tar.gz'], ['/etc/passwd'], [`${root}-sibling/app.tar.gz`]])(
    'a file outside the output folder is refused: %s',
    (file) => {
      expect(() => planUploads(request({ files: [{ path: file, target: 'linux/amd64' }] }), env)).toThrow(
        /outside the output folder/,
      );
    },
  );

  test.each([['my/app'], ['a:b'], ['what?'], ['line\nbreak'], ['back\\slash'], ['"quoted"']])(
    'an artifact-name the service would refuse is an input error naming it: %j',
    (name) => {
      expect(() => planUploads(request({ name }), env)).toThrow(InputError);
      expect(() => planUploads(request({ name }), env)).toThrow(/Invalid input artifact-name/);
    },
  );
});

describe('defaultArtifactName', () => {
  test.each([
    [['linux/amd64'], env, /^release-linux-x64-[0-9a-f]{8}$/],
    [['linux/amd64'], { RUNNER_OS: 'macOS', RUNNER_ARCH: 'ARM64' }, /^gin-release-macos-arm64-[0-9a-f]{8}$/],
    [['linux/amd64'], {}, /^gin-release-[0-9a-f]{8}$/],
    [['linux/amd64'], { GITHUB_JOB: 'build: "all"', RUNNER_OS: 'Linux' }, /^build-all-linux-[0-9a-f]{8}$/],
    // A re-run job's artifacts sit beside the first attempt's, which stay in the run under their names.
    [['linux/amd64'], { ...env, GITHUB_RUN_ATTEMPT: '1' }, /^release-linux-x64-[0-9a-f]{8}$/],
    [['linux/amd64'], { ...env, GITHUB_RUN_ATTEMPT: '2' }, /^release-linux-x64-[0-9a-f]{8}-attempt-2$/],
    [['linux/amd64'], { ...env, GITHUB_RUN_ATTEMPT: '12' }, /^release-linux-x64-[0-9a-f]{8}-attempt-12$/],
    [['linux/amd64'], { ...env, GITHUB_RUN_ATTEMPT: 'x' }, /^release-linux-x64-[0-9a-f]{8}$/],
  ])('%j with %j', (targets, environment, expected) => {
    expect(defaultArtifactName(targets, environment)).toMatch(expected);
  });

  test('does not depend on the order targets are listed in', () => {
    expect(defaultArtifactName(['linux/arm64', 'linux/amd64'], env)).toBe(
      defaultArtifactName(['linux/amd64', 'linux/arm64'], env),
    );
  });

  test('an explicit artifact-name is used as given on a re-run too (artifact-overwrite decides)', () => {
    const plans = planUploads(request({ name: 'app' }), { ...env, GITHUB_RUN_ATTEMPT: '3' });
    expect(plans.map((p) => p.name)).toEqual(['app']);
  });

  test('per-target names of a re-run carry the attempt once, in the shared prefix', () => {
    const names = planUploads(request({ mode: 'per-target' }), { ...env, GITHUB_RUN_ATTEMPT: '2' }).map(
      (p) => p.name,
    );
    expect(names).toHaveLength(4);
    for (const name of names) expect(name).toMatch(/^release-linux-x64-[0-9a-f]{8}-attempt-2-[a-z0-9-]+$/);
  });

  test('differs between target sets, runners and jobs', () => {
    const names = new Set([
      defaultArtifactName(['linux/amd64'], env),
      defaultArtifactName(['linux/amd64', 'linux/arm64'], env),
      defaultArtifactName(['linux/amd64'], { ...env, RUNNER_OS: 'Windows' }),
      defaultArtifactName(['linux/amd64'], { ...env, RUNNER_ARCH: 'ARM64' }),
      defaultArtifactName(['linux/amd64'], { ...env, GITHUB_JOB: 'other' }),
    ]);
    expect(names.size).toBe(5);
  });
});

describe('compressionLevelFor', () => {
  test.each([
    [
      [
        { path: 'a.tar.gz', target: 't' },
        { path: 'b.ZIP', target: 'u' },
      ],
      0,
    ],
    [[{ path: 'a.tgz', target: 't' }, { path: 'checksums.txt' }], 0],
    [
      [
        { path: 'a.tar.gz', target: 't' },
        { path: 'app', target: 'u' },
      ],
      DEFAULT_COMPRESSION_LEVEL,
    ],
    [[{ path: 'app.exe', target: 't' }], DEFAULT_COMPRESSION_LEVEL],
    [[{ path: 'checksums.txt' }], DEFAULT_COMPRESSION_LEVEL],
    [[{ path: 'bundle.zip' }], 0],
    [[], DEFAULT_COMPRESSION_LEVEL],
  ])('%j -> %i', (files, level) => {
    expect(compressionLevelFor(files)).toBe(level);
  });
});

describe('uploadAvailability', () => {
  const onGitHub = {
    ACTIONS_RUNTIME_TOKEN: 'jwt',
    ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
  };
  test.each([
    [{}, { available: false, level: 'notice' }],
    [{ ACTIONS_RUNTIME_TOKEN: 'jwt' }, { available: false, level: 'notice' }],
    [{ ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' }, { available: false, level: 'notice' }],
    [onGitHub, { available: true }],
    [{ ...onGitHub, GITHUB_SERVER_URL: 'https://github.com' }, { available: true }],
    [{ ...onGitHub, GITHUB_SERVER_URL: 'https://acme.ghe.com' }, { available: true }],
    [
      { ...onGitHub, GITHUB_SERVER_URL: 'https://github.acme.internal' },
      { available: false, level: 'warning' },
    ],
  ])('%j', (environment, expected) => {
    expect(uploadAvailability(environment)).toMatchObject(expected);
  });
});

describe('planUploadStage', () => {
  test('no overwrite and a 10 minute deadline unless asked', () => {
    const plan = planUploadStage(request(), env);
    expect(plan.overwrite).toBe(false);
    expect(plan.timeoutMs).toBe(DEFAULT_UPLOAD_TIMEOUT_MS);
    expect(DEFAULT_UPLOAD_TIMEOUT_MS).toBe(600_000);
  });

  test('artifact-overwrite and upload-timeout are carried into the plan', () => {
    const plan = planUploadStage(request({ overwrite: true, timeoutMs: 5_000 }), env);
    expect(plan).toMatchObject({ overwrite: true, timeoutMs: 5_000, rootDirectory: root });
  });
});
