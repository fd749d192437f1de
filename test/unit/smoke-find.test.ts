// The decisions behind a smoke test that meets apps as they are: where an app listens (from real socket-table
// output of lsof and netstat), which health route counts, what a page instead of a health check is, and the
// sandbox the app runs in.
import { describe, expect, test } from 'vitest';
import { getInputs } from '../../src/inputs.js';
import { GIN_HEALTH_HANDLER, isHtml, judgeAnswer, type RouteOutcome } from '../../src/smoke/health.js';
import { HEALTH_FALLBACKS, smokeOptionsFromInputs } from '../../src/smoke/plan.js';
import {
  parseLsofListen,
  parseNetstatListen,
  whereItListens,
  type Listener,
  type ListenVerdict,
} from '../../src/smoke/port.js';
import type { Answer } from '../../src/smoke/probe.js';
import { elsewhereWarning, timeoutHint } from '../../src/smoke/ready.js';
import { sandboxEnv } from '../../src/smoke/sandbox.js';
import { setInputs } from '../support/inputs.js';

// `lsof -nP -a -g <pgid> -iTCP -sTCP:LISTEN` on this machine (lsof 4.95, Debian), with a supervisor whose child
// listens on :18082 (the childport fixture): the PGID column comes after PID, `*` is the wildcard address.
const LSOF_GROUP = `COMMAND    PID PGID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
childport 5139 5132 root    3u  IPv6 127821      0t0  TCP *:18082 (LISTEN)
`;
// `lsof -nP -a -p <pid> -iTCP -sTCP:LISTEN` on the same machine: no PGID column; IPv4 and IPv6 wildcards and a
// loopback listener.
const LSOF_PID = `COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
python3 15225 root    3u  IPv4 101932      0t0  TCP 127.0.0.1:51357 (LISTEN)
python3 15225 root    4u  IPv6 101933      0t0  TCP *:45751 (LISTEN)
python3 15225 root    5u  IPv4 101934      0t0  TCP *:53735 (LISTEN)
python3 16321 root    6u  IPv6 102600      0t0  TCP [::1]:34291 (LISTEN)
`;
// macOS: the DEVICE column is a kernel address. The first row is as printed without -P (a service name instead of
// the port number, which cannot be used and is skipped); the second is the same row with -P.
const LSOF_MACOS = `COMMAND     PID    USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
httpd       123   _www    4u  IPv6 0xc27b87c7b8c7b8c7      0t0  TCP *:http (LISTEN)
httpd       123   _www    4u  IPv6 0xc27b87c7b8c7b8c7      0t0  TCP *:80 (LISTEN)
`;

// `netstat -ano` on Windows: the header and the listener rows of a Windows 7 machine, IPv6 rows, an established
// connection (not a listener), UDP (no state column), and a row from a German Windows, whose state is translated.
const NETSTAT = `
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       668
  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4
  TCP    127.0.0.1:8081         0.0.0.0:0              LISTENING       5120
  TCP    192.168.1.20:49723     52.97.146.162:443      ESTABLISHED     5120
  TCP    [::]:135               [::]:0                 LISTENING       668
  TCP    [::1]:8082             [::]:0                 LISTENING       5120
  UDP    0.0.0.0:5353           *:*                                    2816
  TCP    0.0.0.0:8083           0.0.0.0:0              ABHÖREN         5120
`.replace(/\n/g, '\r\n');

describe('socket tables', () => {
  test.each([
    ['lsof with a PGID column', LSOF_GROUP, [{ address: '[::]:18082', port: 18082, pid: 5139 }]],
    [
      'lsof without it',
      LSOF_PID,
      [
        { address: '127.0.0.1:51357', port: 51357, pid: 15225 },
        { address: '[::]:45751', port: 45751, pid: 15225 },
        { address: '0.0.0.0:53735', port: 53735, pid: 15225 },
        { address: '[::1]:34291', port: 34291, pid: 16321 },
      ],
    ],
    ['lsof on macOS', LSOF_MACOS, [{ address: '[::]:80', port: 80, pid: 123 }]],
    ['nothing listening (lsof prints nothing and exits 1)', '', []],
  ])('%s', (_name, text, expected) => {
    expect(parseLsofListen(text)).toEqual(expected);
  });

  test('netstat -ano: listeners by their foreign port 0, whatever the language of the state column', () => {
    expect(parseNetstatListen(NETSTAT)).toEqual([
      { address: '0.0.0.0:135', port: 135, pid: 668 },
      { address: '0.0.0.0:445', port: 445, pid: 4 },
      { address: '127.0.0.1:8081', port: 8081, pid: 5120 },
      { address: '[::]:135', port: 135, pid: 668 },
      { address: '[::1]:8082', port: 8082, pid: 5120 },
      { address: '0.0.0.0:8083', port: 8083, pid: 5120 },
    ]);
  });
});

const at = (address: string): Listener => ({
  address,
  port: Number(address.slice(address.lastIndexOf(':') + 1)),
});

