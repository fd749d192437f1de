// Archives and checksums written by our own code, checked with the real tools users have: tar, gzip, unzip,
// zipinfo and sha256sum.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ArchiveRequest } from '../../src/package/archive.js';
import { createArchive, resolveExtraFiles } from '../../src/package/archive.js';
import { writeChecksums } from '../../src/package/checksums.js';
import type { Target } from '../../src/types.js';
import {
  buildTinyGoBinary,
  EPOCH,
  LINUX_AMD64,
  run,
  runStatus,
  WINDOWS_AMD64,
} from '../support/package-fixtures.js';
import { makeTempDir, removeTempDirs } from '../support/fixtures.js';

const DEFAULT_PATTERNS = ['README*', 'LICENSE*', 'CHANGELOG*'];
const README = '# tiny\n\nA test service.\n';
const LICENSE = 'MIT License\n\nCopyright (c) gin-release tests\n';

let root: string;
let binary: string;
let work: string;

beforeAll(async () => {
  root = await makeTempDir('package');
  binary = await buildTinyGoBinary(path.join(root, 'go'));
  work = path.join(root, 'work');
  await fs.mkdir(path.join(work, 'docs'), { recursive: true });
  await fs.writeFile(path.join(work, 'README.md'), README);
  await fs.writeFile(path.join(work, 'LICENSE'), LICENSE);
  await fs.writeFile(path.join(work, 'docs', 'README.md'), 'docs readme\n');
  await fs.writeFile(path.join(work, 'notes.txt'), 'not shipped\n');
});

afterAll(removeTempDirs);

function request(
  format: 'tar.gz' | 'zip' | 'none',
  outDir: string,
  extraFiles: string[],
  target: Target = LINUX_AMD64,
): ArchiveRequest {
  const exe = target.goos === 'windows' ? '.exe' : '';
  return {
    binaryPath: binary,
    binaryNameInArchive: `tiny${exe}`,
    target,
    format,
    extraFiles,
    outputPath: path.join(outDir, `tiny_1.0.0_${target.goos}_${target.goarch}`),
    epoch: EPOCH,
  };
}

/** Changes everything about the inputs that must not reach the archive: mtimes, modes, the time of day. */
async function disturbInputs(files: string[]): Promise<void> {
  const now = new Date();
  for (const file of files) {
    await fs.utimes(file, now, now);
    await fs.chmod(file, 0o600);
  }
  await fs.chmod(binary, 0o700);
}

async function restoreInputModes(files: string[]): Promise<void> {
  for (const file of files) await fs.chmod(file, 0o644);
  await fs.chmod(binary, 0o755);
}

describe.each(['tar.gz', 'zip'] as const)('%s', (format) => {
  test('two runs give identical bytes, whatever the inputs’ own mtimes and modes', async () => {
    const extras = await resolveExtraFiles(work, DEFAULT_PATTERNS);
    const target = format === 'zip' ? WINDOWS_AMD64 : LINUX_AMD64;
    const first = await createArchive(request(format, path.join(root, `repro-${format}-1`), extras, target));
    await disturbInputs(extras);
    try {
      const second = await createArchive(
        request(format, path.join(root, `repro-${format}-2`), extras, target),
      );
      expect(path.basename(second.path)).toBe(path.basename(first.path));
      expect((await fs.readFile(second.path)).equals(await fs.readFile(first.path))).toBe(true);
      expect(second.sha256).toBe(first.sha256);
      // The reported hash and size are those of the file on disk, as sha256sum sees it.
      expect(run('sha256sum', [first.path], root).split(' ')[0]).toBe(first.sha256);
      expect((await fs.stat(first.path)).size).toBe(first.size);
    } finally {
      await restoreInputModes(extras);
    }
  });
});

