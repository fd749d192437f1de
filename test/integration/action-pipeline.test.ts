// The bundled action end to end on small standard-library modules: one pipeline from inputs to outputs, each output
// written once, failures listed once, and a bad input refused before anything is built.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const runs: ActionRun[] = [];
const workspaces: string[] = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(fixture: string, inputs: Record<string, string>): Promise<ActionRun> {
  const workspace = workspaceFrom(path.join(FIXTURES, fixture));
  workspaces.push(workspace);
  const result = await runAction({ workspace, inputs: { cache: 'false', upload: 'false', ...inputs } });
  runs.push(result);
  return result;
}

function outputLines(result: ActionRun, name: string): number {
  const text = fs.readFileSync(path.join(result.runnerDir, 'output'), 'utf8');
  return text.split('\n').filter((line) => line.startsWith(`${name}<<`) || line.startsWith(`${name}=`))
    .length;
}

describe('the bundled action', () => {
  test('builds, smoke-tests, archives: every output once, one summary row per target', async () => {
    const result = await run('smoke/good', { targets: 'linux/amd64, linux/arm64, windows/amd64' });
    expect(result.exitCode, result.log).toBe(0);
    const artifacts = JSON.parse(result.outputs.get('artifacts')!) as Array<{
      target: string;
      smoke?: { status: string };
      archive?: { path: string };
    }>;
    expect(artifacts.map((a) => [a.target, a.smoke?.status])).toEqual([
      ['linux/amd64', 'passed'],
      ['linux/arm64', 'passed'],
      ['windows/amd64', 'skipped'],
    ]);
    for (const a of artifacts) expect(fs.existsSync(a.archive!.path)).toBe(true);
    for (const name of ['artifacts', 'go-version', 'version', 'checksums-file', 'dist-dir'])
      expect(outputLines(result, name), name).toBe(1);
    // Three archives and the SBOM of each.
    expect(fs.readFileSync(result.outputs.get('checksums-file')!, 'utf8').trim().split('\n')).toHaveLength(6);
    expect(result.summary).toMatch(/\| linux\/arm64 \|.*passed/);
    expect(result.summary).not.toMatch(/### Failures/);
  });

  test('a target that fails to build fails the step once, the others still reported', async () => {
    const result = await run('broken-build', {
      targets: 'linux/amd64, windows/amd64',
      'smoke-test': 'false',
    });
    expect(result.exitCode).toBe(1);
    const artifacts = JSON.parse(result.outputs.get('artifacts')!) as Array<{ target: string }>;
    expect(artifacts.map((a) => a.target)).toEqual(['linux/amd64']);
    expect(result.outputs.has('checksums-file')).toBe(false);
    const failures = result.summary.slice(
      result.summary.indexOf('### Failures'),
      result.summary.indexOf('### Binaries'),
    );
    expect(failures.match(/^- /gm)).toHaveLength(1);
    expect(failures).toContain('windows/amd64: build failed');
    expect(result.errors().join('\n')).toMatch(/undefined: platformName/);
  });

  test('a bad input is refused before anything is built, naming the input, the value and what is allowed', async () => {
    const result = await run('smoke/good', {
      targets: 'linux/amd64, windows/amd64',
      'smoke-targets': 'linux/amd64, windows/amd64',
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors().join('\n')).toMatch(
      /Invalid input smoke-targets: "windows\/amd64"\. windows\/amd64: cannot run windows\/amd64 on linux\/amd64/,
    );
    expect(result.log).not.toMatch(/^Built /m);
  });
});
