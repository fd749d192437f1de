// The pure parts of what is written and what ships: the output-dir manifest (what is the action's), the lock's
// verdicts, what archive-files can never ship, and where registry credentials go. No files, no processes.
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { lockVerdict, parseLock, formatLock, type LockHolder } from '../../src/files/lock.js';
import {
  cleaningSteps,
  foldersOf,
  formatManifest,
  isSafeEntry,
  outputEntry,
  parseManifest,
  planOutputDir,
} from '../../src/files/manifest.js';
import { withheldReason, withheldWarning, type WithholdRules } from '../../src/files/never-shipped.js';
import { tempRoot } from '../../src/image/registry.js';
import { getInputs } from '../../src/inputs.js';
import { planRelease, type PlanFacts } from '../../src/plan.js';
import { setInputs } from '../support/inputs.js';

describe('manifest entries', () => {
  test.each([
    ['app_1.2.3_linux_amd64.tar.gz', true],
    ['app_linux_amd64/app', true],
    ['a/b/c.txt', true],
    ['..name', true],
    ['', false],
    ['.', false],
    ['..', false],
    ['../main.go', false],
    ['a/../../b', false],
    ['a//b', false],
    ['a/./b', false],
    ['/etc/passwd', false],
    ['C:/x', false],
    ['a\\b', false],
    ['a\0b', false],
    ['.gin-release-outputs.json', false],
    ['.gin-release.lock', false],
    ['sub/.gin-release.lock', true],
    [42, false],
    [null, false],
  ])('%j is safe: %s', (entry, safe) => {
    expect(isSafeEntry(entry)).toBe(safe);
  });

  test('a written manifest reads back as it was, files sorted, folders parents first', () => {
    const manifest = { files: ['z.txt', 'b/app', 'a.tar.gz', 'z.txt'], folders: ['b/c', 'b'] };
    const text = formatManifest(manifest);
    expect(parseManifest(text)).toEqual({
      manifest: { files: ['a.tar.gz', 'b/app', 'z.txt'], folders: ['b', 'b/c'] },
      refused: [],
      problem: '',
    });
    expect(text.endsWith('\n')).toBe(true);
  });

  test.each([
    ['not json', { problem: 'it is not JSON', files: [], refused: [] }],
    ['[]', { problem: 'it is not a gin-release-outputs/v1 manifest', files: [], refused: [] }],
    ['{"files":["a"]}', { problem: 'it is not a gin-release-outputs/v1 manifest', files: [], refused: [] }],
    [
      '{"format":"gin-release-outputs/v1","files":["a","../b","/etc/x",7,"c/d"],"folders":"x"}',
      { problem: '', files: ['a', 'c/d'], refused: ['../b', '/etc/x', '7'] },
    ],
  ])('%s', (text, expected) => {
    const parsed = parseManifest(text);
    expect({ problem: parsed.problem, files: parsed.manifest.files, refused: parsed.refused }).toEqual(
      expected,
    );
    expect(parsed.manifest.folders).toEqual([]);
  });

  test.each([
    [['a'], []],
    [
      ['a/b', 'a/c/d', 'e/f'],
      ['a', 'e', 'a/c'],
    ],
    [['x/y/z/w'], ['x', 'x/y', 'x/y/z']],
  ])('folders of %j', (entries, folders) => {
    expect(foldersOf(entries)).toEqual(folders);
  });

  test('cleaning removes the earlier files and this run’s names, then the earlier folders deepest first', () => {
    expect(
      cleaningSteps(
        { files: ['old.tar.gz', 'a/app', 'checksums.txt'], folders: ['a', 'a/b', 'c'] },
        { files: ['checksums.txt', 'new.tar.gz'] },
      ),
    ).toEqual({ files: ['a/app', 'checksums.txt', 'new.tar.gz', 'old.tar.gz'], folders: ['a/b', 'c', 'a'] });
  });

  test('outputEntry refuses what is not below output-dir', () => {
    const dist = path.resolve('/w/dist');
    expect(outputEntry(dist, path.join(dist, 'a', 'b'))).toBe('a/b');
    expect(() => outputEntry(dist, dist)).toThrow(/is not a file inside output-dir/);
    expect(() => outputEntry(dist, path.resolve('/w/other'))).toThrow(/is not a file inside output-dir/);
    expect(() => outputEntry(dist, path.join(dist, '.gin-release.lock'))).toThrow();
  });
});