describe('tar.gz archives', () => {
  let archivePath: string;
  beforeAll(async () => {
    const extras = await resolveExtraFiles(work, DEFAULT_PATTERNS);
    archivePath = (await createArchive(request('tar.gz', path.join(root, 'tgz'), extras))).path;
  });

  test('tar lists the entries sorted, owned by root (uid/gid 0), with the release mtime and fixed modes', () => {
    const listing = run('tar', ['--full-time', '-tzvf', archivePath], root, { TZ: 'UTC' }).trim().split('\n');
    expect(listing.map((line) => line.replace(/\s+/g, ' '))).toEqual([
      `-rw-r--r-- root/root ${LICENSE.length} 2023-11-14 22:13:20 LICENSE`,
      `-rw-r--r-- root/root ${README.length} 2023-11-14 22:13:20 README.md`,
      expect.stringMatching(/^-rwxr-xr-x root\/root \d+ 2023-11-14 22:13:20 tiny$/),
    ]);
    const numeric = run('tar', ['--numeric-owner', '-tzvf', archivePath], root);
    expect(
      numeric
        .trim()
        .split('\n')
        .every((line) => / 0\/0 /.test(line)),
    ).toBe(true);
  });

  test('the tar stream inside is byte for byte what GNU tar writes for the same files', async () => {
    const staged = path.join(root, 'gnu-staged');
    await fs.mkdir(staged);
    await fs.copyFile(binary, path.join(staged, 'tiny'));
    await fs.chmod(path.join(staged, 'tiny'), 0o755);
    for (const name of ['LICENSE', 'README.md']) {
      await fs.copyFile(path.join(work, name), path.join(staged, name));
      await fs.chmod(path.join(staged, name), 0o644);
    }
    const gnuTar = path.join(root, 'gnu.tar');
    run(
      'tar',
      [
        '--format=ustar',
        `--mtime=@${EPOCH}`,
        '--owner=root:0',
        '--group=root:0',
        '-cf',
        gnuTar,
        'LICENSE',
        'README.md',
        'tiny',
      ],
      staged,
    );
    // Decompressed by the real gzip, not by the zlib that wrote it.
    await fs.copyFile(archivePath, path.join(root, 'ours.tar.gz'));
    run('gzip', ['-dk', 'ours.tar.gz'], root);
    expect((await fs.readFile(path.join(root, 'ours.tar'))).equals(await fs.readFile(gnuTar))).toBe(true);
  });

  test('extracting with tar gives a binary that runs, mode 0755, and the extra files unchanged, mode 0644', async () => {
    const dir = path.join(root, 'tgz-extracted');
    await fs.mkdir(dir);
    run('tar', ['-xzpf', archivePath, '-C', dir], root);
    expect((await fs.readdir(dir)).sort()).toEqual(['LICENSE', 'README.md', 'tiny']);
    expect((await fs.stat(path.join(dir, 'tiny'))).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(dir, 'README.md'))).mode & 0o777).toBe(0o644);
    expect((await fs.stat(path.join(dir, 'LICENSE'))).mode & 0o777).toBe(0o644);
    expect((await fs.stat(path.join(dir, 'tiny'))).mtimeMs).toBe(EPOCH * 1000);
    expect(await fs.readFile(path.join(dir, 'README.md'), 'utf8')).toBe(README);
    expect(await fs.readFile(path.join(dir, 'LICENSE'), 'utf8')).toBe(LICENSE);
    expect((await fs.readFile(path.join(dir, 'tiny'))).equals(await fs.readFile(binary))).toBe(true);
    expect(run(path.join(dir, 'tiny'), [], dir)).toBe('hello from gin-release\n');
  });

  test('the gzip header has no file name, mtime 0 and the Unix OS byte; gzip -t and -l accept it', async () => {
    const header = (await fs.readFile(archivePath)).subarray(0, 10);
    // XFL (byte 8) is 0 at zlib's default level; byte 9 is the OS byte pinned to Unix.
    expect([...header]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(runStatus('gzip', ['-t', archivePath], root).status).toBe(0);
    const [, sizes] = run('gzip', ['-l', archivePath], root).trim().split('\n');
    const [compressed, uncompressed] = sizes!.trim().split(/\s+/).map(Number);
    expect(compressed).toBe((await fs.stat(archivePath)).size);
    expect(uncompressed! % 10240).toBe(0);
    expect(uncompressed).toBeGreaterThan((await fs.stat(binary)).size);
  });
});

