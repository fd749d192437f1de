// Start, health-poll and stop one process: the machinery behind the smoke tests of binaries and of images.
import * as http from 'node:http';
import * as core from '@actions/core';
import type { SmokeResult } from '../types.js';
import {
  binaryLaunch,
  DEFAULT_POLL,
  pollDelay,
  type Emulator,
  type SmokeLaunch,
  type SmokeOptions,
} from './plan.js';
import { freePort, listeningSocketsOfGroup } from './port.js';
import { killGroup, requestStop, startProcess, waitGroupGone, type Ending, type Started } from '../util/process/children.js';
import { TailBuffer } from '../util/tail.js';
import { childEnv } from '../util/process/env.js';

const HOST = '127.0.0.1';
/** Listening addresses a connection to 127.0.0.1 reaches (IPv6 any is dual-stack on Linux by default). */
const REACHABLE_FROM_LOOPBACK = new Set(['127.0.0.1', '0.0.0.0', '[::]']);
/** A health request that has connected gets this long to answer before the next poll. */
const REQUEST_TIMEOUT_MS = 2000;
/** The last poll before the ready deadline still gets this long, so a busy machine does not turn it into a timeout. */
const MIN_REQUEST_TIMEOUT_MS = 250;
/** How much of the body is read: enough for any health document, bounded for a server that streams. */
const MAX_BODY_BYTES = 64 * 1024;
const BODY_QUOTE_CHARS = 200;
/** How long a killed process group may take to disappear before it is reported. */
const GROUP_EXIT_TIMEOUT_MS = 5000;
/** Lines of a failed attempt's output shown before its retry. */
const RETRY_LOG_LINES = 20;
const STOP_SIGNAL = process.platform === 'win32' ? 'taskkill' : 'SIGTERM';

type Probe =
  | { kind: 'answer'; status: number; body: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'aborted' };

/** One GET against the health URL; never rejects. */
function probe(port: number, healthPath: string, timeoutMs: number, signal: AbortSignal): Promise<Probe> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const request = http.request(
      {
        host: HOST,
        port,
        path: healthPath,
        method: 'GET',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: { 'user-agent': 'gin-release-smoke-test', connection: 'close' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          response.destroy();
          resolve({
            kind: 'answer',
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) finish();
        });
        response.once('end', finish);
        // A body cut short still carries its status, which is what the check is about.
        response.once('error', finish);
      },
    );
    let connected = false;
    request.once('socket', (socket) => socket.once('connect', () => (connected = true)));
    request.once('timeout', () =>
      request.destroy(
        Object.assign(
          new Error(
            `${connected ? 'connected, but no answer' : 'no connection'} within ${formatDuration(timeoutMs)}`,
          ),
          { code: 'ETIMEDOUT' },
        ),
      ),
    );
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) resolve({ kind: 'aborted' });
      else resolve({ kind: 'error', code: error.code ?? 'ERROR', message: error.message });
    });
    request.end();
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A duration for a message: `35 ms` below a second, `2.5 s` above. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** The first characters of a body, on one line, for a message. */
export function quoteBody(body: string): string {
  if (body.trim() === '') return '(empty body)';
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_QUOTE_CHARS ? `${flat.slice(0, BODY_QUOTE_CHARS)}…` : flat;
}

function describeEnding(ending: Ending): string {
  if (ending.kind === 'spawn-error') return `could not be started: ${ending.message}`;
  if (ending.signal) return `was killed by ${ending.signal}`;
  return `exited with code ${ending.code}`;
}

function describeProbeError(error: { code: string; message: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection closed without an answer';
    default:
      return error.message;
  }
}

/** What the binary does instead of answering, as far as its sockets tell; '' when they tell nothing. */
async function listenHint(pid: number | undefined, port: number): Promise<string> {
  if (pid === undefined || process.platform !== 'linux') return '';
  const sockets = await listeningSocketsOfGroup(pid);
  if (sockets.length === 0) return '; it is not listening on any TCP port';
  const onOurPort = sockets.filter((s) => s.port === port);
  // Listening where we knock: the last try already says what happened (no answer in time).
  const reachable = onOurPort.some((s) =>
    REACHABLE_FROM_LOOPBACK.has(s.address.slice(0, s.address.lastIndexOf(':'))),
  );
  if (reachable) return '';
  const where = sockets.map((s) => s.address).join(', ');
  if (onOurPort.length > 0) {
    return `; it listens on ${where}, which ${HOST} does not reach: bind to 127.0.0.1 or all interfaces (BIND_ADDR is set to 127.0.0.1)`;
  }
  return `; it listens on ${where} instead; does it read PORT?`;
}