describe('the plan names every file the run writes into output-dir', () => {
  const FACTS: PlanFacts = {
    go: { version: '1.26.8', goBinary: '/usr/local/go/bin/go', distList: ['linux/amd64', 'windows/amd64'] },
    release: { version: '1.2.3', commit: '', date: '2024-05-01T12:00:00Z', epoch: 1714564800, ref: '' },
    modulePath: 'example.com/app',
    archiveFiles: [],
    runner: { host: { platform: 'linux', arch: 'x64', cpuFlags: null }, emulators: new Map() },
    env: { GITHUB_WORKSPACE: path.resolve('/w') },
  };

  function outputsFor(inputs: Record<string, string>) {
    const saved = process.env['GITHUB_WORKSPACE'];
    process.env['GITHUB_WORKSPACE'] = path.resolve('/w');
    const restore = setInputs({ targets: 'linux/amd64, windows/amd64', ...inputs });
    try {
      return planRelease(getInputs(), FACTS).outputs;
    } finally {
      restore();
      if (saved === undefined) delete process.env['GITHUB_WORKSPACE'];
      else process.env['GITHUB_WORKSPACE'] = saved;
    }
  }

  test.each([
    [
      {},
      [
        'app_1.2.3_linux_amd64.tar.gz',
        'app_1.2.3_linux_amd64.tar.gz.sbom.json',
        'app_1.2.3_windows_amd64.zip',
        'app_1.2.3_windows_amd64.zip.sbom.json',
        'app_linux_amd64/app',
        'app_windows_amd64/app.exe',
        'checksums.txt',
      ],
      ['app_linux_amd64', 'app_windows_amd64'],
    ],
    [
      {
        'archive-format': 'none',
        'checksums-file': 'SHA256SUMS',
        'binary-template': 'bin/{os}-{arch}/{name}{ext}',
      },
      [
        'SHA256SUMS',
        'bin/linux-amd64/app',
        'bin/linux-amd64/app.sbom.json',
        'bin/windows-amd64/app.exe',
        'bin/windows-amd64/app.exe.sbom.json',
      ],
      ['bin', 'bin/linux-amd64', 'bin/windows-amd64'],
    ],
    [
      { 'archive-name-template': 'archives/{os}/{name}-{arch}', 'archive-sbom': 'true' },
      [
        'app_linux_amd64/app',
        'app_windows_amd64/app.exe',
        'archives/linux/app-amd64.tar.gz',
        'archives/linux/app-amd64.tar.gz.sbom.json',
        'archives/windows/app-amd64.zip',
        'archives/windows/app-amd64.zip.sbom.json',
        'checksums.txt',
      ],
      ['app_linux_amd64', 'app_windows_amd64', 'archives', 'archives/linux', 'archives/windows'],
    ],
  ])('%j', (inputs, files, folders) => {
    const outputs = outputsFor(inputs);
    expect(outputs.files).toEqual(files);
    expect(outputs.folders).toEqual(folders);
    expect(outputs.outputDir).toBe(path.resolve('/w/dist'));
    expect(outputs.workspace).toBe(path.resolve('/w'));
    expect(outputs.input).toBe('dist');
  });

  test('planOutputDir refuses a file outside output-dir', () => {
    expect(() =>
      planOutputDir({
        outputDir: '/w/dist',
        input: 'dist',
        workingDirectory: '/w',
        workspace: '/w',
        files: ['/w/README.md'],
      }),
    ).toThrow(/is not a file inside output-dir/);
  });
});

