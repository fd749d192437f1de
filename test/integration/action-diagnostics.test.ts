// What the bundled action tells a user about a build: the cause of a failed build at the top of its annotation,
// compiler positions GitHub can place when the module is in a subfolder, and -X stamps that did nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const runs: ActionRun[] = [];
const workspaces: string[] = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(
  fixture: string,
  inputs: Record<string, string>,
): Promise<{ result: ActionRun; workspace: string }> {
  const workspace = workspaceFrom(path.join(FIXTURES, fixture));
  workspaces.push(workspace);
  const result = await runAction({
    workspace,
    inputs: { cache: 'false', upload: 'false', targets: 'linux/amd64', 'smoke-test': 'false', ...inputs },
  });
  runs.push(result);
  return { result, workspace };
}

/** The Go problem matcher the action registers, as the runner applies it to each printed line. */
function goMatcher(): RegExp {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'matchers/go.json'), 'utf8')) as {
    problemMatcher: Array<{ pattern: Array<{ regexp: string }> }>;
  };
  return new RegExp(config.problemMatcher[0]!.pattern[0]!.regexp);
}

describe('build diagnostics through the bundled action', () => {
  test('an unknown linker flag: the error annotation starts with the cause, not the usage text after it', async () => {
    const { result } = await run('smoke/good', { ldflags: '-unknownflag' });
    expect(result.exitCode).toBe(1);
    const failure = result.errors().find((e) => e.startsWith('linux/amd64: go build failed'));
    expect(failure, result.log).toBeDefined();
    expect(failure).toContain('flag provided but not defined: -unknownflag');
    // The linker's usage text follows the cause; the cut between head and tail is marked, never silent.
    expect(failure).toMatch(/usage: link \[options\] main\.o/);
    expect(failure).toMatch(/… \(\d+ lines not shown\) …/);
  });

  test('a compile error in a module in a subfolder is annotated at its path in the workspace', async () => {
    const { result, workspace } = await run('nested-broken', { 'working-directory': 'service' });
    expect(result.exitCode).toBe(1);
    const matcher = goMatcher();
    const matched = result.log
      .split('\n')
      .map((line) => matcher.exec(line.replace(/\r$/, '')))
      .filter((m) => m !== null);
    expect(matched.map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ['service/main.go', '7', '14', 'undefined: undefinedGreeting'],
    ]);
    // GitHub resolves the matcher's file against the workspace: it must be the real file there.
    expect(fs.existsSync(path.join(workspace, matched[0]![1]!))).toBe(true);
    const failure = result.errors().find((e) => e.startsWith('linux/amd64: go build failed'));
    expect(failure).toContain('service/main.go:7:14: undefined: undefinedGreeting');
    expect(result.log).not.toContain('./main.go:7:14');
  });

  test('a -X stamp of a variable the binary lacks is a warning naming the variable and the input', async () => {
    const { result } = await run('stamps-no-date', {});
    expect(result.exitCode, result.log).toBe(0);
    const warnings = result.warnings().filter((w) => w.startsWith('-X had no effect'));
    expect(warnings, result.log).toHaveLength(1);
    expect(warnings[0]).toContain(
      `- main.date (date-variable): "2024-05-01T12:00:00Z" is in none of the binaries; declare it as a package-level string variable, or set date-variable to the variable the app reads ('' to skip).`,
    );
    // main.version and main.commit exist in the fixture, so their stamps took effect.
    expect(warnings[0]).not.toMatch(/main\.version|main\.commit/);
    expect(result.log).toMatch(/^Built linux\/amd64 /m);
  });
});
