// Real fixture binaries, real processes, real HTTP: each way a service can fail its smoke test, and the ways it passes.
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { freePort, listeningSocketsOfGroup } from '../../src/smoke/port.js';
import { runHealthCheck, smokeBinary } from '../../src/smoke/healthz.js';
import { liveCount } from '../../src/util/process/children.js';
import { formatSmokeFailure } from '../../src/smoke/report.js';
import { runSmokeStage, runSmokeTargets } from '../../src/smoke/stage.js';
import { planSmokeStage } from '../../src/smoke/plan.js';
import { detectHost } from '../../src/smoke/emulator.js';
import { parseTarget } from '../../src/build/targets.js';
import { getInputs } from '../../src/inputs.js';
import type { BuiltArtifact } from '../../src/types.js';
import { setInputs } from '../support/inputs.js';
import { sharedBuilds, sharedOutcome } from '../support/shared-builds.js';
import { makeTempDir } from '../support/fixtures.js';
import { buildFixtures, PidWatch, smokeOptions } from '../support/smoke-fixtures.js';

const NATIVE = [
  'good',
  'crash',
  'silent',
  'wrongport',
  'unhealthy',
  'wrongbody',
  'nosigterm',
  'nohandler',
  'badexit',
  'slow',
  'addrflag',
  'chatty',
  'forks',
  'hang',
];

let dir = '';
let bin: Record<string, string> = {};
let watch: PidWatch;

beforeAll(async () => {
  dir = await makeTempDir('smoke');
  watch = new PidWatch(dir);
  bin = await buildFixtures(
    dir,
    NATIVE.map((name) => ({ source: name, name })),
  );
  // The global setup's gin-app, copied in so that the leftover check (anything running from dir) covers it too.
  bin['gin-app'] = path.join(dir, 'gin-app');
  await fs.copyFile(sharedOutcome(sharedBuilds().ginApp, 'linux/amd64').plan.output, bin['gin-app']);
});

