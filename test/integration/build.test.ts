// Real go builds of the fixtures: the matrix, version injection, reproducibility, failures and input errors.
// The std-app matrix and the gin-app binary come from the integration project's global setup
// (test/support/shared-builds.ts); the files here build only what is particular to a test.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type BuildOutcome, formatBuildFailure, runBuilds } from '../../src/build/compile.js';
import { checkMainPackage, checkTargetsSupported, defaultBinaryName } from '../../src/build/module.js';
import { planBuilds } from '../../src/build/plan.js';
import { checkInspection, inspectBinary } from '../../src/build/inspect.js';
import { parseTargets } from '../../src/build/targets.js';
import { InputError } from '../../src/errors.js';
import { resolveReleaseInfo } from '../../src/release.js';
import {
  buildOptions,
  copyFixture,
  GO,
  getWhenReady,
  startBinary,
  stopAll,
  TEST_RELEASE,
} from '../support/build-fixture.js';
import { GIN_APP, GIN_CMD_APP, makeTempDir, removeTempDirs, STD_APP } from '../support/fixtures.js';
import { type SharedBuild, sharedBuilds, sharedOutcome, STD_APP_TARGETS } from '../support/shared-builds.js';

const MATRIX = STD_APP_TARGETS;

let stdApp: SharedBuild;
let outputDir: string;
let outcomes: BuildOutcome[];

beforeAll(() => {
  stdApp = sharedBuilds().stdApp;
  outputDir = stdApp.outputDir;
  outcomes = stdApp.outcomes;
});

afterEach(stopAll);
afterAll(removeTempDirs);

function binaryFor(id: string): string {
  return sharedOutcome(stdApp, id).plan.output;
}

describe('the cross-compile matrix', () => {
  test('every target builds, in plan order, at the templated path', async () => {
    expect(outcomes.map((o) => [o.plan.target.id, o.ok, o.exitCode])).toEqual(
      MATRIX.map((t) => [t.id, true, 0]),
    );
    const files = outcomes.map((o) => path.relative(outputDir, o.plan.output).split(path.sep).join('/'));
    expect(files).toEqual([
      'std-app_linux_amd64/std-app',
      'std-app_linux_arm64/std-app',
      'std-app_linux_arm_v7/std-app',
      'std-app_linux_386/std-app',
      'std-app_linux_riscv64/std-app',
      'std-app_linux_ppc64le/std-app',
      'std-app_linux_s390x/std-app',
      'std-app_linux_mips/std-app',
      'std-app_darwin_arm64/std-app',
      'std-app_windows_amd64/std-app.exe',
      'std-app_windows_386/std-app.exe',
      'std-app_freebsd_amd64/std-app',
      'std-app_linux_amd64_v3/std-app',
    ]);
    for (const outcome of outcomes) await fs.access(outcome.plan.output);
  });

  test.each(MATRIX.map((t) => [t.id, t] as const))('%s is what it claims', async (_id, target) => {
    const inspection = await inspectBinary(binaryFor(target.id));
    expect(checkInspection(inspection, target, { cgo: false })).toEqual([]);
    // -trimpath keeps -ldflags out of build info, so look for the stamped values in the binary's data.
    const bytes = await fs.readFile(binaryFor(target.id));
    for (const stamp of [TEST_RELEASE.version, TEST_RELEASE.commit, TEST_RELEASE.date])
      expect(bytes.includes(stamp)).toBe(true);
  });

  test('variants reach the compiler', async () => {
    expect((await inspectBinary(binaryFor('linux/arm/v7'))).buildInfo?.settings['GOARM']).toMatch(/^7/);
    expect((await inspectBinary(binaryFor('linux/amd64/v3'))).buildInfo?.settings['GOAMD64']).toBe('v3');
    expect((await inspectBinary(binaryFor('linux/amd64'))).buildInfo?.settings['GOAMD64']).toBe('v1');
  });

  test.each([
    ['std-app', () => binaryFor('linux/amd64')],
    ['gin-app', () => sharedOutcome(sharedBuilds().ginApp, 'linux/amd64').plan.output],
  ])(
    'the linux/amd64 %s binary serves the injected version, commit and date, and stops cleanly on SIGTERM',
    async (_name, binary) => {
      const app = await startBinary(binary());
      const health = await getWhenReady(app.port, '/healthz');
      expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
      const version = await getWhenReady(app.port, '/version');
      expect(JSON.parse(version.body)).toEqual({
        version: TEST_RELEASE.version,
        commit: TEST_RELEASE.commit,
        date: TEST_RELEASE.date,
      });
      app.child.kill('SIGTERM');
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(app.logs()).toContain('shutting down');
    },
  );

  test('-s -w makes the binary smaller than a plain go build, and build info survives the stripping', async () => {
    const ours = await inspectBinary(binaryFor('linux/amd64'));
    const theirs = await inspectBinary(sharedBuilds().stdAppPlain);
    expect(ours.size).toBeLessThan(theirs.size);
    expect(ours.buildInfo?.path).toBe('example.com/std-app');
    expect(ours.buildInfo?.settings['-trimpath']).toBe('true');
  });

  test('a rebuild from another checkout path into another folder is byte-identical', async () => {
    const copy = await copyFixture(STD_APP, 'repro-src');
    const otherOut = await makeTempDir('build-b');
    const targets = parseTargets('linux/amd64, windows/amd64, darwin/arm64');
    const again = await runBuilds(
      planBuilds(buildOptions({ workingDirectory: copy, outputDir: otherOut, targets })),
      2,
      GO,
      copy,
    );
    expect(again.map((o) => o.ok)).toEqual([true, true, true]);
    for (const outcome of again) {
      const first = await inspectBinary(binaryFor(outcome.plan.target.id));
      const second = await inspectBinary(outcome.plan.output);
      expect(second.sha256, outcome.plan.target.id).toBe(first.sha256);
    }
  });
});

