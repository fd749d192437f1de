// uploadArtifacts against the fake artifact service (Twirp, real @actions/artifact client) with a real Azurite blob
// store behind it; what was stored is read back from Azurite, unzipped with the real `unzip`, compared byte for byte.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as exec from '@actions/exec';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { planUploads, type UploadFile } from '../../src/upload/artifacts.js';
import { uploadArtifacts } from '../../src/upload/stage.js';
import { recordAnnotations, type AnnotationRecorder } from '../support/github-annotations.js';
import { applyRunnerEnv, startGithubServices, type GithubServices } from '../support/github-services.js';

const RUNNER = { GITHUB_JOB: 'release', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };

let services: GithubServices;
let dist: string;
let scratch: string;
let restoreEnv: () => void = () => undefined;
let annotations: AnnotationRecorder;

beforeAll(async () => {
  services = await startGithubServices();
});

afterAll(async () => {
  await services?.stop();
});

beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-artifacts-'));
  dist = path.join(scratch, 'dist');
  await fs.mkdir(path.join(dist, 'app_linux_amd64'), { recursive: true });
  services.artifacts.faults.clear();
  annotations = recordAnnotations();
});

afterEach(async () => {
  annotations.stop();
  restoreEnv();
  await fs.rm(scratch, { recursive: true, force: true });
});

/** Release-like files: incompressible archives, a compressible bare binary, the checksums. */
async function writeReleaseFiles(): Promise<UploadFile[]> {
  const files: Array<[string, Buffer, string | undefined]> = [
    ['app_1.0.0_linux_amd64.tar.gz', randomBytes(300_000), 'linux/amd64'],
    ['app_1.0.0_windows_amd64.zip', randomBytes(200_000), 'windows/amd64'],
    [
      'app_linux_amd64/app',
      Buffer.from('\x7fELF not really, but compressible. '.repeat(20_000)),
      'linux/amd64',
    ],
    ['checksums.txt', Buffer.from('0123abcd  app_1.0.0_linux_amd64.tar.gz\n'), undefined],
  ];
  for (const [name, content] of files) await fs.writeFile(path.join(dist, name), content);
  return files.map(([name, , target]) =>
    target ? { path: path.join(dist, name), target } : { path: path.join(dist, name) },
  );
}

async function unzipTo(zip: Buffer, into: string): Promise<string[]> {
  const zipPath = path.join(scratch, `read-back-${Date.now()}.zip`);
  await fs.writeFile(zipPath, zip);
  await fs.mkdir(into, { recursive: true });
  await exec.exec('unzip', ['-q', zipPath, '-d', into]);
  const listed = await fs.readdir(into, { recursive: true, withFileTypes: true });
  return listed
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(into, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** zipinfo's view of each entry: [name, method], method `stor` or `defN`/`defX`/... */
async function zipMethods(zip: Buffer): Promise<Map<string, string>> {
  const zipPath = path.join(scratch, `methods-${Date.now()}.zip`);
  await fs.writeFile(zipPath, zip);
  const { stdout } = await exec.getExecOutput('zipinfo', [zipPath], { silent: true });
  const methods = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length >= 9 && /^[-d]/.test(fields[0]!)) methods.set(fields.slice(8).join(' '), fields[5]!);
  }
  return methods;
}

async function expectSameFiles(extracted: string, files: string[]): Promise<void> {
  for (const file of files) {
    const original = await fs.readFile(file);
    const copy = await fs.readFile(path.join(extracted, path.relative(dist, file)));
    expect(copy.equals(original), `${path.relative(dist, file)} differs after the round trip`).toBe(true);
  }
}