afterEach(() => {
  expect(watch.leftovers()).toEqual([]);
  expect(liveCount()).toBe(0);
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function smoke(name: string, overrides: Parameters<typeof smokeOptions>[0] = {}) {
  return watch.record(await smokeBinary(bin[name]!, undefined, smokeOptions(overrides)));
}

describe('passing binaries', () => {
  test('a well-behaved net/http service passes, with timings and its output', async () => {
    const result = await smoke('good', { healthBodyRegex: /"status":"ok"/ });
    expect(result).toMatchObject({ status: 'passed', reason: '', runner: 'native', attempts: 1 });
    expect(result.readyMs).toBeGreaterThan(0);
    expect(result.shutdownMs).toBeGreaterThanOrEqual(0);
    expect(result.logTail).toEqual(
      expect.arrayContaining([expect.stringMatching(/listening on 127\.0\.0\.1:\d+/)]),
    );
    expect(result.logTail!.at(-1)).toMatch(/bye$/);
    expect(watch.recorded()).toHaveLength(1);
  });

  test('the Gin fixture passes', async () => {
    const result = await smoke('gin-app', { healthBodyRegex: /"status":"ok"/ });
    expect(result).toMatchObject({ status: 'passed', runner: 'native' });
    expect(result.logTail).toEqual(
      expect.arrayContaining([expect.stringMatching(/received terminated, shutting down/)]),
    );
  });

  test('a service that starts slowly (3 s) but within the ready timeout passes', async () => {
    const result = await smoke('slow', { readyTimeoutMs: 20_000 });
    expect(result).toMatchObject({ status: 'passed' });
    expect(result.readyMs).toBeGreaterThanOrEqual(3000);
  });

  test('a service that takes --addr instead of PORT passes with smoke-args and {port}', async () => {
    const result = await smoke('addrflag', { args: ['--addr', '127.0.0.1:{port}'] });
    expect(result).toMatchObject({ status: 'passed' });
    expect(result.logTail!.join('\n')).toMatch(/listening on 127\.0\.0\.1:\d+/);
  });

  test('a service with its own address variable passes with {port} in smoke-env', async () => {
    const result = await smoke('wrongport', { env: [['APP_ADDR', '127.0.0.1:{port}']] });
    expect(result).toMatchObject({ status: 'passed' });
  });

  test('a chatty service keeps only the last 200 lines, the final one included', async () => {
    const result = await smoke('chatty');
    expect(result.status).toBe('passed');
    expect(result.logTail).toHaveLength(201);
    expect(result.logTail![0]).toMatch(/^\(\d+ earlier lines not shown\)$/);
    expect(result.logTail!.at(-1)).toBe('last line');
    expect(result.logTail).not.toContain('stdout line 1');
  });
});

describe('failing binaries, each with its own message', () => {
  test('exits at once: code and its own error output', async () => {
    const result = await smoke('crash');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^exited with code 1 after \d+ (ms|s), before answering on 127\.0\.0\.1:\d+$/,
    );
    expect(result.logTail).toContain('config error: DATABASE_URL is not set');
    expect(formatSmokeFailure('linux/amd64', result)).toContain('  config error: DATABASE_URL is not set');
  });

  test('never listens: timeout, and the note that it listens nowhere', async () => {
    const result = await smoke('silent', { readyTimeoutMs: 1500 });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^did not answer on 127\.0\.0\.1:\d+ within 1\.5 s \(last try: connection refused\); it is not listening on any TCP port$/,
    );
    expect(result.logTail).toEqual(
      expect.arrayContaining([expect.stringMatching(/warming up caches forever/)]),
    );
  });

  test('accepts connections but never answers: the timeout says it connected', async () => {
    const result = await smoke('hang', { readyTimeoutMs: 3000 });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^did not answer on 127\.0\.0\.1:\d+ within 3 s \(last try: connected, but no answer within \d+ (ms|s)\)$/,
    );
  });

  test('listens on a port of its own: checked there, and the warning names that port and the inputs to set', async () => {
    const ownPort = await freePort();
    const result = await smoke('wrongport', { env: [['APP_ADDR', `127.0.0.1:${ownPort}`]] });
    expect(result).toMatchObject({ status: 'passed', answeredPort: ownPort });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings![0]).toMatch(
      new RegExp(
        `^It does not listen on the port it was given \\(PORT=\\d+\\) but on 127\\.0\\.0\\.1:${ownPort}, `,
      ),
    );
    expect(result.warnings![0]).toContain('set smoke-args (e.g. --addr 127.0.0.1:{port}) or smoke-env');
  });

  test('listens on the right port but only on ::1: the note says 127.0.0.1 does not reach it', async () => {
    const result = await smoke('addrflag', { args: ['--addr', '[::1]:{port}'], readyTimeoutMs: 1500 });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /; it listens on \[::1\]:(\d+), which 127\.0\.0\.1 does not reach: bind to 127\.0\.0\.1 or all interfaces/,
    );
    expect(result.reason).toMatch(/^did not answer on 127\.0\.0\.1:(\d+) within 1\.5 s .*\[::1\]:\1,/);
  });

  test('/healthz answers 503: expected and actual status, and the body', async () => {
    const result = await smoke('unhealthy');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/healthz: expected status 200, got 503; body: database unreachable: dial tcp/,
    );
    expect(result.readyMs).toBeGreaterThan(0);
  });

  test('a health-status other than 200 is what is required', async () => {
    const result = await smoke('unhealthy', { healthStatus: 503 });
    expect(result.status).toBe('passed');
  });

  test('body does not match health-body-regex: the regex and the body quoted', async () => {
    const result = await smoke('wrongbody', { healthBodyRegex: /"status":"ok"/ });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /the body does not match \/"status":"ok"\/; body: \{"status":"degraded"\}$/,
    );
  });

  test('a wrong health-path is a 404 with the path in the message', async () => {
    const result = await smoke('good', { healthPath: '/ready' });
    expect(result.reason).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/ready: expected status 200, got 404; body: 404 page not found$/,
    );
  });

  test('ignores SIGTERM: killed after the shutdown timeout', async () => {
    const result = await smoke('nosigterm', { shutdownTimeoutMs: 2000 });
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'did not shut down within 2 s after SIGTERM; killed it',
    });
  });

  test('no SIGTERM handler: the signal kills it, which is not a graceful shutdown', async () => {
    const result = await smoke('nohandler');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /^was ended by SIGTERM itself instead of shutting down: it does not handle SIGTERM/,
    );
  });

  test('non-zero exit after SIGTERM: the code', async () => {
    const result = await smoke('badexit');
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'exited with code 3 after SIGTERM; a graceful shutdown exits with code 0',
    });
    expect(result.logTail).toEqual(expect.arrayContaining([expect.stringMatching(/broker gone/)]));
  });

  test('a service that starts a helper and ignores SIGTERM: the whole process group is killed', async () => {
    const result = await smoke('forks', { shutdownTimeoutMs: 1000 });
    expect(result.status).toBe('failed');
    // Its own PID and the helper's.
    expect(watch.recorded()).toHaveLength(2);
  });

  test('a binary that cannot be started at all', async () => {
    const result = await smokeBinary(`${dir}/does-not-exist`, undefined, smokeOptions());
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^could not be started: spawn .*does-not-exist ENOENT/);
  });
});

