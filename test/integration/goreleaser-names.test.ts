// goreleaser-config against goreleaser itself: three real services' configurations (copies in
// test/fixtures/goreleaser/, each naming its source), run through goreleaser v2.15.1 with --snapshot, and through
// planRelease with the same tag, commit and version. Every archive, binary and checksums name, every binary's path
// in the output folder, every target and the tags and flags of every `go build` must be the same.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseModulePath } from '../../src/build/module.js';
import { targetFields } from '../../src/goreleaser/targets.js';
import { getInputs } from '../../src/inputs.js';
import { archiveExtension } from '../../src/package/archive.js';
import { planRelease, type PlanFacts, type ReleasePlan } from '../../src/plan.js';
import { workspaceFrom } from '../support/action-run.js';
import {
  GORELEASER_VERSION,
  goreleaserVersion,
  prepareRepository,
  runGoreleaser,
  type GoreleaserRun,
} from '../support/goreleaser/run.js';
import { setInputs } from '../support/inputs.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/goreleaser');
const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

const installed = goreleaserVersion();
if (installed !== GORELEASER_VERSION) {
  throw new Error(
    `goreleaser ${GORELEASER_VERSION} is needed (found "${installed}"): run scripts/goreleaser/install.sh`,
  );
}

function distList(): string[] {
  return spawnSync('go', ['tool', 'dist', 'list'], { encoding: 'utf8' }).stdout.trim().split('\n');
}

function git(cwd: string, ...args: string[]): string {
  return spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();
}

/** The action's plan for the workspace, with goreleaser's version and this repository's tag and commit. */
function ourPlan(workspace: string, run: GoreleaserRun, inputs: Record<string, string> = {}): ReleasePlan {
  const savedWorkspace = process.env['GITHUB_WORKSPACE'];
  process.env['GITHUB_WORKSPACE'] = workspace;
  const restore = setInputs({ 'goreleaser-config': 'auto', version: run.metadata.version, ...inputs });
  try {
    const facts: PlanFacts = {
      go: { version: '1.26.8', goBinary: 'go', distList: distList() },
      release: {
        version: run.metadata.version,
        commit: git(workspace, 'rev-parse', 'HEAD'),
        date: '2024-05-01T12:00:00Z',
        epoch: 1714564800,
        ref: `refs/tags/${run.metadata.tag}`,
      },
      modulePath: parseModulePath(fs.readFileSync(path.join(workspace, 'go.mod'), 'utf8')),
      archiveFiles: [],
      runner: { host: { platform: 'linux', arch: 'x64', cpuFlags: null }, emulators: new Map() },
      env: { GITHUB_REPOSITORY: 'example/app', GITHUB_SERVER_URL: 'https://github.com' },
    };
    return planRelease(getInputs(), facts);
  } finally {
    restore();
    if (savedWorkspace === undefined) delete process.env['GITHUB_WORKSPACE'];
    else process.env['GITHUB_WORKSPACE'] = savedWorkspace;
  }
}

/** goreleaser's names, by goreleaser target (linux_arm_7). */
function goreleaserNames(run: GoreleaserRun, dist: string) {
  const byTarget = (type: string) =>
    Object.fromEntries(
      run.artifacts
        .filter((a) => a.type === type && a.goos)
        .map((a) => [(a as { target?: string }).target!, a]),
    );
  return {
    archives: Object.fromEntries(Object.entries(byTarget('Archive')).map(([t, a]) => [t, a.name])),
    binaries: Object.fromEntries(Object.entries(byTarget('Binary')).map(([t, a]) => [t, a.name])),
    binaryPaths: Object.fromEntries(
      Object.entries(byTarget('Binary')).map(([t, a]) => [t, path.relative(dist, a.path)]),
    ),
    checksums: run.artifacts.filter((a) => a.type === 'Checksum').map((a) => a.name),
  };
}

