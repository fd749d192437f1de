// Bad inputs through the bundled action: each is refused before anything is built, with one error that names the
// input, the value and what is allowed. Values a careless or hostile workflow could pass: unsafe versions and
// names, target variables in build-env, archive patterns and folders that lead out of the workspace.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const runs: ActionRun[] = [];
const folders: string[] = [];
/** What a case's setup changed outside plain files (a mount), undone right after its run. */
const undos: Array<() => void> = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder outside every workspace, removed after the tests. */
function outsideFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-outside-'));
  folders.push(dir);
  return dir;
}

/**
 * Makes `dir` unwritable for this process: a permission for a normal user, a read-only mount for root (whom
 * permissions do not stop). Returns the undo, or null when neither is possible here.
 */
function makeReadOnly(dir: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) return null;
  return () => {
    spawnSync('umount', [dir], { stdio: 'ignore' });
  };
}

interface Refusal {
  name: string;
  fixture?: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Changes the workspace copy before the run (and pushes to `undos` what must be undone after it). */
  setup?: (workspace: string) => void;
  input: string;
  /** The value the message must quote; a function of the workspace for paths. */
  value: string | ((workspace: string) => string);
  allowed: RegExp;
}

const linked = (name: string, to: () => string) => (workspace: string) => {
  fs.symlinkSync(to(), path.join(workspace, name));
};

