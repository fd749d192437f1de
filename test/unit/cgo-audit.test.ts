// The cgo audit's pure parts: which `go list` runs, what its lines say, the words of the warning, the smoke hint
// and the glibc need.
import { describe, expect, test } from 'vitest';
import type { BuildPlan } from '../../src/build/plan.js';
import { parseTarget } from '../../src/build/targets.js';
import {
  cgoAuditMessage,
  cgoPackageLine,
  glibcRequirement,
  glibcWarning,
  mergeCgoPackages,
  parseCgoList,
  parseGetconfGlibc,
  planCgoAudit,
  smokeHint,
  type CgoPackage,
} from '../../src/cgo/audit.js';

const build = (id: string): BuildPlan => {
  const target = parseTarget(id);
  return {
    target,
    output: `/out/${id}`,
    args: [],
    env: { CGO_ENABLED: '0', GOOS: target.goos, GOARCH: target.goarch },
  };
};
const BUILDS = ['linux/amd64', 'linux/arm64', 'darwin/arm64', 'windows/amd64'].map(build);
const base = {
  cgoAudit: 'warn' as const,
  cgo: false,
  workingDirectory: '/w',
  main: './cmd/api',
  buildTags: ['netgo'],
};

describe('planCgoAudit', () => {
  test('off plans nothing', () => {
    expect(planCgoAudit({ ...base, cgoAudit: 'off' }, 'go', BUILDS, 'linux')).toBeNull();
  });

  test('cgo off: one go list per GOOS, with the first build of it and cgo switched on', () => {
    const plan = planCgoAudit(base, 'go', BUILDS, 'linux')!;
    expect(plan.commands.map((c) => [c.goos, c.env])).toEqual([
      ['linux', { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64' }],
      ['darwin', { CGO_ENABLED: '1', GOOS: 'darwin', GOARCH: 'arm64' }],
      ['windows', { CGO_ENABLED: '1', GOOS: 'windows', GOARCH: 'amd64' }],
    ]);
    expect(plan.commands[0]!.args.slice(0, 5)).toEqual(['list', '-e', '-deps', '-tags', 'netgo']);
    expect(plan.commands[0]!.args.slice(-2)).toEqual(['--', './cmd/api']);
    expect(plan.readRunnerGlibc).toBe(false);
  });

  test.each<[string, boolean]>([
    ['linux', true],
    ['darwin', false],
  ])('cgo on: nothing to list; the runner glibc is read on %s: %s', (host, reads) => {
    const plan = planCgoAudit({ ...base, cgo: true }, 'go', BUILDS, host)!;
    expect(plan.commands).toEqual([]);
    expect(plan.readRunnerGlibc).toBe(reads);
  });
});

const sqlite: CgoPackage = {
  importPath: 'github.com/mattn/go-sqlite3',
  module: 'github.com/mattn/go-sqlite3',
  mainModule: false,
  cgoFiles: ['backup.go', 'sqlite3.go'],
  goos: ['linux', 'darwin', 'windows'],
};

describe('go list lines', () => {
  test('parsed per GOOS and merged by import path', () => {
    const linux = parseCgoList(
      'github.com/mattn/go-sqlite3\tgithub.com/mattn/go-sqlite3\tfalse\tbackup.go,sqlite3.go\nexample.com/app/native\texample.com/app\ttrue\tnative.go\n',
      'linux',
    );
    const darwin = parseCgoList(
      'github.com/mattn/go-sqlite3\tgithub.com/mattn/go-sqlite3\tfalse\tbackup.go,sqlite3.go\n',
      'darwin',
    );
    expect(mergeCgoPackages([linux, darwin])).toEqual([
      { ...sqlite, goos: ['linux', 'darwin'] },
      {
        importPath: 'example.com/app/native',
        module: 'example.com/app',
        mainModule: true,
        cgoFiles: ['native.go'],
        goos: ['linux'],
      },
    ]);
    expect(parseCgoList('\n', 'linux')).toEqual([]);
  });
});

describe('what the user reads', () => {
  const ALL = ['linux', 'darwin', 'windows'];
  test.each<[CgoPackage, string]>([
    [
      sqlite,
      'github.com/mattn/go-sqlite3 needs cgo; with cgo: false it builds a stub that fails at run time; use modernc.org/sqlite or cgo: true',
    ],
    [
      {
        ...sqlite,
        importPath: 'example.com/cgodep',
        module: 'example.com/cgodep',
        cgoFiles: ['cgo.go'],
        goos: ['linux'],
      },
      'example.com/cgodep needs cgo (for linux); with cgo: false its cgo files (cgo.go) are left out, so it builds only what it has without cgo, often a stub that fails at run time; use a pure-Go alternative or cgo: true',
    ],
    [
      {
        importPath: 'example.com/app/native',
        module: 'example.com/app',
        mainModule: true,
        cgoFiles: ['native.go'],
        goos: ALL,
      },
      'example.com/app/native (your own package, cgo files native.go) needs cgo; with cgo: false those files are left out; set cgo: true or give them a !cgo counterpart',
    ],
  ])('%#', (pkg, line) => {
    expect(cgoPackageLine(pkg, ALL)).toBe(line);
  });

  test('the warning and the error', () => {
    expect(cgoAuditMessage([], ALL, 'warn')).toBe('');
    expect(cgoAuditMessage([sqlite], ALL, 'warn')).toBe(
      'cgo audit: 1 package(s) in the build have cgo files, and cgo is off (cgo: false):\n- github.com/mattn/go-sqlite3 needs cgo; with cgo: false it builds a stub that fails at run time; use modernc.org/sqlite or cgo: true\nThe build goes on (cgo-audit: warn); cgo-audit: error stops it here, cgo-audit: off silences this.',
    );
    expect(cgoAuditMessage([sqlite], ALL, 'error')).toMatch(
      /\nNothing was built \(cgo-audit: error\)\. Set cgo: true, replace the package, or cgo-audit: warn to build anyway\.$/,
    );
  });

  test('the smoke hint names the packages of that GOOS only', () => {
    expect(smokeHint([sqlite], 'linux')).toBe(
      'Hint (cgo audit): this binary was built with cgo off, and github.com/mattn/go-sqlite3 needs cgo; a stub that fails at run time is a likely cause. Set cgo: true or use a pure-Go alternative.',
    );
    expect(smokeHint([sqlite], 'freebsd')).toBe('');
  });
});

describe('glibc', () => {
  test.each<[Record<string, string[]>, string]>([
    [{ 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.34', 'GLIBC_2.3.2', 'GLIBC_2.32'] }, '2.34'],
    [{ 'libc.so.6': ['GLIBC_2.17'], 'libpthread.so.0': ['GLIBC_2.3.2'] }, '2.17'],
    [{ 'libfoo.so': ['FOO_1.0'] }, ''],
    [{}, ''],
  ])('newest of %j is %j', (needs, version) => {
    expect(glibcRequirement(needs)).toBe(version);
  });

  test.each<[string, string]>([
    ['glibc 2.36\n', '2.36'],
    ['', ''],
    ['getconf: Unrecognized variable', ''],
  ])('getconf %j', (stdout, version) => {
    expect(parseGetconfGlibc(stdout)).toBe(version);
  });

  test('the warning names the library, the version it needs and the runner', () => {
    expect(glibcWarning('linux/amd64', ['libc.so.6'], '2.34', '2.36')).toBe(
      'linux/amd64 is built with cgo: true and loads libc.so.6 (glibc) at run time: it needs glibc 2.34 or newer (its newest versioned symbol is GLIBC_2.34); this runner has glibc 2.36. It will not start on older distributions or on musl systems such as Alpine; build on the oldest system you support, link statically, or keep cgo: false.',
    );
    expect(glibcWarning('linux/arm64', ['libc.so.6'], '', '')).toContain(
      'it needs the glibc it was linked against. It will',
    );
  });
});