/** The same, from the action's plan. */
function ourNames(plan: ReleasePlan) {
  const id = (target: Parameters<typeof targetFields>[0]) => targetFields(target).Target;
  return {
    archives: Object.fromEntries(
      plan.package.archives
        .filter((a) => a.format !== 'none')
        .map((a) => [id(a.target), path.basename(a.outputPath) + archiveExtension(a.format)]),
    ),
    binaries: Object.fromEntries(plan.build.builds.map((b) => [id(b.target), path.basename(b.output)])),
    binaryPaths: Object.fromEntries(
      plan.build.builds.map((b) => [id(b.target), path.relative(plan.outputDir, b.output)]),
    ),
    checksums: [plan.package.checksumsFile],
  };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function flagValue(args: string[], flag: string): string | undefined {
  const joined = args.find((a) => a.startsWith(`${flag}=`));
  if (joined) return joined.slice(flag.length + 1);
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

interface Case {
  fixture: string;
  tag: string;
  remote: string;
  dist: string;
  env?: Record<string, string>;
  /** Files made after the commit: goreleaser's source archive adds them on top of `git archive`. */
  untracked?: Record<string, string>;
  /** Whether the file sets builds[0].ldflags (without, goreleaser's default ones differ from our stamps on purpose). */
  ownLdflags: boolean;
  /** Keys the warning must list as not applied. */
  unapplied: string[];
}

const CASES: Case[] = [
  {
    fixture: 'shiori',
    tag: 'v1.8.0',
    remote: 'https://github.com/go-shiori/shiori.git',
    dist: 'dist',
    ownLdflags: false,
    unapplied: ['before', 'git', 'snapshot', 'changelog', 'release'],
  },
  {
    fixture: 'caddy',
    tag: 'v2.10.2',
    remote: 'https://github.com/caddyserver/caddy.git',
    dist: 'dist',
    env: { TAG: 'v2.10.2' },
    untracked: { 'vendor/modules.txt': '# no vendored modules\n' },
    ownLdflags: true,
    unapplied: [
      'signs',
      'sboms',
      'source',
      'nfpms',
      'builds[0].dir',
      'archives[1] (meta archive)',
      'checksum.algorithm (sha512: the checksums file holds SHA-256)',
    ],
  },
  {
    fixture: 'pocketbase',
    tag: 'v0.30.0',
    remote: 'https://github.com/pocketbase/pocketbase.git',
    dist: '.builds',
    ownLdflags: true,
    unapplied: ['before', 'release', 'snapshot', 'changelog'],
  },
];

describe.each(CASES)('goreleaser-config with $fixture’s .goreleaser file', (c) => {
  const workspace = workspaceFrom(path.join(FIXTURES, c.fixture));
  workspaces.push(workspace);
  prepareRepository(workspace, c.tag, c.remote);
  for (const [file, text] of Object.entries(c.untracked ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), text);
  }
  let run: GoreleaserRun;

  test('goreleaser builds it (the reference)', () => {
    run = runGoreleaser(workspace, c.dist, c.env);
    expect(run.metadata.tag).toBe(c.tag);
    expect(Object.keys(goreleaserNames(run, c.dist).archives).length).toBeGreaterThan(1);
  });

  test('every archive, binary and checksums name and every binary path is goreleaser’s', () => {
    const plan = ourPlan(workspace, run);
    expect(ourNames(plan)).toEqual(goreleaserNames(run, c.dist));
    expect(plan.outputDir).toBe(path.join(workspace, c.dist));
  });

  test('the same targets with the same build tags and flags', () => {
    const plan = ourPlan(workspace, run);
    const theirs = run.builds.map((b) => ({
      target: `${b.env['GOOS']}/${b.env['GOARCH']}`,
      tags: flagValue(b.args, '-tags') ?? '',
      flags: b.args.filter((a) => /^-(trimpath|mod=)/.test(a)).sort(),
      ldflags: flagValue(b.args, '-ldflags') ?? '',
    }));
    const ours = plan.build.builds.map((b) => ({
      target: `${b.env['GOOS']}/${b.env['GOARCH']}`,
      tags: flagValue(b.args, '-tags') ?? '',
      flags: [...new Set(b.args.filter((a) => /^-(trimpath|mod=)/.test(a)))].sort(),
      ldflags: flagValue(b.args, '-ldflags') ?? '',
    }));
    const sort = <T extends { target: string }>(list: T[]) =>
      [...list].sort(
        (a, b) => a.target.localeCompare(b.target) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
      );
    expect(sort(ours).map(({ ldflags: _l, ...rest }) => rest)).toEqual(
      sort(theirs).map(({ ldflags: _l, ...rest }) => ({
        ...rest,
        flags: [...new Set(['-trimpath', ...rest.flags])].sort(),
      })),
    );
    // Our -ldflags are the version stamps followed by the file's own, rendered the same way.
    if (c.ownLdflags) {
      for (const [i, build] of sort(ours).entries())
        expect(build.ldflags).toMatch(new RegExp(`${escape(sort(theirs)[i]!.ldflags)}$`));
    }
  });

  test('one warning lists the keys that are not applied', () => {
    const plan = ourPlan(workspace, run);
    expect(plan.warnings).toHaveLength(1);
    for (const key of c.unapplied) expect(plan.warnings[0]).toContain(key);
  });
});