// gin-cmd-app is the README's second example, so it stays a Gin app; its windows/arm64 build is the one Gin build
// for a target no shared build covers, minutes from an empty build cache on a busy machine.
const COLD_GIN_BUILD_TIMEOUT_MS = 15 * 60_000;

describe('the cmd/server fixture', () => {
  test(
    'builds with main ./cmd/server and a default name of "server"',
    async () => {
      const name = await defaultBinaryName(GIN_CMD_APP, './cmd/server');
      expect(name).toBe('server');
      await checkMainPackage(GO, GIN_CMD_APP, './cmd/server');
      const out = await makeTempDir('cmd');
      const targets = parseTargets('linux/amd64, windows/arm64');
      const results = await runBuilds(
        planBuilds(
          buildOptions({
            workingDirectory: GIN_CMD_APP,
            outputDir: out,
            targets,
            main: './cmd/server',
            binaryName: name,
          }),
        ),
        2,
        GO,
        GIN_CMD_APP,
      );
      expect(results.map((r) => [r.ok, path.relative(out, r.plan.output).split(path.sep).join('/')])).toEqual(
        [
          [true, 'server_linux_amd64/server'],
          [true, 'server_windows_arm64/server.exe'],
        ],
      );
      const inspection = await inspectBinary(results[0]!.plan.output);
      expect(inspection.buildInfo?.path).toBe('example.com/gin-cmd-app/cmd/server');
      expect(checkInspection(inspection, targets[0]!, { cgo: false })).toEqual([]);

      const app = await startBinary(results[0]!.plan.output);
      expect(await getWhenReady(app.port, '/hello?name=gin')).toEqual({
        status: 200,
        body: '{"message":"hello, gin"}',
      });
    },
    COLD_GIN_BUILD_TIMEOUT_MS,
  );
});

describe('failures', () => {
  test('one failing target is reported with the compiler output while the others build', async () => {
    const copy = await copyFixture(STD_APP, 'broken');
    await fs.writeFile(
      path.join(copy, 'broken_windows.go'),
      '//go:build windows\n\npackage main\n\nvar broken int = "not a number"\n',
    );
    const out = await makeTempDir('broken-out');
    const targets = parseTargets('linux/amd64, windows/amd64, darwin/arm64');
    const results = await runBuilds(
      planBuilds(buildOptions({ workingDirectory: copy, outputDir: out, targets })),
      2,
      GO,
      copy,
    );
    expect(results.map((r) => [r.plan.target.id, r.ok])).toEqual([
      ['linux/amd64', true],
      ['windows/amd64', false],
      ['darwin/arm64', true],
    ]);
    const failed = results[1]!;
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toMatch(/broken_windows\.go:5:\d+: cannot use "not a number"/);
    expect(formatBuildFailure(failed)).toMatch(
      /^Build for windows\/amd64 failed: go build exited with code 1 after \d+\.\ds:\n.*broken_windows\.go/s,
    );
    await expect(fs.access(failed.plan.output)).rejects.toThrow();
  });

  test('a go binary that cannot be started is an outcome, not a crash', async () => {
    const out = await makeTempDir('nogo');
    const plans = planBuilds(
      buildOptions({ workingDirectory: STD_APP, outputDir: out, targets: parseTargets('linux/amd64') }),
    );
    const [result] = await runBuilds(plans, 4, path.join(out, 'no-such-go'), STD_APP);
    expect(result!.ok).toBe(false);
    expect(result!.exitCode).toBe(-1);
    expect(formatBuildFailure(result!)).toMatch(/could not start the go command/);
  });

  test.each([
    [
      './internal/greeting',
      /Invalid input main: "\.\/internal\/greeting"\. It is package greeting, not package main/,
    ],
    [
      './does-not-exist',
      /Invalid input main: "\.\/does-not-exist"\. `go list` could not load it[\s\S]*does-not-exist/,
    ],
  ])('main %s is an InputError', async (main, message) => {
    const check = checkMainPackage(GO, GIN_CMD_APP, main);
    await expect(check).rejects.toThrow(InputError);
    await expect(checkMainPackage(GO, GIN_CMD_APP, main)).rejects.toThrow(message);
  });

  test('targets missing from go tool dist list are an InputError naming them', async () => {
    await expect(checkTargetsSupported(GO, MATRIX)).resolves.toBeUndefined();
    const bad = parseTargets('linux/amd64, linux/sparc64, haiku/amd64');
    const check = checkTargetsSupported(GO, bad);
    await expect(check).rejects.toThrow(InputError);
    await expect(checkTargetsSupported(GO, bad)).rejects.toThrow(
      /Invalid input targets: "linux\/sparc64, haiku\/amd64"\. Not in `go tool dist list`\. For linux this Go builds .*linux\/riscv64.*\. haiku is not a GOOS this Go knows \(aix, android, .*windows\)\./,
    );
  });
});