describe('zip archives', () => {
  let archivePath: string;
  beforeAll(async () => {
    const extras = await resolveExtraFiles(work, DEFAULT_PATTERNS);
    archivePath = (await createArchive(request('zip', path.join(root, 'zip'), extras, WINDOWS_AMD64))).path;
  });

  test('unzip -t passes and zipinfo shows sorted Unix entries, the binary executable', () => {
    expect(run('unzip', ['-t', archivePath], root)).toContain('No errors detected');
    const lines = run('zipinfo', [archivePath], root, { TZ: 'UTC' }).trim().split('\n');
    const entries = lines.filter((line) => /^[-d]r/.test(line)).map((line) => line.replace(/\s+/g, ' '));
    expect(entries).toEqual([
      expect.stringMatching(/^-rw-r--r-- 2\.0 unx \d+ bx (stor|defN) 23-Nov-14 22:13 LICENSE$/),
      expect.stringMatching(/^-rw-r--r-- 2\.0 unx \d+ bx (stor|defN) 23-Nov-14 22:13 README\.md$/),
      expect.stringMatching(/^-rwxr-xr-x 2\.0 unx \d+ bx defN 23-Nov-14 22:13 tiny\.exe$/),
    ]);
  });

  test('unzip restores the exec bit, the content and the exact mtime, in any time zone', async () => {
    const dir = path.join(root, 'zip-extracted');
    run('unzip', ['-q', archivePath, '-d', dir], root, { TZ: 'Asia/Tokyo' });
    expect((await fs.readdir(dir)).sort()).toEqual(['LICENSE', 'README.md', 'tiny.exe']);
    expect((await fs.stat(path.join(dir, 'tiny.exe'))).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(dir, 'README.md'))).mode & 0o777).toBe(0o644);
    expect((await fs.stat(path.join(dir, 'tiny.exe'))).mtimeMs).toBe(EPOCH * 1000);
    expect(await fs.readFile(path.join(dir, 'README.md'), 'utf8')).toBe(README);
    expect((await fs.readFile(path.join(dir, 'tiny.exe'))).equals(await fs.readFile(binary))).toBe(true);
    // It is the Linux test binary under a Windows name, so it runs here: proof the bytes survived deflate.
    expect(run(path.join(dir, 'tiny.exe'), [], dir)).toBe('hello from gin-release\n');
  });
});

describe('bare binaries (format none)', () => {
  test('nothing is written; the binary itself is reported with its real size and hash', async () => {
    const outDir = path.join(root, 'bare');
    const info = await createArchive(request('none', outDir, []));
    expect(info.path).toBe(binary);
    expect(info.size).toBe((await fs.stat(binary)).size);
    expect(info.sha256).toBe(run('sha256sum', [binary], root).split(' ')[0]);
    await expect(fs.access(outDir)).rejects.toThrow();
  });
});

describe('archive failures', () => {
  test('a missing binary fails naming the archive and target, and leaves no partial file', async () => {
    const outDir = path.join(root, 'fail-missing');
    const bad = { ...request('tar.gz', outDir, []), binaryPath: path.join(root, 'nope') };
    await expect(createArchive(bad)).rejects.toThrow(
      /Creating tiny_1\.0\.0_linux_amd64\.tar\.gz for linux\/amd64 failed: .*ENOENT/,
    );
    expect(await fs.readdir(outDir)).toEqual([]);
  });

  test('two extra files with the same base name are refused', async () => {
    const extras = await resolveExtraFiles(work, ['README.md', 'docs/README.md']);
    await expect(createArchive(request('zip', path.join(root, 'fail-dup'), extras))).rejects.toThrow(
      /would both be "README\.md"/,
    );
  });
});

