// What ships and what is written, through the bundled action: .git and output-dir never go into an archive, nothing
// is written through a symbolic link, output-dir is emptied of the action's own earlier outputs only, modes are the
// same under any umask, and one output-dir serves one run at a time.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { readTar } from '../support/image-registry.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const GOOD = path.join(FIXTURES, 'smoke/good');
const runs: ActionRun[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

function workspace(fixture = GOOD): string {
  const dir = workspaceFrom(fixture);
  folders.push(dir);
  return dir;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-files-'));
  folders.push(dir);
  return dir;
}

const BASE = {
  cache: 'false',
  upload: 'false',
  'smoke-test': 'false',
  version: '1.2.3',
  targets: 'linux/amd64',
  'archive-format': 'tar.gz',
};

async function run(
  dir: string,
  inputs: Record<string, string> = {},
  extra: Partial<Parameters<typeof runAction>[0]> = {},
): Promise<ActionRun> {
  const result = await runAction({ workspace: dir, inputs: { ...BASE, ...inputs }, ...extra });
  runs.push(result);
  return result;
}

function archiveNames(file: string): string[] {
  return readTar(fs.readFileSync(file)).map((entry) => entry.name);
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every path below `dir`, relative, with `/` after folders; links shown as `name -> target` and not entered. */
function tree(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    if (stat.isSymbolicLink()) found.push(`${prefix}${name} -> ${fs.readlinkSync(full)}`);
    else if (stat.isDirectory()) found.push(`${prefix}${name}/`, ...tree(full, `${prefix}${name}/`));
    else found.push(`${prefix}${name}`);
  }
  return found.sort();
}

function mode(file: string): string {
  return (fs.lstatSync(file).mode & 0o7777).toString(8);
}

describe('what goes into an archive', () => {
  test('.git and output-dir are never archived, whatever archive-files says, with a warning per pattern', async () => {
    const dir = workspace();
    // What actions/checkout leaves in .git/config by default.
    spawnSync(
      'git',
      ['config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic c2VjcmV0LXRva2Vu'],
      {
        cwd: dir,
      },
    );
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(
      path.join(dir, 'dist', 'old_0.9.0_linux_amd64.tar.gz'),
      'an archive of an earlier release',
    );
    const result = await run(dir, { 'archive-files': '**\n.git/config\n.*/**\nREADME*' });
    expect(result.exitCode, result.log).toBe(0);

    const archive = path.join(dir, 'dist', 'good_1.2.3_linux_amd64.tar.gz');
    expect(archiveNames(archive).sort()).toEqual(['go.mod', 'good', 'main.go']);
    expect(fs.readFileSync(archive).includes('c2VjcmV0LXRva2Vu')).toBe(false);

    const warnings = result.warnings();
    const about = (pattern: string, where: RegExp): string[] =>
      warnings.filter((w) => w.startsWith(`archive-files pattern "${pattern}" matched`) && where.test(w));
    expect(about('**', /in \.git\/, which is never archived/)[0]).toMatch(/\.git\/config/);
    const outputDirWarning = about('**', /in output-dir \(dist\)/)[0];
    expect(outputDirWarning).toContain('dist/good_linux_amd64/good');
    expect(outputDirWarning).toContain('dist/old_0.9.0_linux_amd64.tar.gz');
    expect(about('.git/config', /in \.git\//)[0]).toMatch(/matched 1 file\(s\).*Left out: \.git\/config\./);
    expect(about('.*/**', /in \.git\//)).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('"README*"'))).toEqual([]);
  });

  test('with output-dir . the action leaves out its own outputs only, the module files still ship', async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'README.md'), '# good\n');
    const first = await run(dir, { 'output-dir': '.', 'archive-files': '*' });
    expect(first.exitCode, first.log).toBe(0);
    // A second run: the first one's archive and checksums sit in the module folder now.
    const second = await run(dir, { 'output-dir': '.', 'archive-files': '*\n**/*' });
    expect(second.exitCode, second.log).toBe(0);
    expect(archiveNames(path.join(dir, 'good_1.2.3_linux_amd64.tar.gz')).sort()).toEqual([
      'README.md',
      'go.mod',
      'good',
      'main.go',
    ]);
    expect(second.warnings().join('\n')).toMatch(
      /archive-files pattern "\*\*\/\*" matched \d+ file\(s\) in output-dir \(\.\).*good_linux_amd64\/good/,
    );
  });
});

describe('nothing is written through a symbolic link', () => {
  test('links where checksums, the archive, its SBOM, the manifest and the binary folder go are replaced; their targets stay as they were', async () => {
    const dir = workspace();
    const outside = tempDir();
    for (const name of ['checksums.txt', 'archive.tar.gz', 'manifest.json', 'sbom.json'])
      fs.writeFileSync(path.join(outside, name), `victim ${name}\n`);
    fs.mkdirSync(path.join(outside, 'folder'));
    const dist = path.join(dir, 'dist');
    fs.mkdirSync(dist);
    fs.symlinkSync(path.join(outside, 'checksums.txt'), path.join(dist, 'checksums.txt'));
    fs.symlinkSync(path.join(outside, 'archive.tar.gz'), path.join(dist, 'good_1.2.3_linux_amd64.tar.gz'));
    fs.symlinkSync(path.join(outside, 'manifest.json'), path.join(dist, '.gin-release-outputs.json'));
    fs.symlinkSync(
      path.join(outside, 'sbom.json'),
      path.join(dist, 'good_1.2.3_linux_amd64.tar.gz.sbom.json'),
    );
    fs.symlinkSync(path.join(outside, 'folder'), path.join(dist, 'good_linux_amd64'));

    const result = await run(dir);
    expect(result.exitCode, result.log).toBe(0);
    expect(tree(outside)).toEqual([
      'archive.tar.gz',
      'checksums.txt',
      'folder/',
      'manifest.json',
      'sbom.json',
    ]);
    for (const name of ['checksums.txt', 'archive.tar.gz', 'manifest.json', 'sbom.json'])
      expect(fs.readFileSync(path.join(outside, name), 'utf8')).toBe(`victim ${name}\n`);
    expect(tree(dist)).toEqual([
      '.gin-release-outputs.json',
      'checksums.txt',
      'good_1.2.3_linux_amd64.tar.gz',
      'good_1.2.3_linux_amd64.tar.gz.sbom.json',
      'good_linux_amd64/',
      'good_linux_amd64/good',
    ]);
    expect(fs.readFileSync(path.join(dist, 'checksums.txt'), 'utf8')).toBe(
      ['good_1.2.3_linux_amd64.tar.gz', 'good_1.2.3_linux_amd64.tar.gz.sbom.json']
        .map((name) => `${sha256(path.join(dist, name))}  ${name}\n`)
        .join(''),
    );
    const warning = result.warnings().find((w) => w.includes('replaced symbolic links'));
    expect(warning).toContain(`good_linux_amd64 -> ${path.join(outside, 'folder')}`);
    expect(warning).toContain(`checksums.txt -> ${path.join(outside, 'checksums.txt')}`);
    expect(warning).toContain(`good_1.2.3_linux_amd64.tar.gz -> ${path.join(outside, 'archive.tar.gz')}`);
    expect(warning).toContain(
      `good_1.2.3_linux_amd64.tar.gz.sbom.json -> ${path.join(outside, 'sbom.json')}`,
    );
  });

  test.each([
    [
      'inside the workspace',
      'linked',
      /out\/dist is a symbolic link \(to .*linked\); the action writes only into real folders/,
    ],
    ['outside the workspace', 'outside', /It leads to .*, outside the workspace/],
  ])(
    'an output-dir that is a link (%s) is refused before anything is built; nothing is written where it points',
    async (_where, kind, message) => {
      const dir = workspace();
      const target = kind === 'linked' ? path.join(dir, 'linked') : tempDir();
      fs.mkdirSync(target, { recursive: true });
      fs.mkdirSync(path.join(dir, 'out'));
      fs.symlinkSync(target, path.join(dir, 'out', 'dist'));
      const result = await run(dir, { 'output-dir': 'out/dist' });
      expect(result.exitCode).toBe(1);
      const errors = result.errors().join('\n');
      expect(errors).toContain('Invalid input output-dir: "out/dist".');
      expect(errors).toMatch(message);
      expect(result.log).not.toMatch(/^Built /m);
      expect(tree(target)).toEqual([]);
    },
  );
});

describe('output-dir holds this run only', () => {
  test("earlier runs' outputs are removed at the start, files users put there stay", async () => {
    const dir = workspace();
    const dist = path.join(dir, 'dist');
    const first = await run(dir, { version: '1.0.0', targets: 'linux/amd64, linux/arm64' });
    expect(first.exitCode, first.log).toBe(0);
    fs.writeFileSync(path.join(dist, 'NOTES.md'), 'mine\n');
    fs.mkdirSync(path.join(dist, 'keep'));
    fs.writeFileSync(path.join(dist, 'keep', 'data.json'), '{}\n');
    // A user's file inside a folder the action made: the folder stays, with it.
    fs.writeFileSync(path.join(dist, 'good_linux_arm64', 'mine.txt'), 'mine\n');
    // A manifest edited by hand or by a hostile step: paths out of output-dir and through links are not acted on.
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'victim\n');
    fs.symlinkSync(outside, path.join(dist, 'through-link'));
    const manifestFile = path.join(dist, '.gin-release-outputs.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files: string[] };
    manifest.files.push('../main.go', '/etc/hostname', 'through-link/victim.txt');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));

    const second = await run(dir, { version: '1.0.1' });
    expect(second.exitCode, second.log).toBe(0);
    expect(tree(dist)).toEqual([
      '.gin-release-outputs.json',
      'NOTES.md',
      'checksums.txt',
      'good_1.0.1_linux_amd64.tar.gz',
      'good_1.0.1_linux_amd64.tar.gz.sbom.json',
      'good_linux_amd64/',
      'good_linux_amd64/good',
      'good_linux_arm64/',
      'good_linux_arm64/mine.txt',
      'keep/',
      'keep/data.json',
      `through-link -> ${outside}`,
    ]);
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('victim\n');
    expect(fs.existsSync(path.join(dir, 'main.go'))).toBe(true);
    expect(fs.readFileSync(path.join(dist, 'checksums.txt'), 'utf8')).not.toContain('1.0.0');
    expect(second.warnings().join('\n')).toContain(
      'lists paths that are not plain paths inside output-dir, left alone: ../main.go, /etc/hostname',
    );
    expect(second.log).toContain(
      'removed 8 output(s) of earlier runs (checksums.txt, good_1.0.0_linux_amd64.tar.gz, good_1.0.0_linux_amd64.tar.gz.sbom.json, good_1.0.0_linux_arm64.tar.gz, good_1.0.0_linux_arm64.tar.gz.sbom.json, good_linux_amd64/good, good_linux_arm64/good, good_linux_amd64/)',
    );
    const written = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
      files: string[];
      folders: string[];
    };
    expect(written.files).toEqual([
      'checksums.txt',
      'good_1.0.1_linux_amd64.tar.gz',
      'good_1.0.1_linux_amd64.tar.gz.sbom.json',
      'good_linux_amd64/good',
    ]);
    expect(written.folders.sort()).toEqual(['good_linux_amd64', 'good_linux_arm64']);
    expect(fs.existsSync(path.join(dist, '.gin-release.lock'))).toBe(false);
  });

  test.each([
    ['restrictive', 0o077],
    ['permissive', 0o000],
  ])('modes under a %s umask: binaries and folders 0755, every other file 0644', async (_name, umask) => {
    const dir = workspace();
    const result = await run(
      dir,
      { targets: 'linux/amd64, windows/amd64', 'archive-format': 'auto', 'output-dir': 'out/dist' },
      { umask },
    );
    expect(result.exitCode, result.log).toBe(0);
    const dist = path.join(dir, 'out', 'dist');
    expect(
      tree(dist)
        .filter((entry) => !entry.endsWith('/'))
        .map((entry) => [entry, mode(path.join(dist, entry))]),
    ).toEqual([
      ['.gin-release-outputs.json', '644'],
      ['checksums.txt', '644'],
      ['good_1.2.3_linux_amd64.tar.gz', '644'],
      ['good_1.2.3_linux_amd64.tar.gz.sbom.json', '644'],
      ['good_1.2.3_windows_amd64.zip', '644'],
      ['good_1.2.3_windows_amd64.zip.sbom.json', '644'],
      ['good_linux_amd64/good', '755'],
      ['good_windows_amd64/good.exe', '755'],
    ]);
    for (const folder of ['out', 'out/dist', 'out/dist/good_linux_amd64', 'out/dist/good_windows_amd64'])
      expect(mode(path.join(dir, folder)), folder).toBe('755');
  });
});