describe('the generic launcher', () => {
  test('runs any command and retries with a fresh port, counting attempts', async () => {
    const ports: number[] = [];
    // No answer in time may be a stuck emulator, so it is retried (an exit with a code would not be).
    const result = await runHealthCheck(
      (port) => {
        ports.push(port);
        return { command: bin['silent']!, args: [], env: {}, runner: 'test-runner', retries: 2 };
      },
      smokeOptions({ readyTimeoutMs: 300 }),
    );
    watch.record(result);
    expect(result).toMatchObject({ status: 'failed', runner: 'test-runner', attempts: 3 });
    expect(result.reason).toMatch(/\(3 attempts\)$/);
    expect(ports).toHaveLength(3);
  });

  test('calls the launch cleanup whatever the outcome', async () => {
    let cleaned = 0;
    const launch = (name: string) => (port: number) => ({
      command: bin[name]!,
      args: [],
      env: { PORT: String(port) },
      runner: 'native',
      retries: 0,
      cleanup: async () => {
        cleaned++;
      },
    });
    watch.record(await runHealthCheck(launch('good'), smokeOptions()));
    watch.record(await runHealthCheck(launch('crash'), smokeOptions()));
    expect(cleaned).toBe(2);
  });

  test('another process holding the socket the binary wants', async () => {
    // The port is taken before the binary starts: it fails to bind and says so.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const result = watch.record(
        await runHealthCheck(
          () => ({
            command: bin['good']!,
            args: [],
            env: { PORT: String(taken) },
            runner: 'native',
            retries: 0,
          }),
          smokeOptions(),
        ),
      );
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(/^exited with code 1 after/);
      expect(result.logTail!.join('\n')).toMatch(/address already in use/);
    } finally {
      blocker.close();
    }
  });
});

describe('the stage', () => {
  test('plans, runs natively, skips what it cannot run, and fails explicit asks it cannot honour', async () => {
    const items = [
      { target: parseTarget('linux/amd64'), binary: bin['good']! },
      { target: parseTarget('darwin/arm64'), binary: bin['good']! },
      { target: parseTarget('linux/riscv64'), binary: bin['good']! },
    ];
    const auto = await runSmokeTargets(items, { mode: 'auto' }, smokeOptions(), { emulators: new Map() });
    for (const result of auto.values()) watch.record(result);
    expect(auto.get('linux/amd64')).toMatchObject({ status: 'passed', runner: 'native' });
    expect(auto.get('darwin/arm64')).toEqual({
      status: 'skipped',
      reason: 'cannot run darwin/arm64 on linux/amd64',
    });
    expect(auto.get('linux/riscv64')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^no emulator for linux\/riscv64: install qemu-user-static/),
    });

    const listed = await runSmokeTargets(
      items,
      { mode: 'list', targets: [parseTarget('darwin/arm64')] },
      smokeOptions(),
      { emulators: new Map() },
    );
    expect(listed.get('linux/amd64')).toEqual({ status: 'skipped', reason: 'not listed in smoke-targets' });
    expect(listed.get('darwin/arm64')).toEqual({
      status: 'failed',
      reason: 'listed in smoke-targets, but cannot run darwin/arm64 on linux/amd64',
    });
  });

  test('runSmokeStage runs the plan the inputs make, returns every result and the failures', async () => {
    const restore = setInputs({
      targets: 'linux/amd64, linux/386',
      'smoke-env': 'GIN_MODE=release\nAPP_ADDR=127.0.0.1:{port}',
      'shutdown-timeout': '2',
    });
    try {
      const inputs = getInputs();
      const artifact = (target: string, binary: string): BuiltArtifact => ({
        target: parseTarget(target),
        path: binary,
        size: 0,
        sha256: '',
        static: true,
      });
      // The 386 slot holds an amd64 binary that ignores SIGTERM: what matters here is the failure's path.
      const artifacts = [
        artifact('linux/amd64', bin['wrongport']!),
        artifact('linux/386', bin['nosigterm']!),
      ];
      const plan = planSmokeStage(inputs, inputs.targets, {
        host: await detectHost(),
        emulators: new Map(),
      });
      const { results, problems } = await runSmokeStage(plan, artifacts);
      for (const result of results.values()) watch.record(result);
      expect(results.get('linux/amd64')).toMatchObject({ status: 'passed' });
      expect(results.get('linux/386')).toMatchObject({ status: 'failed' });
      expect(problems).toEqual(['linux/386: did not shut down within 2 s after SIGTERM; killed it']);
    } finally {
      restore();
    }
  });
});

describe('ports', () => {
  test('freePort gives a port nothing listens on', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    server.close();
    expect(port).toBeGreaterThan(0);
  });

  test('listeningSocketsOfGroup finds our own listener by process group', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const pgid = Number((await fs.readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ')[2]);
      const sockets = await listeningSocketsOfGroup(pgid);
      expect(sockets.map((s) => s.address)).toContain(`127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });
});