describe('resolveExtraFiles', () => {
  test('missing patterns are skipped; directories and other files are not picked up', async () => {
    expect(await resolveExtraFiles(work, DEFAULT_PATTERNS)).toEqual([
      path.join(work, 'LICENSE'),
      path.join(work, 'README.md'),
    ]);
    expect(await resolveExtraFiles(work, ['CHANGELOG*', 'NOTICE'])).toEqual([]);
    expect(await resolveExtraFiles(work, ['docs'])).toEqual([]);
    expect(await resolveExtraFiles(work, [])).toEqual([]);
  });

  test('subfolders, ** and ! exclusions work; a file matched twice is listed once', async () => {
    expect(await resolveExtraFiles(work, ['docs/*.md', '**/README.md', '!README.md'])).toEqual([
      path.join(work, 'docs', 'README.md'),
    ]);
    expect(await resolveExtraFiles(work, ['README*', 'README.md', '# a comment'])).toEqual([
      path.join(work, 'README.md'),
    ]);
  });

  test.each(['../secret', '/etc/passwd', 'docs/../../x', '..', '!../x'])(
    'pattern %s reaching outside is an error',
    async (pattern) => {
      await expect(resolveExtraFiles(work, [pattern])).rejects.toThrow(/Invalid input archive-files/);
    },
  );

  test('a symbolic link to a file outside the working directory is an error', async () => {
    const dir = path.join(root, 'symlinked');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(root, 'outside-secret'), 'secret\n');
    await fs.symlink(path.join(root, 'outside-secret'), path.join(dir, 'LICENSE'));
    await expect(resolveExtraFiles(dir, DEFAULT_PATTERNS)).rejects.toThrow(
      /LICENSE.*outside working-directory/,
    );
  });

  test('a symbolic link inside the working directory is archived as the file it points to', async () => {
    const dir = path.join(root, 'symlinked-inside');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'LICENSE.txt'), LICENSE);
    await fs.symlink('LICENSE.txt', path.join(dir, 'LICENSE'));
    const extras = await resolveExtraFiles(dir, ['LICENSE']);
    const info = await createArchive(request('tar.gz', path.join(root, 'symlink-out'), extras));
    const listing = run('tar', ['-tzvf', info.path], root);
    expect(listing).toMatch(new RegExp(`^-rw-r--r-- root/root\\s+${LICENSE.length} .* LICENSE$`, 'm'));
  });

  test('a working directory whose name has glob characters is taken literally', async () => {
    const dir = path.join(root, 'odd [1] *?name');
    const decoy = path.join(root, 'odd 1 xyname');
    for (const d of [dir, decoy]) {
      await fs.mkdir(d);
      await fs.writeFile(path.join(d, 'README.md'), d);
    }
    expect(await resolveExtraFiles(dir, ['README*'])).toEqual([path.join(dir, 'README.md')]);
  });
});

describe('checksums', () => {
  let outDir: string;
  let files: string[];
  beforeAll(async () => {
    outDir = path.join(root, 'release');
    const extras = await resolveExtraFiles(work, DEFAULT_PATTERNS);
    const tgz = await createArchive(request('tar.gz', outDir, extras));
    const zip = await createArchive(request('zip', outDir, extras, WINDOWS_AMD64));
    const bareDir = path.join(outDir, 'tiny_linux_arm64');
    await fs.mkdir(bareDir);
    await fs.copyFile(binary, path.join(bareDir, 'tiny'));
    files = [zip.path, path.join(bareDir, 'tiny'), tgz.path];
  });

  test('sha256sum -c accepts the file, which lists every file sorted by name', async () => {
    const checksums = await writeChecksums(outDir, 'checksums.txt', files);
    expect(checksums).toBe(path.join(outDir, 'checksums.txt'));
    const names = (await fs.readFile(checksums, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split('  ')[1]);
    expect(names).toEqual([
      'tiny_1.0.0_linux_amd64.tar.gz',
      'tiny_1.0.0_windows_amd64.zip',
      'tiny_linux_arm64/tiny',
    ]);
    const result = runStatus('sha256sum', ['-c', '--strict', 'checksums.txt'], outDir);
    expect(result.output.trim().split('\n').sort()).toEqual([
      'tiny_1.0.0_linux_amd64.tar.gz: OK',
      'tiny_1.0.0_windows_amd64.zip: OK',
      'tiny_linux_arm64/tiny: OK',
    ]);
    expect(result.status).toBe(0);
  });

  test('sha256sum -c fails once an archive changes after the checksums were written', async () => {
    const sums = path.join(outDir, 'sums-then-tamper.txt');
    await writeChecksums(outDir, path.basename(sums), files);
    await fs.appendFile(files[2]!, Buffer.from([0]));
    const result = runStatus('sha256sum', ['-c', path.basename(sums)], outDir);
    expect(result.status).toBe(1);
    expect(result.output).toContain('tiny_1.0.0_linux_amd64.tar.gz: FAILED');
  });

  test('the checksums file cannot list itself or a file outside its folder', async () => {
    await expect(writeChecksums(outDir, 'self.txt', [path.join(outDir, 'self.txt')])).rejects.toThrow(
      /cannot list itself/,
    );
    await expect(writeChecksums(outDir, 'out.txt', [binary])).rejects.toThrow(/is not inside/);
  });
});