interface Attempt {
  result: SmokeResult;
}

/** One start-poll-stop cycle. */
async function attempt(launch: SmokeLaunch, port: number, options: SmokeOptions): Promise<Attempt> {
  const tail = new TailBuffer();
  const base = { runner: launch.runner };
  core.info(`Starting ${[launch.command, ...launch.args].join(' ')} (${launch.runner}, PORT=${port})`);
  const startedAt = performance.now();
  const started: Started = startProcess(
    launch.command,
    launch.args,
    childEnv(process.env, launch.env, { untrusted: true }),
    (chunk, stream) => tail.push(chunk, stream),
  );
  const { child, ended } = started;
  let endedWith: Ending | null = null;
  const stopPolling = new AbortController();
  void ended.then((ending) => {
    endedWith = ending;
    stopPolling.abort();
  });

  const finish = async (result: Omit<SmokeResult, 'runner' | 'logTail'>): Promise<Attempt> => {
    killGroup(child);
    await ended;
    if (child.pid !== undefined) {
      const left = await waitGroupGone(child.pid, GROUP_EXIT_TIMEOUT_MS);
      if (left.length > 0)
        core.warning(`Processes ${left.join(', ')} of the smoke test were still running after SIGKILL.`);
    }
    await started.drained;
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (launch.cleanup) {
      try {
        await launch.cleanup();
      } catch (error) {
        core.warning(`Cleaning up after the smoke test failed: ${(error as Error).message}`);
      }
    }
    tail.end();
    const logTail = tail.lines();
    if (tail.dropped > 0) logTail.unshift(`(${tail.dropped} earlier lines not shown)`);
    return { result: { ...result, ...base, logTail } };
  };

  try {
    // Poll until an answer, an exit, or the ready timeout; every wait also ends at once when the process exits.
    const poll = options.poll ?? DEFAULT_POLL;
    const deadline = startedAt + options.readyTimeoutMs;
    let lastError = 'no attempt made';
    let answer: Extract<Probe, { kind: 'answer' }> | null = null;
    for (let i = 0; !answer && !stopPolling.signal.aborted; i++) {
      await sleep(
        Math.min(pollDelay(i, poll), Math.max(0, deadline - performance.now())),
        stopPolling.signal,
      );
      const left = deadline - performance.now();
      if (stopPolling.signal.aborted || left <= 0) break;
      const outcome = await probe(
        port,
        options.healthPath,
        Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(REQUEST_TIMEOUT_MS, left)),
        stopPolling.signal,
      );
      if (outcome.kind === 'answer') answer = outcome;
      else if (outcome.kind === 'error') lastError = describeProbeError(outcome);
    }
    const url = `http://${HOST}:${port}${options.healthPath}`;
    if (!answer) {
      const ending = endedWith as Ending | null;
      if (ending) {
        return finish({
          status: 'failed',
          reason: `${describeEnding(ending)} after ${formatDuration(ending.atMs)}, before answering on ${HOST}:${port}`,
        });
      }
      const hint = launch.inspectSockets === false ? '' : await listenHint(child.pid, port);
      return finish({
        status: 'failed',
        reason: `did not answer on ${HOST}:${port} within ${formatDuration(options.readyTimeoutMs)} (last try: ${lastError})${hint}`,
      });
    }
    const readyMs = Math.round(performance.now() - startedAt);
    if (answer.status !== options.healthStatus) {
      return finish({
        status: 'failed',
        reason: `GET ${url}: expected status ${options.healthStatus}, got ${answer.status}; body: ${quoteBody(answer.body)}`,
        readyMs,
      });
    }
    if (options.healthBodyRegex) options.healthBodyRegex.lastIndex = 0;
    if (options.healthBodyRegex && !options.healthBodyRegex.test(answer.body)) {
      return finish({
        status: 'failed',
        reason: `GET ${url}: the body does not match ${String(options.healthBodyRegex)}; body: ${quoteBody(answer.body)}`,
        readyMs,
      });
    }
    core.info(`Healthy after ${readyMs} ms: GET ${url} answered ${answer.status}`);

    // Graceful shutdown: it must exit by itself, with code 0, within the shutdown timeout.
    const early = endedWith as Ending | null;
    if (early) {
      return finish({
        status: 'failed',
        reason: `${describeEnding(early)} by itself right after answering`,
        readyMs,
      });
    }
    const stopAt = performance.now();
    const delivered = await requestStop(child);
    if (!delivered && process.platform === 'win32') {
      // Windows has no SIGTERM and Node cannot send a console control event to another process.
      core.info(
        'Graceful shutdown is not checked on Windows: taskkill could not ask it to close; ending it with taskkill /f.',
      );
      return finish({ status: 'passed', reason: '', readyMs });
    }
    core.info(
      `Sent ${STOP_SIGNAL}; waiting up to ${formatDuration(options.shutdownTimeoutMs)} for it to exit with code 0`,
    );
    const timeout = new AbortController();
    const outcome = await Promise.race([
      ended,
      sleep(options.shutdownTimeoutMs, timeout.signal).then(() => null),
    ]);
    timeout.abort();
    const shutdownMs = Math.round(performance.now() - stopAt);
    if (!outcome) {
      return finish({
        status: 'failed',
        reason: `did not shut down within ${formatDuration(options.shutdownTimeoutMs)} after ${STOP_SIGNAL}; killed it`,
        readyMs,
      });
    }
    if (outcome.kind === 'exit' && outcome.code === 0) {
      core.info(`Shut down cleanly ${shutdownMs} ms after ${STOP_SIGNAL}`);
      return finish({ status: 'passed', reason: '', readyMs, shutdownMs });
    }
    if (outcome.kind === 'exit' && outcome.signal === 'SIGTERM') {
      return finish({
        status: 'failed',
        reason:
          'was ended by SIGTERM itself instead of shutting down: it does not handle SIGTERM ' +
          '(use signal.NotifyContext and http.Server.Shutdown; r.Run() has no graceful shutdown)',
        readyMs,
        shutdownMs,
      });
    }
    return finish({
      status: 'failed',
      reason: `${describeEnding(outcome)} after SIGTERM; a graceful shutdown exits with code 0`,
      readyMs,
      shutdownMs,
    });
  } catch (error) {
    return finish({ status: 'failed', reason: `smoke test broke: ${(error as Error).message}` });
  }
}