describe('the output-dir lock', () => {
  const holder: LockHolder = {
    pid: 4242,
    host: 'runner-1',
    started: '2024-05-01T12:00:00.000Z',
    run: 'gin-release-4242-abc',
    processStart: '123456',
  };

  test('reads back what it writes', () => {
    expect(parseLock(formatLock(holder))).toEqual(holder);
    const withoutStart: LockHolder = { ...holder };
    delete withoutStart.processStart;
    expect(parseLock(formatLock(withoutStart))).toEqual(withoutStart);
  });

  test.each([
    '',
    'pid 4242',
    '{}',
    '{"pid":"4242","host":"h","started":"s","run":"r"}',
    '{"pid":0,"host":"h","started":"s","run":"r"}',
  ])('%j is no lock', (text) => {
    expect(parseLock(text)).toBeNull();
  });

  test.each([
    ['a live holder on this host', holder, 'runner-1', true, 'held'],
    ['a holder that is gone', holder, 'runner-1', false, 'stale'],
    ['a holder on another host', holder, 'runner-2', false, 'foreign'],
    ['a holder on another host, whatever a pid here says', holder, 'runner-2', true, 'foreign'],
    ['a file that is no lock', null, 'runner-1', true, 'stale'],
  ] as const)('%s: %s', (_name, lock, host, alive, verdict) => {
    const asked: Array<[number, string | undefined]> = [];
    expect(
      lockVerdict(lock, host, (pid, start) => {
        asked.push([pid, start]);
        return alive;
      }),
    ).toBe(verdict);
    if (verdict === 'held' || verdict === 'stale') {
      if (lock) expect(asked).toEqual([[4242, '123456']]);
    } else {
      expect(asked).toEqual([]);
    }
  });
});

describe('what archive-files can never ship', () => {
  const rules = (outputDir: string, own: string[] = []): WithholdRules => ({
    workingDirectory: '/w',
    realWorkingDirectory: '/real/w',
    outputDir,
    realOutputDir: outputDir === '/w' ? '/real/w' : outputDir.replace('/w', '/real/w'),
    ownFiles: new Set(own),
  });

  test.each([
    ['/w/README.md', '/real/w/README.md', null],
    ['/w/.git/config', '/real/w/.git/config', 'git'],
    ['/w/.GIT/config', '/real/w/.GIT/config', 'git'],
    ['/w/vendor/x/.git/config', '/real/w/vendor/x/.git/config', 'git'],
    ['/w/sub/.git', '/real/w/sub/.git', 'git'],
    ['/w/.gitignore', '/real/w/.gitignore', null],
    ['/w/.github/workflows/ci.yml', '/real/w/.github/workflows/ci.yml', null],
    ['/w/docs/config', '/real/w/.git/config', 'git'],
    ['/w/dist/app.tar.gz', '/real/w/dist/app.tar.gz', 'output-dir'],
    ['/w/dist/sub/x', '/real/w/dist/sub/x', 'output-dir'],
    ['/w/docs/old.tar.gz', '/real/w/dist/old.tar.gz', 'output-dir'],
    ['/w/distribution.md', '/real/w/distribution.md', null],
  ] as const)('%s (really %s): %s', (match, real, reason) => {
    expect(withheldReason(match, real, rules('/w/dist'))).toBe(reason);
  });

  test.each([
    ['/w/README.md', null],
    ['/w/app_linux_amd64/app', 'output-dir'],
    ['/w/.gin-release.lock', 'output-dir'],
    ['/w/.gin-release-outputs.json', 'output-dir'],
    ['/w/sub/.gin-release.lock', null],
    ['/w/.git/HEAD', 'git'],
  ] as const)('with output-dir . : %s is %s', (match, reason) => {
    const real = match.replace('/w', '/real/w');
    expect(withheldReason(match, real, rules('/w', ['/w/app_linux_amd64/app']))).toBe(reason);
  });

  test.each([
    [
      '**',
      'git',
      ['.git/HEAD', '.git/config'],
      'archive-files pattern "**" matched 2 file(s) in .git/, which is never archived: its config can hold the checkout token. Left out: .git/HEAD, .git/config.',
    ],
    [
      'dist/*',
      'output-dir',
      ['dist/a', 'dist/b', 'dist/c', 'dist/d', 'dist/e', 'dist/f', 'dist/g'],
      'archive-files pattern "dist/*" matched 7 file(s) in output-dir (dist), which is never archived: it holds the action\'s own outputs, earlier archives among them. Left out: dist/a, dist/b, dist/c, dist/d, dist/e, and 2 more.',
    ],
  ] as const)('warning for %s', (pattern, reason, files, message) => {
    expect(withheldWarning(pattern, reason, files, 'dist')).toBe(message);
  });
});

describe('registry credentials', () => {
  test.each([
    [{ RUNNER_TEMP: '/home/runner/work/_temp' }, '/home/runner/work/_temp'],
    [{ RUNNER_TEMP: '' }, 'os.tmpdir'],
    [{}, 'os.tmpdir'],
  ])('%j go under %s', async (env, expected) => {
    const os = await import('node:os');
    expect(tempRoot(env)).toBe(expected === 'os.tmpdir' ? os.tmpdir() : expected);
  });
});
