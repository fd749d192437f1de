// Real fixture binaries meeting the smoke test as real services do: a port of their own, a server in a child
// process, a health route of another name, a page instead of a health check, none at all; and what the app is run
// in: a sandbox folder removed afterwards, nothing of it left running, not even a worker in a session of its own.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import { smokeBinary } from '../../src/smoke/healthz.js';
import { HEALTH_FALLBACKS } from '../../src/smoke/plan.js';
import { freePort, listenersOf } from '../../src/smoke/port.js';
import { runSmokeTargets } from '../../src/smoke/stage.js';
import { liveCount } from '../../src/util/process/children.js';
import { makeTempDir } from '../support/fixtures.js';
import { buildFixtures, isAlive, PidWatch, smokeOptions } from '../support/smoke-fixtures.js';

const FIXTURES = [
  'good',
  'wrongport',
  'childport',
  'hang',
  'healthonly',
  'pingonly',
  'htmlpage',
  'noroute',
  'envcheck',
  'setsid',
];
/** The action's defaults: health-path left empty, so the common routes are tried after a 404. */
const DEFAULT_ROUTES = { healthFallbacks: HEALTH_FALLBACKS };

let dir = '';
let bin: Record<string, string> = {};
let watch: PidWatch;

beforeAll(async () => {
  dir = await makeTempDir('smoke-find');
  watch = new PidWatch(dir);
  bin = await buildFixtures(
    dir,
    FIXTURES.map((name) => ({ source: name, name })),
  );
});

afterEach(() => {
  expect(watch.leftovers()).toEqual([]);
  expect(liveCount()).toBe(0);
});

