// Waiting for the first health answer: poll the given port, and when the app's sockets show it listens on another
// port instead (its own fixed default, say), check health there rather than wait for the ready timeout.
import { settleRoute, type RouteOutcome } from './health.js';
import { DEFAULT_POLL, pollDelay, type SmokeOptions } from './plan.js';
import { whereItListens, type Listener, type ListenVerdict } from './port.js';
import { describeProbeError, HOST, probe, REQUEST_TIMEOUT_MS, sleep } from './probe.js';
import { formatDuration } from './report.js';
import type { AttemptFailure } from './retry.js';

/** The last poll before the ready deadline still gets this long, so a busy machine does not turn it into a timeout. */
const MIN_REQUEST_TIMEOUT_MS = 250;
/** The first look at the app's sockets: Go servers listen within milliseconds. */
const FIRST_SOCKET_CHECK_MS = 200;
/** Between looks: /proc is cheap to read; lsof and netstat cost a process each. */
const SOCKET_CHECK_MS = process.platform === 'linux' ? 250 : 1000;
/**
 * How long the app may listen only elsewhere, without an answer there, before that is the verdict. An app may open a
 * side port (metrics, admin, gRPC) before its main one; a few seconds tell that apart from an app that ignores
 * PORT, and are still far less than the ready timeout.
 */
export const ELSEWHERE_SETTLE_MS = 3000;
/** At most this many other ports are asked. */
const MAX_OTHER_PORTS = 4;

export type ReadyOutcome =
  /** An HTTP answer on the given port, or on `elsewhere` (addresses it listens on instead). */
  | { kind: 'answer'; route: RouteOutcome; elsewhere: string | null }
  /** The process ended (or the wait was aborted) before an answer. */
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string; failure: AttemptFailure };

export interface ReadyWait {
  port: number;
  options: SmokeOptions;
  /** performance.now() when the process was started. */
  startedAt: number;
  /** Aborts when the process ends. */
  stop: AbortSignal;
  /** The app's listening sockets (null: this system cannot tell); absent when its sockets say nothing (docker run). */
  listeners?: () => Promise<Listener[] | null>;
}

function addressesOn(listeners: readonly Listener[], port: number): string {
  return listeners
    .filter((l) => l.port === port)
    .map((l) => l.address)
    .join(', ');
}

/** The note added when the verdict is a timeout: what the sockets show instead of an answer. */
export function timeoutHint(verdict: ListenVerdict): string {
  switch (verdict.kind) {
    case 'nowhere':
      return '; it is not listening on any TCP port';
    case 'ours-unreachable':
      return `; it listens on ${verdict.where}, which ${HOST} does not reach: bind to 127.0.0.1 or all interfaces (BIND_ADDR is set to 127.0.0.1)`;
    case 'elsewhere':
    case 'elsewhere-unreachable':
      return `; it listens on ${verdict.where} instead; does it read PORT?`;
    case 'unknown':
    case 'ours':
      // Listening where we knock: the last try already says what happened (no answer in time).
      return '';
  }
}

const GIVE_IT_THE_PORT =
  'Give it the port: set smoke-args (e.g. --addr 127.0.0.1:{port}) or smoke-env (e.g. ADDR=127.0.0.1:{port}) to the flag or variable the app reads, or make it read PORT.';

/** The warning for an app that passed on a port of its own. */
export function elsewhereWarning(port: number, where: string, path: string): string {
  return (
    `It does not listen on the port it was given (PORT=${port}) but on ${where}, where GET ${path} answered, ` +
    `so the smoke test checked it there. ${GIVE_IT_THE_PORT} A fixed port can collide with other services on the runner.`
  );
}

/** Asks the other ports in turn: the first whose health route answers (anything but 404) is the app's server. */
async function tryElsewhere(
  listeners: readonly Listener[],
  ports: readonly number[],
  wait: ReadyWait,
  timeoutMs: number,
): Promise<
  | { kind: 'answer'; route: RouteOutcome; where: string }
  | { kind: 'none'; http: RouteOutcome | null; problem: string }