describe('whereItListens, seen from port 4000', () => {
  test.each<[string, Listener[] | null, ListenVerdict]>([
    ['the system cannot tell', null, { kind: 'unknown' }],
    ['no listener at all', [], { kind: 'nowhere' }],
    ['on 4000 at 127.0.0.1', [at('127.0.0.1:4000')], { kind: 'ours' }],
    [
      'on 4000 at all interfaces, and a metrics port',
      [at('[::]:4000'), at('0.0.0.0:9090')],
      { kind: 'ours' },
    ],
    ['on 4000 only at ::1', [at('[::1]:4000')], { kind: 'ours-unreachable', where: '[::1]:4000' }],
    [
      'on a port of its own',
      [at('127.0.0.1:8080')],
      { kind: 'elsewhere', ports: [8080], where: '127.0.0.1:8080' },
    ],
    [
      'on two ports of its own, one of them twice, one unreachable',
      [at('0.0.0.0:8080'), at('[::]:8080'), at('[::1]:8081'), at('[::]:9090')],
      { kind: 'elsewhere', ports: [8080, 9090], where: '0.0.0.0:8080, [::]:8080, [::1]:8081, [::]:9090' },
    ],
    [
      'on a port of its own, at an address 127.0.0.1 does not reach',
      [at('10.1.2.3:8080'), at('[::1]:8081')],
      { kind: 'elsewhere-unreachable', where: '10.1.2.3:8080, [::1]:8081' },
    ],
  ])('%s', (_name, listeners, expected) => {
    expect(whereItListens(listeners, 4000)).toEqual(expected);
  });

  test.each<[ListenVerdict, string]>([
    [{ kind: 'unknown' }, ''],
    [{ kind: 'ours' }, ''],
    [{ kind: 'nowhere' }, '; it is not listening on any TCP port'],
    [
      { kind: 'ours-unreachable', where: '[::1]:4000' },
      '; it listens on [::1]:4000, which 127.0.0.1 does not reach: bind to 127.0.0.1 or all interfaces (BIND_ADDR is set to 127.0.0.1)',
    ],
    [
      { kind: 'elsewhere', ports: [8080], where: '127.0.0.1:8080' },
      '; it listens on 127.0.0.1:8080 instead; does it read PORT?',
    ],
  ])('timeout hint for %j', (verdict, expected) => {
    expect(timeoutHint(verdict)).toBe(expected);
  });

  test('the warning for a pass elsewhere names the port, where it answered, and the inputs to set', () => {
    const warning = elsewhereWarning(4000, '127.0.0.1:8080', '/healthz');
    expect(warning).toBe(
      'It does not listen on the port it was given (PORT=4000) but on 127.0.0.1:8080, where GET /healthz answered, ' +
        'so the smoke test checked it there. Give it the port: set smoke-args (e.g. --addr 127.0.0.1:{port}) or ' +
        'smoke-env (e.g. ADDR=127.0.0.1:{port}) to the flag or variable the app reads, or make it read PORT. ' +
        'A fixed port can collide with other services on the runner.',
    );
  });
});

const answer = (overrides: Partial<Answer> = {}): Answer => ({
  port: 4000,
  path: '/healthz',
  status: 200,
  body: 'ok',
  contentType: 'text/plain; charset=utf-8',
  ...overrides,
});
const strict = { healthStatus: 200, healthBodyRegex: null, healthStrict: true };
const lenient = { ...strict, healthStrict: false };
const PAGE = '<!doctype html><html><body><div id="app"></div></body></html>';