afterAll(async () => {
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

async function smoke(name: string, overrides: Parameters<typeof smokeOptions>[0] = {}) {
  return watch.record(await smokeBinary(bin[name]!, undefined, smokeOptions(overrides)));
}

describe('finding the port', () => {
  test('a server run by a child process on a port of its own: found through the child, checked there', async () => {
    const ownPort = await freePort();
    const result = await smoke('childport', { env: [['CHILD_ADDR', `127.0.0.1:${ownPort}`]] });
    expect(result).toMatchObject({ status: 'passed', answeredPort: ownPort });
    expect(result.warnings![0]).toContain(`but on 127.0.0.1:${ownPort}, where GET /healthz answered`);
    // The supervisor and its child.
    expect(watch.recorded()).toHaveLength(2);
  });

  test('listening elsewhere without answering there: fails well before the ready timeout, saying so', async () => {
    const ownPort = await freePort();
    // hang reads PORT; smoke-env's PORT wins over the given one, so it listens where the test does not knock.
    const result = await smoke('hang', { env: [['PORT', String(ownPort)]], readyTimeoutMs: 60_000 });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      new RegExp(
        `^did not answer on 127\\.0\\.0\\.1:\\d+: it listens on 127\\.0\\.0\\.1:${ownPort} instead \\(does it read PORT\\?\\), ` +
          `and GET http://127\\.0\\.0\\.1:${ownPort}/healthz got no answer there either \\(connected, but no answer within 2 s\\)\\. ` +
          'Give it the port: set smoke-args',
      ),
    );
    expect(result.reason).not.toMatch(/within 60 s/);
  });

  test('listening elsewhere where 127.0.0.1 does not reach: fails at once, saying so', async () => {
    const ownPort = await freePort();
    const result = await smoke('wrongport', {
      env: [['APP_ADDR', `[::1]:${ownPort}`]],
      readyTimeoutMs: 60_000,
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      new RegExp(
        `: it listens on \\[::1\\]:${ownPort} instead, which 127\\.0\\.0\\.1 does not reach\\. Give it the port`,
      ),
    );
  });

  test('an app with a port of its own and no health route: judged on that port', async () => {
    const result = await smoke('noroute', {
      ...DEFAULT_ROUTES,
      env: [['PORT', String(await freePort())]],
      readyTimeoutMs: 60_000,
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^it listens on 127\.0\.0\.1:(\d+), not on the port it was given \(PORT=\d+\); there, no health route: GET \/healthz answered 404/,
    );
  });

  test('the stage runs fixed-port apps one at a time: two targets on the same fixed port both pass', async () => {
    const fixed = `127.0.0.1:${await freePort()}`;
    // linux/386 runs natively on amd64; the slot holds the same amd64 binary, what matters is the port.
    const items = ['linux/amd64', 'linux/386'].map((id) => ({
      target: parseTarget(id),
      binary: bin['wrongport']!,
    }));
    const results = await runSmokeTargets(
      items,
      { mode: 'auto' },
      smokeOptions({ env: [['APP_ADDR', fixed]] }),
      {
        emulators: new Map(),
      },
    );
    for (const result of results.values()) watch.record(result);
    expect([...results.values()].map((r) => [r.status, r.warnings?.length])).toEqual([
      ['passed', 1],
      ['passed', 1],
    ]);
  });

  test('listenersOf reads the process group and the processes it is told about', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const start = (name: string, env: Record<string, string>) =>
      spawn(bin[name]!, [], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
    const grouped = start('good', { PORT: String(p1), BIND_ADDR: '127.0.0.1' });
    const other = start('wrongport', { APP_ADDR: `127.0.0.1:${p2}` });
    try {
      const app = { pid: grouped.pid!, related: [other.pid!] };
      let found: Array<{ address: string }> | null = [];
      for (let i = 0; i < 250 && (found?.length ?? 0) < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        found = await listenersOf(app);
      }
      expect(found?.map((l) => l.address).sort()).toEqual([`127.0.0.1:${p1}`, `127.0.0.1:${p2}`].sort());
      expect((await listenersOf({ pid: grouped.pid! }))?.map((l) => l.address)).toEqual([`127.0.0.1:${p1}`]);
    } finally {
      const gone = [grouped, other].map((child) => once(child, 'exit'));
      grouped.kill('SIGKILL');
      other.kill('SIGKILL');
      await Promise.all(gone);
    }
  });
});

describe('finding the health route (health-path left at its default)', () => {
  test.each([
    [
      'healthonly',
      '/health',
      'GET /healthz answered 404; /health answered 200, so the smoke test checked /health.',
    ],
    ['pingonly', '/ping', 'GET /healthz answered 404; /ping answered 200, so the smoke test checked /ping.'],
  ])('%s: passes on %s, with a notice naming it', async (name, route, notice) => {
    const result = await smoke(name, DEFAULT_ROUTES);
    expect(result).toMatchObject({ status: 'passed', healthPath: route });
    expect(result.notices).toEqual([`${notice} Set health-path: ${route} to say so.`]);
    expect(result.warnings).toBeUndefined();
  });

  test('an app that answers /healthz gets no notice and no other route is asked', async () => {
    const result = await smoke('good', DEFAULT_ROUTES);
    expect(result.status).toBe('passed');
    expect(result.notices).toBeUndefined();
    expect(result.healthPath).toBeUndefined();
  });

  test('an explicitly set route is never replaced', async () => {
    const result = await smoke('healthonly', { healthFallbacks: [] });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/healthz: expected status 200, got 404; /);
  });

  test('no route at all: fails, naming the routes tried and the Gin handler to add', async () => {
    const result = await smoke('noroute', DEFAULT_ROUTES);
    expect(result.status).toBe('failed');
    expect(result.reason).toBe(
      'no health route: GET /healthz answered 404, and so did /health, /livez, /readyz, /ping, /api/health and /status. ' +
        'Add one, or set health-path to the route the app has; with Gin:\n' +
        '  r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })',
    );
  });

  test('an HTML catch-all: passes with a warning that it looks like a page', async () => {
    const result = await smoke('htmlpage', DEFAULT_ROUTES);
    expect(result.status).toBe('passed');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings![0]).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/healthz answered 200 with an HTML document \(Content-Type: text\/html; charset=utf-8\): it looks like a page, not a health check/,
    );
  });

  test('an HTML catch-all with health-strict: fails', async () => {
    const result = await smoke('htmlpage', { ...DEFAULT_ROUTES, healthStrict: true });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/it looks like a page, not a health check .*, and health-strict is true\./);
  });
});

describe('what the app runs in', () => {
  test('a fresh working directory, HOME and TMPDIR of its own, removed afterwards', async () => {
    const result = await smoke('envcheck');
    expect(result.status).toBe('passed');
    const printed = (label: string): string =>
      result.logTail!.find((line) => line.startsWith(`${label}: `))!.slice(label.length + 2);
    const cwd = printed('cwd');
    const root = cwd.replace(/\/work$/, '');
    expect(root).toMatch(/\/gin-release-smoke-[^/]+$/);
    expect(printed('home')).toBe(`${root}/home`);
    expect(printed('tmpdir')).toBe(`${root}/tmp`);
    expect(printed('cache')).toBe(`${root}/home/.cache`);
    expect(result.logTail).toContain(`wrote envcheck.db`);
    expect(fs.existsSync(root)).toBe(false);
    expect(fs.existsSync(`${process.cwd()}/envcheck.db`)).toBe(false);
  });

  test('a worker the app started in a session of its own is ended with the attempt', async () => {
    const result = await smoke('setsid');
    expect(result.status).toBe('passed');
    const worker = Number(/^worker pid (\d+)$/m.exec(result.logTail!.join('\n'))![1]);
    // Gone when smokeBinary returns, long before the action's own reaper would run.
    expect(isAlive(worker)).toBe(false);
  });
});
