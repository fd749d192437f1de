// Start, health-check and stop one process: the machinery behind the smoke tests of binaries and of images.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import type { SmokeResult } from '../types.js';
import { judgeAnswer } from './health.js';
import { binaryLaunch, type Emulator, type SmokeLaunch, type SmokeOptions } from './plan.js';
import { freePort, listenersOf } from './port.js';
import { HOST, sleep } from './probe.js';
import { elsewhereWarning, waitForAnswer } from './ready.js';
import { formatDuration } from './report.js';
import { retryDecision, type AttemptFailure } from './retry.js';
import { makeSandbox, sandboxEnv, type Sandbox } from './sandbox.js';
import {
  killGroup,
  requestStop,
  startProcess,
  waitGroupGone,
  type Ending,
  type Started,
} from '../util/process/children.js';
import { childEnv } from '../util/process/env.js';
import { endTrackedProcesses, trackedProcesses } from '../util/process/reaper.js';
import { TailBuffer } from '../util/tail.js';

/** How long a killed process group may take to disappear before it is reported. */
const GROUP_EXIT_TIMEOUT_MS = 5000;
/** Lines of a failed attempt's output shown before its retry. */
const RETRY_LOG_LINES = 20;
const STOP_SIGNAL = process.platform === 'win32' ? 'taskkill' : 'SIGTERM';
/**
 * Marks every process of one attempt (inherited by whatever the app starts, even in a session of its own), so that
 * its sockets can be found and nothing of it outlives the attempt. Narrower than the run's tracking variable.
 */
export const SMOKE_RUN_VARIABLE = 'GIN_RELEASE_SMOKE_RUN';

function describeEnding(ending: Ending): string {
  if (ending.kind === 'spawn-error') return `could not be started: ${ending.message}`;
  if (ending.signal) return `was killed by ${ending.signal}`;
  return `exited with code ${ending.code}`;
}

function endedBy(ending: Ending): { code: number | null; signal: string | null } {
  return ending.kind === 'exit' ? { code: ending.code, signal: ending.signal } : { code: null, signal: null };
}

interface Attempt {
  result: SmokeResult;
  /** Null when it passed. */
  failure: AttemptFailure | null;
}

type Outcome = Omit<SmokeResult, 'runner' | 'logTail'> & { failure: AttemptFailure | null };