describe('defaultBinaryName', () => {
  test.each([
    ['.', 'gin-app'],
    ['./', 'gin-app'],
    ['./cmd/server/', 'server'],
    ['cmd/server/main.go', 'server'],
  ])('gin-app fixture, main %s -> %s', async (main, name) => {
    expect(await defaultBinaryName(GIN_APP, main)).toBe(name);
  });

  test.each([
    ['module example.com/thing/v2\n\ngo 1.26\n', 'thing'],
    ['// comment\nmodule "example.com/quoted"\n', 'quoted'],
    ['module   example.com/spaced // trailing\n', 'spaced'],
    [null, 'folder-name'],
  ])('go.mod %j', async (goMod, name) => {
    const dir = path.join(await makeTempDir('name'), 'folder-name');
    await fs.mkdir(dir);
    if (goMod !== null) await fs.writeFile(path.join(dir, 'go.mod'), goMod);
    expect(await defaultBinaryName(dir, '.')).toBe(name);
  });
});

describe('resolveReleaseInfo with real git', () => {
  async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    const result = await exec.getExecOutput('git', args, {
      cwd,
      silent: true,
      env: { ...(process.env as Record<string, string>), ...env },
    });
    return result.stdout.trim();
  }

  async function repoWithCommit(): Promise<{ dir: string; sha: string }> {
    const dir = await makeTempDir('git');
    await git(dir, ['init', '-q', '-b', 'main']);
    await fs.writeFile(path.join(dir, 'README.md'), 'x\n');
    await git(dir, ['add', 'README.md']);
    const identity = {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    await git(dir, ['commit', '-q', '-m', 'init'], {
      ...identity,
      GIT_COMMITTER_DATE: '2024-05-01T14:00:00+02:00',
      GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
    });
    return { dir, sha: await git(dir, ['rev-parse', 'HEAD']) };
  }

  test('an untagged branch: dev version, commit time in UTC, branch ref', async () => {
    const { dir, sha } = await repoWithCommit();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await resolveReleaseInfo(dir, '', {})).toEqual({
      version: `0.0.0-dev+${sha.slice(0, 7)}`,
      commit: sha,
      date: '2024-05-01T12:00:00Z',
      epoch: 1714564800,
      ref: 'refs/heads/main',
    });
  });

  test('a tag on HEAD names the version; the input overrides it; GITHUB_REF wins over the branch', async () => {
    const { dir, sha } = await repoWithCommit();
    await git(dir, ['tag', 'v3.1.4']);
    expect((await resolveReleaseInfo(dir, '', {})).version).toBe('3.1.4');
    expect((await resolveReleaseInfo(dir, '  7.0.0 ', {})).version).toBe('7.0.0');
    const inActions = await resolveReleaseInfo(dir, '', {
      GITHUB_REF: 'refs/tags/v3.1.5',
      GITHUB_SHA: 'f'.repeat(40),
    });
    expect(inActions).toMatchObject({ version: '3.1.5', commit: sha, ref: 'refs/tags/v3.1.5' });
  });

  test('outside a checkout: GITHUB_SHA, SOURCE_DATE_EPOCH, then the epoch', async () => {
    const dir = await makeTempDir('nogit');
    const env = {
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/feature',
      SOURCE_DATE_EPOCH: '1714564800',
    };
    expect(await resolveReleaseInfo(dir, '', env)).toEqual({
      version: '0.0.0-dev+aaaaaaa',
      commit: 'a'.repeat(40),
      date: '2024-05-01T12:00:00Z',
      epoch: 1714564800,
      ref: 'refs/heads/feature',
    });
    expect(await resolveReleaseInfo(dir, '', {})).toEqual({
      version: '0.0.0-dev',
      commit: '',
      date: '1970-01-01T00:00:00Z',
      epoch: 0,
      ref: '',
    });
  });
});