describe('judgeAnswer', () => {
  test.each<[string, RouteOutcome, typeof strict, ReturnType<typeof judgeAnswer>]>([
    [
      'the given route answers 200 text',
      { kind: 'given', answer: answer() },
      lenient,
      { ok: true, answer: answer(), warnings: [], notices: [] },
    ],
    [
      'a common route answered after /healthz was 404: a notice names it',
      { kind: 'found', answer: answer({ path: '/ping', body: 'pong' }), first: answer({ status: 404 }) },
      lenient,
      {
        ok: true,
        answer: answer({ path: '/ping', body: 'pong' }),
        warnings: [],
        notices: [
          'GET /healthz answered 404; /ping answered 200, so the smoke test checked /ping. Set health-path: /ping to say so.',
        ],
      },
    ],
    [
      'the common route that answered is unhealthy: that is the failure',
      {
        kind: 'found',
        answer: answer({ path: '/health', status: 503, body: 'db down' }),
        first: answer({ status: 404 }),
      },
      lenient,
      {
        ok: false,
        answer: answer({ path: '/health', status: 503, body: 'db down' }),
        reason:
          'GET http://127.0.0.1:4000/health: expected status 200, got 503 (/healthz answered 404); body: db down',
      },
    ],
    [
      'no route anywhere: the routes tried and the Gin handler to add',
      {
        kind: 'none',
        first: answer({ status: 404, body: '404 page not found' }),
        tried: [...HEALTH_FALLBACKS],
      },
      lenient,
      {
        ok: false,
        answer: answer({ status: 404, body: '404 page not found' }),
        reason:
          'no health route: GET /healthz answered 404, and so did /health, /livez, /readyz, /ping, /api/health and /status. ' +
          'Add one, or set health-path to the route the app has; with Gin:\n' +
          '  r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })',
      },
    ],
    [
      'an HTML page: a warning',
      { kind: 'given', answer: answer({ body: PAGE, contentType: 'text/html; charset=utf-8' }) },
      lenient,
      {
        ok: true,
        answer: answer({ body: PAGE, contentType: 'text/html; charset=utf-8' }),
        warnings: [
          'GET http://127.0.0.1:4000/healthz answered 200 with an HTML document (Content-Type: text/html; charset=utf-8): ' +
            'it looks like a page, not a health check (a catch-all route answers every path). Add a health route that ' +
            'answers text or JSON, or set health-path to one; health-strict: true makes this a failure.',
        ],
        notices: [],
      },
    ],
    [
      'an HTML page with health-strict: a failure',
      { kind: 'given', answer: answer({ body: PAGE, contentType: 'text/html' }) },
      strict,
      {
        ok: false,
        answer: answer({ body: PAGE, contentType: 'text/html' }),
        reason:
          'GET http://127.0.0.1:4000/healthz answered 200 with an HTML document (Content-Type: text/html): it looks like ' +
          'a page, not a health check (a catch-all route answers every path), and health-strict is true. Add a health ' +
          `route that answers text or JSON; with Gin:\n  ${GIN_HEALTH_HANDLER}`,
      },
    ],
    [
      'JSON with health-strict: fine',
      { kind: 'given', answer: answer({ contentType: 'application/json' }) },
      strict,
      { ok: true, answer: answer({ contentType: 'application/json' }), warnings: [], notices: [] },
    ],
  ])('%s', (_name, outcome, options, expected) => {
    expect(judgeAnswer(outcome, options)).toEqual(expected);
  });

  test('a body regex is checked before the page check, with the route it ran on', () => {
    const judged = judgeAnswer(
      {
        kind: 'found',
        answer: answer({ path: '/status', body: '{"up":false}' }),
        first: answer({ status: 404 }),
      },
      { ...lenient, healthBodyRegex: /"up":true/g },
    );
    expect(judged).toMatchObject({
      ok: false,
      reason:
        'GET http://127.0.0.1:4000/status: the body does not match /"up":true/g (/healthz answered 404); body: {"up":false}',
    });
  });

  test.each([
    ['text/html', true],
    ['text/html; charset=utf-8', true],
    ['TEXT/HTML', true],
    ['application/xhtml+xml', true],
    ['text/plain; charset=utf-8', false],
    ['application/json', false],
    ['', false],
    ['text/htmlish', false],
  ])('isHtml(%j) is %s', (contentType, expected) => {
    expect(isHtml({ contentType })).toBe(expected);
  });
});

describe('health-path and health-strict inputs', () => {
  test.each([
    ['left at its default: /healthz, then the common routes', {}, '/healthz', HEALTH_FALLBACKS, false],
    ['set to /healthz: only that route', { 'health-path': '/healthz' }, '/healthz', [], false],
    ['set to another route: only that route', { 'health-path': '/ready' }, '/ready', [], false],
    ['health-strict on', { 'health-strict': 'true' }, '/healthz', HEALTH_FALLBACKS, true],
  ])('%s', (_name, given, path, fallbacks, healthStrict) => {
    const restore = setInputs(given);
    try {
      expect(smokeOptionsFromInputs(getInputs())).toMatchObject({
        healthPath: path,
        healthFallbacks: fallbacks,
        healthStrict,
      });
    } finally {
      restore();
    }
  });

  test('health-strict must be a boolean', () => {
    const restore = setInputs({ 'health-strict': 'sometimes' });
    try {
      expect(() => getInputs()).toThrow(
        /Invalid input health-strict: "sometimes"\. Allowed: true or false\./,
      );
    } finally {
      restore();
    }
  });
});

describe('sandboxEnv', () => {
  test('POSIX: HOME, TMPDIR and the XDG folders inside the sandbox home', () => {
    expect(sandboxEnv({ home: '/t/s/home', tmp: '/t/s/tmp' }, 'linux')).toEqual({
      HOME: '/t/s/home',
      TMPDIR: '/t/s/tmp',
      XDG_CONFIG_HOME: '/t/s/home/.config',
      XDG_CACHE_HOME: '/t/s/home/.cache',
      XDG_DATA_HOME: '/t/s/home/.local/share',
      XDG_STATE_HOME: '/t/s/home/.local/state',
    });
  });

  test('Windows: the profile, application data and temp variables', () => {
    expect(sandboxEnv({ home: 'D:\\t\\s\\home', tmp: 'D:\\t\\s\\tmp' }, 'win32')).toEqual({
      USERPROFILE: 'D:\\t\\s\\home',
      HOME: 'D:\\t\\s\\home',
      APPDATA: 'D:\\t\\s\\home\\AppData\\Roaming',
      LOCALAPPDATA: 'D:\\t\\s\\home\\AppData\\Local',
      TEMP: 'D:\\t\\s\\tmp',
      TMP: 'D:\\t\\s\\tmp',
    });
  });
});