> {
  let http: RouteOutcome | null = null;
  let problem = '';
  for (const port of ports.slice(0, MAX_OTHER_PORTS)) {
    const outcome = await probe(port, wait.options.healthPath, timeoutMs, wait.stop);
    if (outcome.kind === 'aborted') break;
    if (outcome.kind === 'error') {
      problem ||= `GET http://${HOST}:${port}${wait.options.healthPath} got no answer there either (${describeProbeError(outcome)})`;
      continue;
    }
    const route = await settleRoute(outcome.answer, wait.options, timeoutMs, wait.stop);
    if (route.kind === 'found' || (route.kind === 'given' && route.answer.status !== 404)) {
      return { kind: 'answer', route, where: addressesOn(listeners, port) };
    }
    http ??= route;
  }
  return { kind: 'none', http, problem };
}

/**
 * Polls until an HTTP answer, an exit, the ready timeout, or the verdict that the app listens elsewhere and does
 * not answer there either. Every wait also ends at once when the process exits.
 */
export async function waitForAnswer(wait: ReadyWait): Promise<ReadyOutcome> {
  const { port, options, stop } = wait;
  const poll = options.poll ?? DEFAULT_POLL;
  const deadline = wait.startedAt + options.readyTimeoutMs;
  const timeoutFor = (left: number): number =>
    Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(REQUEST_TIMEOUT_MS, left));
  let lastError = 'no attempt made';
  let nextCheck = wait.startedAt + FIRST_SOCKET_CHECK_MS;
  let elsewhereSince: number | null = null;
  for (let i = 0; !stop.aborted; i++) {
    await sleep(Math.min(pollDelay(i, poll), Math.max(0, deadline - performance.now())), stop);
    const left = deadline - performance.now();
    if (stop.aborted || left <= 0) break;
    const outcome = await probe(port, options.healthPath, timeoutFor(left), stop);
    if (outcome.kind === 'answer') {
      const route = await settleRoute(outcome.answer, options, timeoutFor(left), stop);
      return { kind: 'answer', route, elsewhere: null };
    }
    if (outcome.kind === 'error') lastError = describeProbeError(outcome);
    if (!wait.listeners || performance.now() < nextCheck) continue;

    const listeners = await wait.listeners();
    nextCheck = performance.now() + SOCKET_CHECK_MS;
    const verdict = whereItListens(listeners, port);
    if (verdict.kind !== 'elsewhere' && verdict.kind !== 'elsewhere-unreachable') {
      elsewhereSince = null;
      continue;
    }
    elsewhereSince ??= performance.now();
    let found: Awaited<ReturnType<typeof tryElsewhere>> | null = null;
    if (verdict.kind === 'elsewhere') {
      found = await tryElsewhere(
        listeners ?? [],
        verdict.ports,
        wait,
        timeoutFor(deadline - performance.now()),
      );
      if (found.kind === 'answer') return { kind: 'answer', route: found.route, elsewhere: found.where };
    }
    if (stop.aborted || performance.now() - elsewhereSince < ELSEWHERE_SETTLE_MS) continue;
    // Settled: it listens elsewhere only. An HTTP server there without the health route is judged as such.
    if (found?.kind === 'none' && found.http) {
      const at = found.http.kind === 'none' ? found.http.first.port : found.http.answer.port;
      return { kind: 'answer', route: found.http, elsewhere: addressesOn(listeners ?? [], at) };
    }
    const there =
      verdict.kind === 'elsewhere-unreachable'
        ? `it listens on ${verdict.where} instead, which ${HOST} does not reach`
        : `it listens on ${verdict.where} instead (does it read PORT?), and ${found?.kind === 'none' ? found.problem : 'nothing answered there'}`;
    return {
      kind: 'failed',
      reason: `did not answer on ${HOST}:${port}: ${there}. ${GIVE_IT_THE_PORT}`,
      failure: { stage: 'elsewhere' },
    };
  }
  if (stop.aborted) return { kind: 'stopped' };
  const hint = wait.listeners ? timeoutHint(whereItListens(await wait.listeners(), port)) : '';
  return {
    kind: 'failed',
    reason: `did not answer on ${HOST}:${port} within ${formatDuration(options.readyTimeoutMs)} (last try: ${lastError})${hint}`,
    failure: { stage: 'ready-timeout' },
  };
}
