// Whether a failed smoke attempt is worth another try. Pure.
//
// Emulated attempts (qemu-user) get one retry, because Go under qemu-user is known to crash or hang now and then
// (signals, asynchronous preemption, futexes). But most failures are the app's own and would only come out the same
// a second time, costing another ready or shutdown timeout: an exit with a code the program chose, an HTTP answer
// with the wrong status or body, a missing health route, a port of its own. So the decision is made from the first
// attempt's outcome, not by running it twice and comparing:
//   - the app's (never retried): it could not be started; it exited by itself with a code, before or right after
//     answering or after SIGTERM, except exit code 2 with a Go runtime crash in its output; any HTTP answer; it
//     listens on another port that does not answer; SIGTERM ended it because it has no handler (qemu-user delivers
//     the signal and applies the default action exactly as the kernel does);
//   - maybe the emulator's (retried): a kill by a signal we did not send (SIGSEGV, SIGILL, SIGBUS, SIGABRT: qemu
//     faults show up as these); exit code 2 with a Go runtime crash (`fatal error:`, `unexpected signal`, a
//     `goroutine N [running]` trace), which is how Go reports a fault it caught; no answer within the ready timeout,
//     and no exit within the shutdown timeout (hangs).
// A Go panic of the app's own also exits 2 with a trace and is retried once: a wasted attempt, not a wrong verdict.

/** How a process ended by itself. */
export interface EndedBy {
  code: number | null;
  signal: string | null;
}

/** Where in the attempt it failed, with what the decision needs. */
export type AttemptFailure =
  | { stage: 'start' }
  | { stage: 'exit-before-answer'; ended: EndedBy }
  | { stage: 'ready-timeout' }
  | { stage: 'elsewhere' }
  | { stage: 'answer' }
  | { stage: 'exit-after-answer'; ended: EndedBy }
  | { stage: 'shutdown-timeout' }
  | { stage: 'exit-after-sigterm'; ended: EndedBy }
  | { stage: 'broke' };

export interface RetryDecision {
  retry: boolean;
  /** Why, for the log line that says whether it is tried again. */
  why: string;
}

/** Go's own words when the runtime dies of a fault, and qemu-user's when the guest does. */
const RUNTIME_CRASH =
  /^(fatal error: |unexpected fault address|SIG(SEGV|ILL|BUS|TRAP|FPE): |signal arrived during cgo execution|goroutine \d+ \[running\]|qemu: (uncaught target signal|unhandled (CPU exception|trap))|runtime: )/m;

/** Whether the output holds a Go runtime crash report (or qemu-user's report of the guest's crash). Pure. */
export function looksLikeRuntimeCrash(output: readonly string[]): boolean {
  return RUNTIME_CRASH.test(output.join('\n'));
}

function byExit(
  ended: EndedBy,
  output: readonly string[],
  when: string,
  afterSigterm = false,
): RetryDecision {
  if (ended.signal === 'SIGTERM' && afterSigterm) {
    return { retry: false, why: 'SIGTERM ended it because it has no handler: the app, not the emulator' };
  }
  if (ended.signal !== null) {
    return { retry: true, why: `killed by ${ended.signal} ${when}, which may be the emulator` };
  }
  if (ended.code === 2 && looksLikeRuntimeCrash(output)) {
    return { retry: true, why: `a Go runtime crash ${when}, which may be the emulator` };
  }
  return {
    retry: false,
    why: `it chose to exit with code ${ended.code} ${when}: the app, not the emulator; another try would end the same`,
  };
}

/** Whether a failed attempt is retried (when the launch has retries left), and why. Pure. */
export function retryDecision(failure: AttemptFailure, output: readonly string[]): RetryDecision {
  switch (failure.stage) {
    case 'start':
      return { retry: false, why: 'it could not be started; another try would fail the same' };
    case 'exit-before-answer':
      return byExit(failure.ended, output, 'before answering');
    case 'exit-after-answer':
      return byExit(failure.ended, output, 'right after answering');
    case 'exit-after-sigterm':
      return byExit(failure.ended, output, 'after SIGTERM', true);
    case 'ready-timeout':
      return { retry: true, why: 'no answer in time, which may be a slow or stuck emulator' };
    case 'shutdown-timeout':
      return { retry: true, why: 'no exit after SIGTERM in time, which may be a stuck emulator' };
    case 'elsewhere':
      return { retry: false, why: 'it listens on a port of its own: the app, not the emulator' };
    case 'answer':
      return { retry: false, why: 'it answered over HTTP: the answer is the app, not the emulator' };
    case 'broke':
      return { retry: false, why: 'the smoke test itself broke' };
  }
}