const REFUSALS: Refusal[] = [
  // version: it names files and is pasted into shells.
  {
    name: 'version with a newline',
    inputs: { version: '1.2\n3' },
    input: 'version',
    value: '1.2\n3',
    allowed: /It contains a line break\. Allowed: letters, digits and \. _ \+ -/,
  },
  {
    name: 'version with a terminal escape',
    inputs: { version: '1.2.3\u001b[31m' },
    input: 'version',
    value: '1.2.3\u001b[31m',
    allowed: /control character \(U\+001B\)\. Allowed: letters, digits/,
  },
  {
    name: 'version with shell metacharacters',
    inputs: { version: '1.2.3;rm -rf ~' },
    input: 'version',
    value: '1.2.3;rm -rf ~',
    allowed: /It contains ";" a space "~"\. Allowed: letters, digits/,
  },
  {
    name: 'version as a command substitution',
    inputs: { version: '$(id)' },
    input: 'version',
    value: '$(id)',
    allowed: /It contains "\$" "\(" "\)"\. Allowed: letters, digits/,
  },
  {
    name: 'a version from a tag with shell metacharacters',
    inputs: {},
    env: { GITHUB_REF: 'refs/tags/v1.0;touch pwned' },
    input: 'version',
    value: '1.0;touch pwned',
    allowed: /git ref refs\/tags\/v1\.0;touch pwned gives.*Allowed: letters, digits.*Set the version input/,
  },
  // binary-name: a file name inside output-dir and at the archive root.
  {
    name: 'binary-name ..',
    inputs: { 'binary-name': '..' },
    input: 'binary-name',
    value: '..',
    allowed: /starts with "\."[^]*Allowed: a plain file name of letters, digits and \. _ -/,
  },
  {
    name: 'binary-name with a slash',
    inputs: { 'binary-name': 'a/b' },
    input: 'binary-name',
    value: 'a/b',
    allowed: /It contains "\/"\. Allowed: a plain file name/,
  },
  {
    name: 'binary-name like an option',
    inputs: { 'binary-name': '-rf' },
    input: 'binary-name',
    value: '-rf',
    allowed: /starts with "-".*Allowed: a plain file name/,
  },
  {
    name: 'binary-name of a file archive-files puts in the archive',
    inputs: { 'binary-name': 'README.md' },
    setup: (workspace) => fs.writeFileSync(path.join(workspace, 'README.md'), '# app\n'),
    input: 'binary-name',
    value: 'README.md',
    allowed:
      /binary "README\.md" and README\.md \(matched by archive-files\) would both be "README\.md" at the archive root\. Allowed: a binary name that no archive-files file has/,
  },
  // build-env: the target variables belong to targets and cgo.
  {
    name: 'build-env GOOS',
    inputs: { 'build-env': 'GOOS=windows' },
    input: 'build-env',
    value: 'GOOS=windows',
    allowed: /GOOS comes from targets.*Allowed: any other KEY=VALUE/,
  },
  {
    name: 'build-env GOARCH',
    inputs: { 'build-env': 'GOFLAGS=-mod=mod\nGOARCH=arm64' },
    input: 'build-env',
    value: 'GOARCH=arm64',
    allowed: /GOARCH comes from targets/,
  },
  {
    name: 'build-env GOARM',
    inputs: { 'build-env': 'GOARM=6' },
    input: 'build-env',
    value: 'GOARM=6',
    allowed: /GOARM comes from targets \(GOOS\/GOARCH\[\/variant\], e\.g\. linux\/arm\/v6/,
  },
  {
    name: 'build-env GOAMD64',
    inputs: { 'build-env': 'GOAMD64=v3' },
    input: 'build-env',
    value: 'GOAMD64=v3',
    allowed: /linux\/amd64\/v3/,
  },
  {
    name: 'build-env CGO_ENABLED',
    inputs: { 'build-env': 'CGO_ENABLED=1' },
    input: 'build-env',
    value: 'CGO_ENABLED=1',
    allowed: /CGO_ENABLED comes from the cgo input \(cgo: true or false\)/,
  },
  // artifact-name: refused by the artifact service, so refused here even when no service is there.
  {
    name: 'artifact-name with a colon, no artifact service',
    inputs: { upload: 'true', 'artifact-name': 'my:release' },
    input: 'artifact-name',
    value: 'my:release',
    allowed: /It contains ":"; not allowed: " : < > \| \* \? \\ \/ and line breaks/,
  },
  {
    name: 'artifact-name with a slash, no artifact service',
    inputs: { upload: 'true', 'artifact-name': 'a/b' },
    input: 'artifact-name',
    value: 'a/b',
    allowed: /It contains "\/"; not allowed/,
  },
  // archive-files: whatever matches is shipped to users.
  {
    name: 'archive-files ../',
    inputs: { 'archive-files': 'README*\n../secrets.env' },
    input: 'archive-files',
    value: '../secrets.env',
    allowed: /\.\. segment.*Allowed: glob patterns .* inside working-directory/,
  },
  {
    name: 'archive-files absolute',
    inputs: { 'archive-files': '/etc/passwd' },
    input: 'archive-files',
    value: '/etc/passwd',
    allowed: /absolute path\. Allowed: glob patterns/,
  },
  {
    name: 'archive-files [.][.]/',
    inputs: { 'archive-files': '[.][.]/x' },
    input: 'archive-files',
    value: '[.][.]/x',
    allowed: /\[\.\]\[\.\] segment.*Allowed: glob patterns/,
  },
  {
    name: 'archive-files brace list',
    inputs: { 'archive-files': '{..,x}/secret' },
    input: 'archive-files',
    value: '{..,x}/secret',
    allowed: /brace list, which is not expanded/,
  },
  {
    name: 'archive-files backslash',
    inputs: { 'archive-files': '..\\secrets.env' },
    input: 'archive-files',
    value: '..\\secrets.env',
    allowed: /backslash.*use \/ between folders/,
  },
  // output-dir and working-directory: nothing is read or written outside the workspace.
  {
    name: 'output-dir that is an existing file',
    inputs: { 'output-dir': 'dist' },
    setup: (workspace) => fs.writeFileSync(path.join(workspace, 'dist'), 'not a folder\n'),
    input: 'output-dir',
    value: 'dist',
    allowed:
      /dist is an existing file, not a folder\. Allowed: a folder \(existing or not\) inside the workspace that this job can write/,
  },
  {
    name: 'output-dir below a file',
    inputs: { 'output-dir': 'main.go/dist' },
    input: 'output-dir',
    value: 'main.go/dist',
    allowed: /main\.go is a file, so .*main\.go\/dist cannot be created/,
  },
  {
    name: 'output-dir that links outside the workspace',
    inputs: { 'output-dir': 'out' },
    setup: linked('out', outsideFolder),
    input: 'output-dir',
    value: 'out',
    allowed: /It leads to .*gin-release-outside-.*, outside the workspace .*Allowed: a folder/,
  },
  {
    name: 'output-dir through a link to nothing',
    inputs: { 'output-dir': 'out/dist' },
    setup: linked('out', () => path.join(outsideFolder(), 'missing')),
    input: 'output-dir',
    value: 'out/dist',
    allowed: /cannot be resolved.*a symbolic link to nothing is not allowed/,
  },
  {
    name: 'output-dir that is not writable',
    inputs: { 'output-dir': 'locked/dist' },
    setup: (workspace) => {
      const locked = path.join(workspace, 'locked');
      fs.mkdirSync(locked);
      const undo = makeReadOnly(locked);
      if (!undo) throw new Error('cannot make a read-only folder here (no permissions to drop, no mount)');
      undos.push(undo);
    },
    input: 'output-dir',
    value: 'locked/dist',
    allowed: /locked \(where .*locked\/dist would be created\) is not writable: E(ROFS|ACCES)/,
  },
  {
    name: 'working-directory above the workspace',
    inputs: { 'working-directory': '..' },
    input: 'working-directory',
    value: (workspace) => path.dirname(workspace),
    allowed:
      /It is outside the workspace .*Allowed: a folder inside GITHUB_WORKSPACE, after following symbolic links/,
  },
  {
    name: 'working-directory that links outside the workspace',
    inputs: { 'working-directory': 'module' },
    setup: linked('module', () => {
      const dir = outsideFolder();
      fs.cpSync(path.join(FIXTURES, 'smoke/good'), dir, { recursive: true });
      return dir;
    }),
    input: 'working-directory',
    value: (workspace) => path.join(workspace, 'module'),
    allowed:
      /outside the workspace .* \(it leads to .*gin-release-outside-.*\)\. Allowed: a folder inside GITHUB_WORKSPACE/,
  },
  {
    name: 'a malformed go.mod',
    inputs: { 'go-version': '1.26.8' },
    setup: (workspace) =>
      fs.writeFileSync(
        path.join(workspace, 'go.mod'),
        'module example.com/bad\n\ngo 1.22\nrequire (\n  oops\n',
      ),
    input: 'working-directory',
    value: (workspace) => workspace,
    allowed: /Its go\.mod cannot be parsed, so no package can be loaded \(fix go\.mod[^]*go\.mod:\d+/,
  },
];

describe('the bundled action refuses before any build', () => {
  test.each(REFUSALS.map((r) => [r.name, r] as const))('%s', async (_name, refusal) => {
    const workspace = workspaceFrom(path.join(FIXTURES, refusal.fixture ?? 'smoke/good'));
    folders.push(workspace);
    refusal.setup?.(workspace);
    let result: ActionRun;
    try {
      result = await runAction({
        workspace,
        inputs: { cache: 'false', upload: 'false', targets: 'linux/amd64', ...refusal.inputs },
        ...(refusal.env ? { env: refusal.env } : {}),
        timeoutMs: 120_000,
      });
    } finally {
      for (const undo of undos.splice(0)) undo();
    }
    runs.push(result);
    const value = typeof refusal.value === 'function' ? refusal.value(workspace) : refusal.value;
    expect(result.exitCode, result.log).toBe(1);
    const refusals = result.errors().filter((e) => e.startsWith('Invalid input '));
    expect(refusals, result.log).toHaveLength(1);
    expect(refusals[0]).toContain(`Invalid input ${refusal.input}: ${JSON.stringify(value)}. `);
    expect(refusals[0]).toMatch(refusal.allowed);
    expect(result.log).not.toMatch(/^(Built|FAILED) /m);
    expect(JSON.parse(result.outputs.get('artifacts') ?? '[]')).toEqual([]);
  });
});
