// The smoke test through the bundled action (dist/index.js), as a user meets it: apps on a port of their own or
// behind a child process, health routes of other names, a page instead of a health check, no route at all; what the
// app under test is given (no secrets, a sandbox folder) and that nothing it started survives the run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as io from '@actions/io';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../src/smoke/port.js';
import { runCommand } from '../../src/util/process/run.js';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { waitDead } from '../support/smoke-fixtures.js';

const SMOKE = path.resolve(import.meta.dirname, '../fixtures/smoke');
const HAS_QEMU = Boolean(await io.which('qemu-aarch64-static', false));
const runs: ActionRun[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface SmokeRecord {
  target: string;
  smoke?: { status: string; reason: string; attempts?: number; answeredPort?: number; healthPath?: string };
}

async function run(
  fixture: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun & { workspace: string; records: () => SmokeRecord[] }> {
  const workspace = workspaceFrom(path.join(SMOKE, fixture));
  dirs.push(workspace);
  const result = await runAction({
    workspace,
    // The fixtures declare no -X variables; the stamp check's warning would sit among the ones under test.
    inputs: {
      cache: 'false',
      upload: 'false',
      targets: 'linux/amd64',
      'version-variable': '',
      'commit-variable': '',
      'date-variable': '',
      ...inputs,
    },
    env,
  });
  runs.push(result);
  return {
    ...result,
    workspace,
    records: () => JSON.parse(result.outputs.get('artifacts') ?? '[]') as SmokeRecord[],
  };
}

/** The lines the app printed, as the smoke test's log group shows them (`  | line`). */
function appLines(log: string): string[] {
  return [...log.matchAll(/^ {2}\| (.*)$/gm)].map((m) => m[1]!);
}

describe('finding the port', () => {
  test('an app on a fixed port of its own passes there, with a warning naming the port and the inputs to set', async () => {
    const fixed = await freePort();
    const result = await run('wrongport', { 'smoke-env': `GIN_MODE=release\nAPP_ADDR=127.0.0.1:${fixed}` });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.warnings()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Smoke test of linux/amd64: It does not listen on the port it was given \\(PORT=\\d+\\) but on 127\\.0\\.0\\.1:${fixed}, ` +
            'where GET /healthz answered, so the smoke test checked it there\\. Give it the port: set smoke-args .* or smoke-env',
        ),
      ),
    ]);
    expect(result.records()[0]!.smoke).toMatchObject({ status: 'passed', answeredPort: fixed });
    expect(result.summary).toContain(`(on port ${fixed}, not PORT; 1 warning)`);
  });

  test('two targets of an app with a fixed port run one after the other: both pass', async () => {
    const fixed = await freePort();
    const result = await run('wrongport', {
      targets: 'linux/amd64, linux/386',
      'smoke-env': `GIN_MODE=release\nAPP_ADDR=127.0.0.1:${fixed}`,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.records().map((r) => [r.target, r.smoke?.status, r.smoke?.answeredPort])).toEqual([
      ['linux/amd64', 'passed', fixed],
      ['linux/386', 'passed', fixed],
    ]);
    expect(result.warnings()).toHaveLength(2);
  });

  test('an app whose server is a child process on a port of its own passes there', async () => {
    const fixed = await freePort();
    const result = await run('childport', { 'smoke-env': `GIN_MODE=release\nCHILD_ADDR=127.0.0.1:${fixed}` });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.warnings()[0]).toContain(`but on 127.0.0.1:${fixed}, where GET /healthz answered`);
  });

  test('an app on a port of its own that does not answer there fails without waiting for the ready timeout', async () => {
    const fixed = await freePort();
    const result = await run('hang', { 'smoke-env': `PORT=${fixed}`, 'ready-timeout': '120' });
    expect(result.exitCode).toBe(1);
    expect(result.errors()[0]).toMatch(
      new RegExp(
        `^Smoke test of linux/amd64 failed: did not answer on 127\\.0\\.0\\.1:\\d+: it listens on 127\\.0\\.0\\.1:${fixed} instead ` +
          `\\(does it read PORT\\?\\), and GET http://127\\.0\\.0\\.1:${fixed}/healthz got no answer there either`,
      ),
    );
    expect(result.errors()[0]).not.toMatch(/within 120 s/);
  });
});