/**
 * Starts what `launch(port)` describes on a free port, polls `GET http://127.0.0.1:{port}{healthPath}` until it
 * answers, checks status and body, sends SIGTERM and requires exit code 0 within the shutdown timeout. Any failure
 * is retried `launch(port).retries` times, each with a new port. Never throws; the process group is always gone
 * when it returns.
 */
export async function runHealthCheck(
  launch: (port: number) => SmokeLaunch,
  options: SmokeOptions,
): Promise<SmokeResult> {
  let attempts = 0;
  for (;;) {
    attempts++;
    let port: number;
    try {
      port = await freePort();
    } catch (error) {
      return { status: 'failed', reason: `no free port on ${HOST}: ${(error as Error).message}`, attempts };
    }
    let plan: SmokeLaunch;
    try {
      plan = launch(port);
    } catch (error) {
      return {
        status: 'failed',
        reason: `could not prepare the launch: ${(error as Error).message}`,
        attempts,
      };
    }
    const { result } = await attempt(plan, port, options);
    if (result.status === 'passed' || attempts > plan.retries) {
      const reason =
        attempts > 1 && result.status !== 'passed'
          ? `${result.reason} (${attempts} attempts)`
          : result.reason;
      return { ...result, reason, attempts };
    }
    // Only the last attempt's output is kept in the result, so an earlier one is shown now.
    core.info(`Attempt ${attempts} failed under ${plan.runner}: ${result.reason}`);
    for (const line of (result.logTail ?? []).slice(-RETRY_LOG_LINES)) core.info(`  | ${line}`);
    core.info('Trying again on a new port.');
  }
}

/** Smoke-tests one built binary, natively or under the given emulator. */
export function smokeBinary(
  binary: string,
  emulator: Emulator | undefined,
  options: SmokeOptions,
): Promise<SmokeResult> {
  return runHealthCheck((port) => binaryLaunch(binary, emulator, options, port), options);
}
