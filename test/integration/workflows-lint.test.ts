// The example and e2e workflows through actionlint (scripts/actionlint/install.sh): syntax, expressions, job needs
// and, with `uses: ./` and this action.yml, every `with:` input of this action against the inputs it declares.
// shellcheck is left out (`-shellcheck=`) so that the result does not depend on whether a machine has it; the matrix
// example is also checked with it where it is installed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INSTALL = path.join(ROOT, 'scripts/actionlint/install.sh');
const PINNED = /ACTIONLINT_VERSION="\$\{ACTIONLINT_VERSION:-(v[\d.]+)\}"/.exec(
  fs.readFileSync(INSTALL, 'utf8'),
)![1]!;
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `examples/${f}`);
const WORKFLOWS = fs
  .readdirSync(path.join(ROOT, '.github/workflows'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `.github/workflows/${f}`);

let scratch: string;

function actionlint(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('actionlint', ['-no-color', '-shellcheck=', ...args], { cwd, encoding: 'utf8' });
  if (result.error)
    throw new Error(`actionlint could not run (${result.error.message}): run scripts/actionlint/install.sh`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A repository holding this action.yml (and a stand-in dist/index.js) with `file` as its workflow, `uses: ./`. */
function asLocalAction(file: string, change: (text: string) => string = (t) => t): string {
  const repo = fs.mkdtempSync(path.join(scratch, 'repo-'));
  fs.mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'dist'));
  fs.writeFileSync(path.join(repo, 'dist/index.js'), '');
  fs.copyFileSync(path.join(ROOT, 'action.yml'), path.join(repo, 'action.yml'));
  fs.mkdirSync(path.join(repo, '.git'));
  const text = fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/uses: org\/gin-release@v1\b/g, 'uses: ./');
  fs.writeFileSync(path.join(repo, '.github/workflows', path.basename(file)), change(text));
  return repo;
}

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-actionlint-'));
  const version = spawnSync('actionlint', ['-version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    throw new Error('actionlint is not installed: run scripts/actionlint/install.sh');
  const installed = version.stdout.split('\n')[0];
  if (installed !== PINNED)
    throw new Error(`actionlint ${installed} is installed; scripts/actionlint/install.sh pins ${PINNED}`);
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('actionlint', () => {
  test('there is a matrix example', () => {
    expect(EXAMPLES).toContain('examples/matrix-release.yml');
  });

  test.each(EXAMPLES)('%s passes as written', (file) => {
    const result = actionlint([file], ROOT);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  test.each(EXAMPLES)('%s gives this action only inputs its action.yml declares', (file) => {
    const repo = asLocalAction(file);
    const result = actionlint([], repo);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  test('an input the action does not declare is caught (so the check above can fail)', () => {
    const repo = asLocalAction('examples/matrix-release.yml', (text) =>
      text.replace('mode: merge', 'modes: merge'),
    );
    const result = actionlint([], repo);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/input "modes" is not defined in action "gin-release"/);
  });

  test.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)(
    'examples/matrix-release.yml passes shellcheck too',
    () => {
      const result = spawnSync('actionlint', ['-no-color', 'examples/matrix-release.yml'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    },
  );

  test.each(WORKFLOWS)('%s passes', (file) => {
    const result = actionlint([file], ROOT);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