describe('finding the health route', () => {
  test.each([
    ['healthonly', '/health'],
    ['pingonly', '/ping'],
  ])('%s passes on %s with a notice naming it', async (fixture, route) => {
    const result = await run(fixture);
    expect(result.exitCode, result.log).toBe(0);
    expect(result.notices()).toEqual([
      `Smoke test of linux/amd64: GET /healthz answered 404; ${route} answered 200, so the smoke test checked ${route}. ` +
        `Set health-path: ${route} to say so.`,
    ]);
    expect(result.records()[0]!.smoke).toMatchObject({ status: 'passed', healthPath: route });
  });

  test('an explicitly set health-path is never replaced', async () => {
    const result = await run('healthonly', { 'health-path': '/healthz' });
    expect(result.exitCode).toBe(1);
    expect(result.errors()[0]).toMatch(/\/healthz: expected status 200, got 404; body: 404 page not found/);
    expect(result.notices()).toEqual([]);
  });

  test('no health route at all fails, naming the routes tried and the Gin handler to add', async () => {
    const result = await run('noroute');
    expect(result.exitCode).toBe(1);
    expect(result.errors()[0]).toMatch(
      /^Smoke test of linux\/amd64 failed: no health route: GET \/healthz answered 404, and so did \/health, \/livez, \/readyz, \/ping, \/api\/health and \/status\. Add one, or set health-path to the route the app has; with Gin:\n {2}r\.GET\("\/healthz", func\(c \*gin\.Context\) \{ c\.String\(http\.StatusOK, "ok"\) \}\)\n/,
    );
  });

  test('an HTML catch-all passes with a warning; with health-strict it fails', async () => {
    const lenient = await run('htmlpage');
    expect(lenient.exitCode, lenient.log).toBe(0);
    expect(lenient.warnings()).toEqual([
      expect.stringMatching(
        /^Smoke test of linux\/amd64: GET http:\/\/127\.0\.0\.1:\d+\/healthz answered 200 with an HTML document \(Content-Type: text\/html; charset=utf-8\): it looks like a page, not a health check/,
      ),
    ]);
    const strict = await run('htmlpage', { 'health-strict': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.errors()[0]).toMatch(
      /it looks like a page, not a health check .*, and health-strict is true\./,
    );
  });
});

describe('the app under test', () => {
  test('sees no secrets, and writes into a sandbox of its own, not the checkout or the home folder', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-home-'));
    dirs.push(home);
    const goEnv = await runCommand('go', ['env', 'GOCACHE', 'GOMODCACHE', 'GOPATH']);
    const [gocache, gomodcache, gopath] = goEnv.stdout.trim().split('\n');
    const secrets = {
      GITHUB_TOKEN: 'ghs_secret-token',
      GH_TOKEN: 'gho_secret-token',
      ACTIONS_RUNTIME_TOKEN: 'runtime-jwt',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/oidc',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
    };
    const result = await run(
      'envcheck',
      {},
      { ...secrets, HOME: home, GOCACHE: gocache!, GOMODCACHE: gomodcache!, GOPATH: gopath! },
    );
    expect(result.exitCode, result.log).toBe(0);
    const lines = appLines(result.log);
    const names = new Set(
      lines
        .find((l) => l.startsWith('env names: '))!
        .slice('env names: '.length)
        .split(' '),
    );
    for (const hidden of [
      ...Object.keys(secrets),
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_PATH',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
    ]) {
      expect(names.has(hidden), hidden).toBe(false);
    }
    expect([...names].filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    for (const kept of [
      'PORT',
      'GIN_MODE',
      'GIN_RELEASE_TRACKING_ID',
      'HOME',
      'TMPDIR',
      'GITHUB_REPOSITORY',
      'PATH',
    ])
      expect(names.has(kept), kept).toBe(true);
    // ::add-mask:: is the runner's instruction to hide a value; the runner never shows that line itself.
    const shown = result.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const value of Object.values(secrets)) expect(shown).not.toContain(value);

    const printed = (label: string): string =>
      lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2);
    const root = path.dirname(printed('cwd'));
    expect(path.dirname(root)).toBe(path.join(result.runnerDir, 'temp'));
    expect(path.basename(root)).toMatch(/^gin-release-smoke-/);
    expect(printed('home')).toBe(path.join(root, 'home'));
    expect(printed('tmpdir')).toBe(path.join(root, 'tmp'));
    expect(fs.existsSync(root)).toBe(false);
    expect(fs.existsSync(path.join(result.workspace, 'envcheck.db'))).toBe(false);
    expect(fs.existsSync(path.join(home, '.envcheck'))).toBe(false);
    expect(fs.existsSync(path.join(home, '.cache', 'envcheck'))).toBe(false);
  });

  test('a worker it started in a session of its own (setsid) does not survive a passing run', async () => {
    const result = await run('setsid');
    expect(result.exitCode, result.log).toBe(0);
    const worker = Number(/^worker pid (\d+)$/m.exec(appLines(result.log).join('\n'))![1]);
    const app = Number(/^pid (\d+)$/m.exec(appLines(result.log).join('\n'))![1]);
    expect(worker).not.toBe(app);
    expect(await waitDead(worker)).toBe(true);
    expect(result.log).toMatch(
      new RegExp(
        `Ended 1 process\\(es\\) it had started outside its process group: \\S+ \\(pid ${worker}\\)`,
      ),
    );
  });
});

describe.skipIf(!HAS_QEMU)('under qemu-user (skipped without qemu-user-static)', () => {
  test('an exit with a code is the app, not the emulator: not retried, and the log says why', async () => {
    const result = await run('crash', { targets: 'linux/arm64' });
    expect(result.exitCode).toBe(1);
    expect(result.log).toMatch(
      /Not trying again under qemu-aarch64-static: it chose to exit with code 1 before answering: the app, not the emulator/,
    );
    expect(result.records()[0]!.smoke).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
