// output-dir's lock, its claim and the link-safe writes on real files: the cases a whole action run cannot set up
// cheaply (a lock of a reused pid, of another host, a lock that changed hands, a folder in a file's place).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { acquireLock, formatLock, OutputDirLocked, releaseLock } from '../../src/files/lock.js';
import { planOutputDir } from '../../src/files/manifest.js';
import { claimOutputDir, recordOutputs, releaseOutputDir } from '../../src/files/output-dir.js';
import { ensureRealFolder, writeFileAtomically } from '../../src/files/safe-write.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => releaseOutputDir());

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-outdir-'));
  folders.push(dir);
  return dir;
}

function writeLock(dir: string, holder: Record<string, unknown>): string {
  const file = path.join(dir, '.gin-release.lock');
  fs.writeFileSync(file, JSON.stringify(holder));
  return file;
}

describe('the lock', () => {
  test('is exclusive while held, free again once released', () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    expect(() => acquireLock(dir)).toThrow(OutputDirLocked);
    expect(() => acquireLock(dir)).toThrow(`another gin-release run (pid ${process.pid} on ${os.hostname()}`);
    releaseLock(lock);
    expect(fs.existsSync(lock.file)).toBe(false);
    releaseLock(acquireLock(dir));
  });

  test('release leaves a lock that changed hands alone', () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    const other = formatLock({ ...lock.holder, run: 'gin-release-1-someone-else' });
    fs.writeFileSync(lock.file, other);
    releaseLock(lock);
    expect(fs.readFileSync(lock.file, 'utf8')).toBe(other);
  });

  test('a live pid that started after the lock was taken is a reused pid: the lock is stale', async () => {
    const dir = tempDir();
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeLock(dir, { pid: sleeper.pid, host: os.hostname(), started: 'then', run: 'r', processStart: '1' });
      const lock = acquireLock(dir);
      expect(lock.tookOverFrom).toMatchObject({ pid: sleeper.pid, processStart: '1' });
      releaseLock(lock);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  test('a lock of another host is not taken over: the message says how to clear it', () => {
    const dir = tempDir();
    const file = writeLock(dir, { pid: 1, host: 'elsewhere', started: 'then', run: 'r' });
    expect(() => acquireLock(dir)).toThrow(
      `a gin-release run on another host (pid 1 on elsewhere, since then) holds it, and whether it is still running cannot be checked from here (lock file ${file})`,
    );
    expect(() => acquireLock(dir)).toThrow(/delete the lock file if no run is using it\.$/);
  });

  test('a file that is no lock is taken over', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.gin-release.lock'), 'garbage');
    const lock = acquireLock(dir);
    expect(lock.tookOverFrom).toBeNull();
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    releaseLock(lock);
  });
});

describe('link-safe writes', () => {
  test('a link in the file’s place is replaced; what it points to is untouched; the mode is set', async () => {
    const dir = tempDir();
    const outside = path.join(tempDir(), 'victim');
    fs.writeFileSync(outside, 'victim\n');
    fs.symlinkSync(outside, path.join(dir, 'checksums.txt'));
    const replaced: string[] = [];
    await writeFileAtomically(path.join(dir, 'checksums.txt'), 'new\n', {
      root: dir,
      onLinkReplaced: (where, target) => replaced.push(`${where} -> ${target}`),
    });
    expect(fs.readFileSync(outside, 'utf8')).toBe('victim\n');
    expect(fs.lstatSync(path.join(dir, 'checksums.txt')).isFile()).toBe(true);
    expect(fs.lstatSync(path.join(dir, 'checksums.txt')).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(path.join(dir, 'checksums.txt'), 'utf8')).toBe('new\n');
    expect(replaced).toEqual([`${path.join(dir, 'checksums.txt')} -> ${outside}`]);
    expect(fs.readdirSync(dir)).toEqual(['checksums.txt']);
  });

  test('folders on the way: a link is replaced by a real folder, a file is an error', async () => {
    const dir = tempDir();
    const outside = tempDir();
    fs.mkdirSync(path.join(dir, 'a'));
    fs.symlinkSync(outside, path.join(dir, 'a', 'b'));
    await ensureRealFolder(dir, path.join(dir, 'a', 'b', 'c'));
    expect(fs.lstatSync(path.join(dir, 'a', 'b')).isDirectory()).toBe(true);
    expect(fs.readdirSync(outside)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'file'), '');
    await expect(ensureRealFolder(dir, path.join(dir, 'file', 'x'))).rejects.toThrow(
      /is a file where a folder of the action's outputs goes/,
    );
  });
});

describe('claiming output-dir', () => {
  function plan(workspace: string, files: string[]) {
    const outputDir = path.join(workspace, 'dist');
    return planOutputDir({
      outputDir,
      input: 'dist',
      workingDirectory: workspace,
      workspace,
      files: files.map((file) => path.join(outputDir, file)),
    });
  }

  test('a folder where the run writes a file is refused, naming output-dir, and the lock is let go', async () => {
    const workspace = tempDir();
    fs.mkdirSync(path.join(workspace, 'dist', 'checksums.txt', 'mine'), { recursive: true });
    await expect(claimOutputDir(plan(workspace, ['checksums.txt']))).rejects.toThrow(
      'Invalid input output-dir: "dist". checksums.txt is a folder where the action writes a file',
    );
    expect(fs.existsSync(path.join(workspace, 'dist', '.gin-release.lock'))).toBe(false);
    expect(fs.existsSync(path.join(workspace, 'dist', 'checksums.txt', 'mine'))).toBe(true);
  });

  test('files written beyond the plan are recorded, and removed by the next run', async () => {
    const workspace = tempDir();
    await claimOutputDir(plan(workspace, ['app.tar.gz']));
    const sbom = path.join(workspace, 'dist', 'app.tar.gz.sbom.json');
    await recordOutputs([sbom]);
    fs.writeFileSync(sbom, '{}');
    releaseOutputDir();
    const next = await claimOutputDir(plan(workspace, ['app.tar.gz']));
    expect(next.removed).toEqual(['app.tar.gz.sbom.json']);
    expect(fs.existsSync(sbom)).toBe(false);
  });

  test('outside the workspace only this run’s own names are cleared', async () => {
    const workspace = tempDir();
    const elsewhere = tempDir();
    fs.mkdirSync(path.join(workspace, 'dist'));
    fs.writeFileSync(
      path.join(workspace, 'dist', '.gin-release-outputs.json'),
      JSON.stringify({ format: 'gin-release-outputs/v1', files: ['old.tar.gz'], folders: [] }),
    );
    fs.writeFileSync(path.join(workspace, 'dist', 'old.tar.gz'), '');
    fs.writeFileSync(path.join(workspace, 'dist', 'app.tar.gz'), '');
    const claim = await claimOutputDir({ ...plan(workspace, ['app.tar.gz']), workspace: elsewhere });
    expect(claim.cleaned).toBe(false);
    expect(fs.readdirSync(path.join(workspace, 'dist')).sort()).toEqual([
      '.gin-release-outputs.json',
      '.gin-release.lock',
      'old.tar.gz',
    ]);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(workspace, 'dist', '.gin-release-outputs.json'), 'utf8'),
    ) as { files: string[] };
    expect(manifest.files).toEqual(['app.tar.gz', 'old.tar.gz']);
  });
});
