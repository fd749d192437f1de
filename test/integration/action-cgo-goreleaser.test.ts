// The bundled action (dist/index.js) with the cgo audit and a goreleaser file: what a user sees in annotations,
// outputs and the summary. Fixtures: test/fixtures/cgo-app (a service whose store is a local module with a cgo half
// and a !cgo stub, through a replace directive: no download) and test/fixtures/goreleaser/shiori.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { prepareRepository, runGoreleaser } from '../support/goreleaser/run.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const runs: ActionRun[] = [];
const workspaces: string[] = [];
afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(
  fixture: string,
  inputs: Record<string, string>,
  options: { workspace?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ActionRun> {
  const workspace = options.workspace ?? workspaceFrom(path.join(FIXTURES, fixture));
  workspaces.push(workspace);
  const result = await runAction({
    workspace,
    inputs: { cache: 'false', upload: 'false', ...inputs },
    ...(options.env ? { env: options.env } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  runs.push(result);
  return result;
}

interface Artifact {
  target: string;
  cgoPackages?: string[];
  glibc?: string;
  static: boolean;
  smoke?: { status: string };
  archive?: { path: string };
}
const artifacts = (result: ActionRun): Artifact[] =>
  JSON.parse(result.outputs.get('artifacts') ?? '[]') as Artifact[];

const FINDING =
  'example.com/cgodep needs cgo; with cgo: false its cgo files (cgo.go) are left out, so it builds only what it has without cgo, often a stub that fails at run time; use a pure-Go alternative or cgo: true';
const HINT =
  'Hint (cgo audit): this binary was built with cgo off, and example.com/cgodep needs cgo; a stub that fails at run time is a likely cause. Set cgo: true or use a pure-Go alternative.';

describe('cgo-audit', () => {
  test('warn (default): names the package, builds, records it, and adds the hint to the smoke failure', async () => {
    const result = await run('cgo-app', { targets: 'linux/amd64, windows/amd64' });
    expect(result.exitCode).toBe(1);
    expect(result.warnings()).toContainEqual(
      expect.stringContaining(`- ${FINDING}\nThe build goes on (cgo-audit: warn)`),
    );
    expect(artifacts(result).map((a) => [a.target, a.cgoPackages])).toEqual([
      ['linux/amd64', ['example.com/cgodep']],
      ['windows/amd64', ['example.com/cgodep']],
    ]);
    const smokeError = result.errors().find((e) => e.startsWith('Smoke test of linux/amd64 failed'));
    expect(smokeError).toContain('cgodep requires cgo to work. This is a stub');
    expect(smokeError?.endsWith(HINT)).toBe(true);
    expect(result.summary).toContain('### cgo audit');
    expect(result.summary).toContain('example.com/cgodep needs cgo');
  });

  test('error: stops before anything is built, naming the package', async () => {
    const result = await run('cgo-app', { targets: 'linux/amd64', 'cgo-audit': 'error' });
    expect(result.exitCode).toBe(1);
    expect(result.errors()[0]).toContain(`- ${FINDING}\nNothing was built (cgo-audit: error)`);
    expect(result.log).not.toMatch(/^Built /m);
    expect(result.summary).toContain(
      'cgo audit: example.com/cgodep need cgo, and cgo is off (cgo-audit: error)',
    );
  });

  test('off: no audit, no hint, no cgoPackages', async () => {
    const result = await run('cgo-app', { targets: 'linux/amd64', 'cgo-audit': 'off' });
    expect(result.exitCode).toBe(1);
    expect(result.warnings().join('\n')).not.toContain('cgo audit');
    expect(result.errors().join('\n')).not.toContain('Hint (cgo audit)');
    expect(artifacts(result)[0]!.cgoPackages).toBeUndefined();
  });

  test('with cgo: true the binary works, and the warning names the glibc it needs', async () => {
    const result = await run('cgo-app', { targets: 'linux/amd64', cgo: 'true' });
    expect(result.exitCode, result.log).toBe(0);
    const [artifact] = artifacts(result);
    expect(artifact!.smoke?.status).toBe('passed');
    expect(artifact!.static).toBe(false);
    expect(artifact!.glibc).toMatch(/^2\.\d+$/);
    const warning = result.warnings().find((w) => w.startsWith('linux/amd64 is built with cgo: true'));
    expect(warning).toBe(
      `linux/amd64 is built with cgo: true and loads libc.so.6 (glibc) at run time: it needs glibc ${artifact!.glibc} or newer (its newest versioned symbol is GLIBC_${artifact!.glibc}); this runner has glibc ${/this runner has glibc (\S+)\./.exec(warning ?? '')?.[1]}. It will not start on older distributions or on musl systems such as Alpine; build on the oldest system you support, link statically, or keep cgo: false.`,
    );
  });

  test('a module without cgo packages passes the audit quietly', async () => {
    const result = await run('smoke/good', { targets: 'linux/amd64', 'smoke-test': 'false' });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain(
      'cgo audit: no package in the build of . has cgo files; cgo: false loses nothing.',
    );
    expect(artifacts(result)[0]!.cgoPackages).toEqual([]);
  });
});

describe('goreleaser-config', () => {
  test('auto: shiori’s .goreleaser.yaml gives goreleaser’s names, targets and checksums file; one warning lists the rest', async () => {
    const workspace = workspaceFrom(path.join(FIXTURES, 'goreleaser/shiori'));
    prepareRepository(workspace, 'v1.8.0', 'https://github.com/go-shiori/shiori.git');
    const reference = runGoreleaser(workspace, 'dist');
    const expected = reference.artifacts
      .filter((a) => a.type === 'Archive')
      .map((a) => a.name)
      .sort();
    fs.rmSync(path.join(workspace, 'dist'), { recursive: true, force: true });

    const result = await run(
      'goreleaser/shiori',
      { 'goreleaser-config': 'auto', version: reference.metadata.version },
      // Six targets with the file's tags (netgo, osusergo) rebuild the standard library: minutes on a cold cache.
      { workspace, env: { GITHUB_REF: 'refs/tags/v1.8.0' }, timeoutMs: 600_000 },
    );
    expect(result.exitCode, result.log).toBe(0);
    const made = artifacts(result);
    expect(made.map((a) => path.basename(a.archive!.path)).sort()).toEqual(expected);
    expect(made.map((a) => a.target)).toEqual([
      'linux/amd64',
      'linux/arm',
      'linux/arm64',
      'windows/amd64',
      'darwin/amd64',
      'darwin/arm64',
    ]);
    expect(made.find((a) => a.target === 'linux/amd64')!.smoke?.status).toBe('passed');
    expect(path.basename(result.outputs.get('checksums-file')!)).toBe('checksums.txt');
    const warnings = result.warnings().filter((w) => w.startsWith('goreleaser-config .goreleaser.yaml:'));
    expect(warnings).toEqual([
      'goreleaser-config .goreleaser.yaml: 5 key(s) not applied (gin-release reads the first build, the first archive and checksum.name_template; an input you set wins over the file): before; git; snapshot; changelog; release.',
    ]);
    // The build used the file's tags and env.
    expect(result.log).toMatch(/GIN_MODE=release .*go build .*-tags netgo,osusergo/);
  });

  test('an input set in the workflow wins, and the warning says which key it replaced', async () => {
    const result = await run('goreleaser/shiori', {
      'goreleaser-config': '.goreleaser.yaml',
      targets: 'linux/amd64',
      'checksums-file': 'SHA256SUMS',
      'smoke-test': 'false',
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(artifacts(result).map((a) => path.basename(a.archive!.path))).toEqual([
      expect.stringMatching(/^shiori_Linux_x86_64_0\.0\.0-dev\+[0-9a-f]{7}\.tar\.gz$/),
    ]);
    expect(path.basename(result.outputs.get('checksums-file')!)).toBe('SHA256SUMS');
    const warning = result.warnings().find((w) => w.startsWith('goreleaser-config'));
    expect(warning).toContain(
      'builds[0].goos/goarch/goarm/goamd64/targets/ignore (the targets input is set)',
    );
    expect(warning).toContain('checksum.name_template (the checksums-file input is set)');
  });

  test('a missing file is refused before Go is set up, naming the input and what is allowed', async () => {
    const result = await run('smoke/good', { 'goreleaser-config': 'release/.goreleaser.yaml' });
    expect(result.exitCode).toBe(1);
    expect(result.errors()[0]).toMatch(
      /^Invalid input goreleaser-config: "release\/\.goreleaser\.yaml"\. No such file in working-directory \(.*\)\. Allowed: none, auto \(finds \.goreleaser\.yaml, \.goreleaser\.yml, goreleaser\.yaml, goreleaser\.yml\) or a path relative to working-directory\.$/,
    );
    expect(result.log).not.toContain('Go toolchain');
  });
});