describe('one run at a time per output-dir', () => {
  function lockFile(dir: string, pid: number): string {
    const file = path.join(dir, 'dist', '.gin-release.lock');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const holder = {
      pid,
      host: os.hostname(),
      started: '2024-05-01T12:00:00.000Z',
      run: `gin-release-${pid}-test`,
    };
    fs.writeFileSync(file, JSON.stringify(holder));
    return file;
  }

  test('a lock of a run that is gone is taken over', async () => {
    const dir = workspace();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    lockFile(dir, Number(gone.stdout.toString()));
    const result = await run(dir);
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toMatch(
      /Took over .*\.gin-release\.lock: its run \(pid \d+, since 2024-05-01T12:00:00\.000Z\) is gone/,
    );
    expect(fs.existsSync(path.join(dir, 'dist', '.gin-release.lock'))).toBe(false);
  });

  test('a lock of a live run fails the step before the build, naming output-dir, the holder and the lock file', async () => {
    const dir = workspace();
    const holder = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      const file = lockFile(dir, holder.pid!);
      const before = fs.readFileSync(file, 'utf8');
      const result = await run(dir);
      expect(result.exitCode).toBe(1);
      expect(result.errors().join('\n')).toContain(
        `output-dir ${path.join(dir, 'dist')} is locked: another gin-release run (pid ${holder.pid} on ${os.hostname()}, since 2024-05-01T12:00:00.000Z) is using it (lock file ${file}).`,
      );
      expect(result.log).not.toMatch(/^Built /m);
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      expect(result.outputs.has('checksums-file')).toBe(false);
      expect(result.outputs.has('artifacts')).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  test('two runs at once: the second fails clearly, the first describes only its own files', async () => {
    const dir = workspace(path.join(FIXTURES, 'smoke/gate'));
    const lock = path.join(dir, 'dist', '.gin-release.lock');
    const gate = path.join(tempDir(), 'open');
    // The first run holds output-dir through a smoke test of an app that listens only once the gate is opened,
    // after the second run is over, however slow the machine is.
    const first = run(dir, {
      'smoke-test': 'true',
      'smoke-env': `GATE_FILE=${gate}`,
      'ready-timeout': '600',
    });
    try {
      for (let look = 0; look < 1200 && !fs.existsSync(lock); look++)
        await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(lock)).toBe(true);
      const second = await run(dir, { version: '9.9.9' });
      fs.writeFileSync(gate, '');
      const firstResult = await first;

      expect(second.exitCode).toBe(1);
      expect(second.errors().join('\n')).toContain(
        `output-dir ${path.join(dir, 'dist')} is locked: another gin-release run (pid ${firstResult.pid} `,
      );
      expect(second.outputs.has('artifacts')).toBe(false);
      expect(firstResult.exitCode, firstResult.log).toBe(0);
      const artifacts = JSON.parse(firstResult.outputs.get('artifacts')!) as Array<{
        archive: { path: string; sha256: string };
      }>;
      expect(artifacts.map((a) => path.basename(a.archive.path))).toEqual(['gate_1.2.3_linux_amd64.tar.gz']);
      const checksums = fs.readFileSync(firstResult.outputs.get('checksums-file')!, 'utf8');
      expect(checksums.split('\n')[0]).toBe(`${artifacts[0]!.archive.sha256}  gate_1.2.3_linux_amd64.tar.gz`);
      expect(checksums).not.toContain('9.9.9');
      expect(sha256(artifacts[0]!.archive.path)).toBe(artifacts[0]!.archive.sha256);
      expect(tree(path.join(dir, 'dist')).filter((e) => e.includes('9.9.9'))).toEqual([]);
    } finally {
      // Whatever failed above, the first run is let go.
      fs.writeFileSync(gate, '');
      await first;
    }
  });
});