/** One start-poll-stop cycle. */
async function attempt(launch: SmokeLaunch, port: number, options: SmokeOptions): Promise<Attempt> {
  const tail = new TailBuffer();
  const marker = randomUUID();
  let sandbox: Sandbox | null = null;
  if (launch.sandbox) {
    try {
      sandbox = makeSandbox();
    } catch (error) {
      const reason = `smoke test broke: no folder to run it in: ${(error as Error).message}`;
      return { result: { status: 'failed', reason, runner: launch.runner }, failure: { stage: 'broke' } };
    }
  }
  // What the user set in smoke-env wins over the sandbox's HOME and TMPDIR.
  const env = { ...(sandbox ? sandboxEnv(sandbox) : {}), ...launch.env, [SMOKE_RUN_VARIABLE]: marker };
  core.info(`Starting ${[launch.command, ...launch.args].join(' ')} (${launch.runner}, PORT=${port})`);
  if (sandbox)
    core.info(`Working directory, HOME and TMPDIR: a fresh folder, ${sandbox.root}, removed afterwards`);
  const startedAt = performance.now();
  const started: Started = startProcess(
    launch.command,
    launch.args,
    childEnv(process.env, env, { untrusted: true }),
    (chunk, stream) => tail.push(chunk, stream),
    sandbox ? { cwd: sandbox.work } : {},
  );
  const { child, ended } = started;
  let endedWith: Ending | null = null;
  const stopPolling = new AbortController();
  void ended.then((ending) => {
    endedWith = ending;
    stopPolling.abort();
  });

  const finish = async ({ failure, ...result }: Outcome): Promise<Attempt> => {
    killGroup(child);
    await ended;
    if (child.pid !== undefined) {
      const left = await waitGroupGone(child.pid, GROUP_EXIT_TIMEOUT_MS);
      if (left.length > 0)
        core.warning(`Processes ${left.join(', ')} of the smoke test were still running after SIGKILL.`);
    }
    // What it started outside its process group (setsid): found by the attempt's marker, so it cannot hold a fixed
    // port or write into the sandbox while the next attempt or target runs.
    const strays = await endTrackedProcesses(GROUP_EXIT_TIMEOUT_MS, marker, SMOKE_RUN_VARIABLE);
    if (strays.length > 0) {
      core.info(
        `Ended ${strays.length} process(es) it had started outside its process group: ${strays
          .map((p) => `${p.command} (pid ${p.pid})`)
          .join(', ')}`,
      );
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
    try {
      sandbox?.remove();
    } catch (error) {
      core.warning(`Removing the smoke test's folder ${sandbox?.root} failed: ${(error as Error).message}`);
    }
    tail.end();
    const logTail = tail.lines();
    if (tail.dropped > 0) logTail.unshift(`(${tail.dropped} earlier lines not shown)`);
    return { result: { ...result, runner: launch.runner, logTail }, failure };
  };

  try {
    const ready = await waitForAnswer({
      port,
      options,
      startedAt,
      stop: stopPolling.signal,
      ...(launch.inspectSockets === false || child.pid === undefined
        ? {}
        : {
            listeners: () =>
              listenersOf({
                pid: child.pid!,
                related: trackedProcesses(marker, SMOKE_RUN_VARIABLE).map((p) => p.pid),
              }),
          }),
    });
    if (ready.kind === 'failed')
      return finish({ status: 'failed', reason: ready.reason, failure: ready.failure });
    if (ready.kind === 'stopped') {
      const ending = (endedWith as Ending | null) ?? (await ended);
      return finish({
        status: 'failed',
        reason: `${describeEnding(ending)} after ${formatDuration(ending.atMs)}, before answering on ${HOST}:${port}`,
        failure:
          ending.kind === 'spawn-error'
            ? { stage: 'start' }
            : { stage: 'exit-before-answer', ended: endedBy(ending) },
      });
    }
    const readyMs = Math.round(performance.now() - startedAt);
    const judged = judgeAnswer(ready.route, options);
    const found = {
      ...(ready.elsewhere ? { answeredPort: judged.answer.port } : {}),
      ...(ready.route.kind === 'found' ? { healthPath: judged.answer.path } : {}),
    };
    if (!judged.ok) {
      const where = ready.elsewhere
        ? `it listens on ${ready.elsewhere}, not on the port it was given (PORT=${port}); there, `
        : '';
      return finish({
        status: 'failed',
        reason: `${where}${judged.reason}`,
        readyMs,
        ...found,
        failure: { stage: 'answer' },
      });
    }
    const warnings = [
      ...(ready.elsewhere ? [elsewhereWarning(port, ready.elsewhere, judged.answer.path)] : []),
      ...judged.warnings,
    ];
    const notes = {
      ...found,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(judged.notices.length > 0 ? { notices: judged.notices } : {}),
    };
    const url = `http://${HOST}:${judged.answer.port}${judged.answer.path}`;
    core.info(`Healthy after ${readyMs} ms: GET ${url} answered ${judged.answer.status}`);

    // Graceful shutdown: it must exit by itself, with code 0, within the shutdown timeout.
    const early = endedWith as Ending | null;
    if (early) {
      return finish({
        status: 'failed',
        reason: `${describeEnding(early)} by itself right after answering`,
        readyMs,
        ...found,
        failure: { stage: 'exit-after-answer', ended: endedBy(early) },
      });
    }
    const stopAt = performance.now();
    const delivered = await requestStop(child);
    if (!delivered && process.platform === 'win32') {
      // Windows has no SIGTERM and Node cannot send a console control event to another process.
      core.info(
        'Graceful shutdown is not checked on Windows: taskkill could not ask it to close; ending it with taskkill /f.',
      );
      return finish({ status: 'passed', reason: '', readyMs, ...notes, failure: null });
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
        ...found,
        failure: { stage: 'shutdown-timeout' },
      });
    }
    if (outcome.kind === 'exit' && outcome.code === 0) {
      core.info(`Shut down cleanly ${shutdownMs} ms after ${STOP_SIGNAL}`);
      return finish({ status: 'passed', reason: '', readyMs, shutdownMs, ...notes, failure: null });
    }
    const failure: AttemptFailure = { stage: 'exit-after-sigterm', ended: endedBy(outcome) };
    if (outcome.kind === 'exit' && outcome.signal === 'SIGTERM') {
      return finish({
        status: 'failed',
        reason:
          'was ended by SIGTERM itself instead of shutting down: it does not handle SIGTERM ' +
          '(use signal.NotifyContext and http.Server.Shutdown; r.Run() has no graceful shutdown)',
        readyMs,
        shutdownMs,
        ...found,
        failure,
      });
    }
    return finish({
      status: 'failed',
      reason: `${describeEnding(outcome)} after SIGTERM; a graceful shutdown exits with code 0`,
      readyMs,
      shutdownMs,
      ...found,
      failure,
    });
  } catch (error) {
    return finish({
      status: 'failed',
      reason: `smoke test broke: ${(error as Error).message}`,
      failure: { stage: 'broke' },
    });
  }
}

/**
 * Starts what `launch(port)` describes on a free port, polls `GET http://127.0.0.1:{port}{healthPath}` until it
 * answers (or finds the port it listens on instead), checks status and body, sends SIGTERM and requires exit code 0
 * within the shutdown timeout. A failure is retried up to `launch(port).retries` times, each with a new port, unless
 * it is the app's own doing (src/smoke/retry.ts). Never throws; the process group is always gone when it returns.
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
    const { result, failure } = await attempt(plan, port, options);
    const withCount = (): SmokeResult => ({
      ...result,
      reason:
        attempts > 1 && result.status !== 'passed'
          ? `${result.reason} (${attempts} attempts)`
          : result.reason,
      attempts,
    });
    if (!failure || attempts > plan.retries) return withCount();
    const decision = retryDecision(failure, result.logTail ?? []);
    if (!decision.retry) {
      core.info(`Not trying again under ${plan.runner}: ${decision.why}.`);
      return withCount();
    }
    // Only the last attempt's output is kept in the result, so an earlier one is shown now.
    core.info(`Attempt ${attempts} failed under ${plan.runner}: ${result.reason}`);
    for (const line of (result.logTail ?? []).slice(-RETRY_LOG_LINES)) core.info(`  | ${line}`);
    core.info(`Trying again on a new port: ${decision.why}.`);
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