describe('uploadArtifacts on GitHub (fake service, real client, Azurite)', () => {
  test('single mode: one artifact, every file byte for byte, retention passed on', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = await writeReleaseFiles();
    const request = { files, rootDirectory: dist, mode: 'single' as const, name: '', retentionDays: 5 };
    const [plan] = planUploads(request, process.env);

    const result = await uploadArtifacts(request);

    expect(result.skipped).toBeUndefined();
    expect(result.uploads).toHaveLength(1);
    const upload = result.uploads[0]!;
    expect(upload.name).toBe(plan!.name);
    const stored = services.artifacts.find(upload.name)!;
    expect(stored).toBeDefined();
    expect(upload.id).toBe(stored.id);
    expect(upload.size).toBe(stored.size);
    const expires = Date.parse(stored.expiresAt ?? '');
    expect(Math.abs(expires - (Date.now() + 5 * 86_400_000))).toBeLessThan(3_600_000);

    const zip = await services.artifacts.content(upload.name);
    expect(zip.length).toBe(stored.size);
    const extracted = path.join(scratch, 'extracted');
    expect(await unzipTo(zip, extracted)).toEqual(files.map((f) => path.relative(dist, f.path)).sort());
    await expectSameFiles(
      extracted,
      files.map((f) => f.path),
    );

    // A bare binary is among the files, so the zip deflates.
    const methods = await zipMethods(zip);
    expect(methods.get('app_linux_amd64/app')).toMatch(/^def/);
    expect(services.artifacts.calls.filter((c) => c.status === 200).map((c) => c.operation)).toEqual([
      'CreateArtifact',
      'FinalizeArtifact',
    ]);
  });

  test('per-target mode: one artifact per target plus the checksums; archives stored without recompression', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = (await writeReleaseFiles()).filter((f) => !f.path.endsWith('/app'));
    const result = await uploadArtifacts({ files, rootDirectory: dist, mode: 'per-target', name: 'svc-pt' });

    expect(result.uploads.map((u) => u.name)).toEqual([
      'svc-pt-linux-amd64',
      'svc-pt-windows-amd64',
      'svc-pt-checksums',
    ]);

    // Read back through the real client as a later job would: ListArtifacts, GetSignedArtifactURL, download.
    const client = new DefaultArtifactClient();
    const listed = await client.listArtifacts();
    expect(listed.artifacts.map((a) => a.name)).toEqual(
      expect.arrayContaining(result.uploads.map((u) => u.name)),
    );
    const windows = result.uploads.find((u) => u.name === 'svc-pt-windows-amd64')!;
    const downloadDir = path.join(scratch, 'downloaded');
    await client.downloadArtifact(windows.id!, { path: downloadDir });
    await expectSameFiles(downloadDir, [path.join(dist, 'app_1.0.0_windows_amd64.zip')]);

    const linuxZip = await services.artifacts.content('svc-pt-linux-amd64');
    expect((await zipMethods(linuxZip)).get('app_1.0.0_linux_amd64.tar.gz')).toBe('stor');
    expect(await unzipTo(linuxZip, path.join(scratch, 'linux'))).toEqual(['app_1.0.0_linux_amd64.tar.gz']);
    await expectSameFiles(path.join(scratch, 'linux'), [path.join(dist, 'app_1.0.0_linux_amd64.tar.gz')]);
  });

  test('a service answering 500 twice, then 200, is retried by the client and the upload succeeds', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = await writeReleaseFiles();
    services.artifacts.faults.failNext('CreateArtifact', 2, 500);

    const result = await uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: 'flaky-500' });

    expect(result.uploads.map((u) => u.name)).toEqual(['flaky-500']);
    const creates = services.artifacts.calls
      .filter((c) => c.operation === 'CreateArtifact')
      .map((c) => c.status);
    expect(creates.slice(-3)).toEqual([500, 500, 200]);
    await expectSameFiles(
      await extractedArtifact('flaky-500'),
      files.map((f) => f.path),
    );
  });

  test('a dropped connection, which the client does not retry, is retried once by us', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = await writeReleaseFiles();
    services.artifacts.faults.failNext('CreateArtifact', 1, 'reset');

    const result = await uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: 'flaky-reset' });

    expect(result.uploads.map((u) => u.name)).toEqual(['flaky-reset']);
    const creates = services.artifacts.calls
      .filter((c) => c.operation === 'CreateArtifact')
      .map((c) => c.status);
    expect(creates.slice(-2)).toEqual([0, 200]);
  });

  test('a service that always fails gives an error naming the artifact, the cause and where the files are', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = await writeReleaseFiles();
    services.artifacts.faults.failAlways('CreateArtifact', 503);

    const failure = await uploadArtifacts({
      files,
      rootDirectory: dist,
      mode: 'single',
      name: 'never',
    }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain('Uploading artifact never failed');
    expect(message).toMatch(/CreateArtifact.*503/);
    expect(message).toContain(`The files are still in the output folder ${dist}`);
    expect(services.artifacts.find('never')).toBeUndefined();
  }, 60_000);

  test('a name already used in the run is refused at once (no retries) with the service message', async () => {
    restoreEnv = applyRunnerEnv({ ...services.env(), ...RUNNER });
    const files = await writeReleaseFiles();
    await uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: 'twice' });
    const before = services.artifacts.calls.length;

    await expect(
      uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: 'twice' }),
    ).rejects.toThrow(/Uploading artifact twice failed: .*409.*already exists/);
    expect(services.artifacts.calls.slice(before).map((c) => c.status)).toEqual([409]);
  });
});

async function extractedArtifact(name: string): Promise<string> {
  const into = path.join(scratch, `extracted-${name}`);
  await unzipTo(await services.artifacts.content(name), into);
  return into;
}

describe('uploadArtifacts off GitHub', () => {
  test('without the runtime token and results URL it skips with a notice and leaves the files alone', async () => {
    restoreEnv = applyRunnerEnv(RUNNER);
    const files = await writeReleaseFiles();
    const callsBefore = services.artifacts.calls.length;

    const result = await uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: '' });

    expect(result.uploads).toEqual([]);
    expect(result.skipped).toMatch(/not running in GitHub Actions/);
    expect(annotations.messages('notice')).toEqual([expect.stringContaining(`Artifact upload skipped`)]);
    expect(annotations.messages('notice')[0]).toContain(dist);
    expect(services.artifacts.calls.length).toBe(callsBefore);
    for (const file of files) await expect(fs.stat(file.path)).resolves.toBeDefined();
  });

  test('on GitHub Enterprise Server it skips with a warning instead of failing the step', async () => {
    restoreEnv = applyRunnerEnv({
      ...services.env(),
      ...RUNNER,
      GITHUB_SERVER_URL: 'https://github.example.internal',
    });
    const files = await writeReleaseFiles();

    const result = await uploadArtifacts({ files, rootDirectory: dist, mode: 'single', name: 'ghes' });

    expect(result.uploads).toEqual([]);
    expect(annotations.messages('warning')).toEqual([expect.stringContaining('GitHub Enterprise Server')]);
    expect(services.artifacts.find('ghes')).toBeUndefined();
  });
});
