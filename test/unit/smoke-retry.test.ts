// Which failed smoke attempts are retried under an emulator: the app's own failures come out the same every time,
// only what may be the emulator's gets another try.
import { describe, expect, test } from 'vitest';
import { looksLikeRuntimeCrash, retryDecision, type AttemptFailure } from '../../src/smoke/retry.js';

const GO_CRASH = [
  'fatal error: unexpected signal during runtime execution',
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4567]',
  '',
  'goroutine 1 gp=0x40000021c0 m=0 mp=0x2f6f40 [running]:',
];
const FLAG_ERROR = ['flag provided but not defined: -addr', 'Usage of /dist/app:', '  -listen string'];

describe('retryDecision: the app, or maybe the emulator', () => {
  test.each<[string, AttemptFailure, string[], boolean, RegExp]>([
    ['could not be started', { stage: 'start' }, [], false, /could not be started/],
    [
      'exit code 1 before answering (log.Fatal)',
      { stage: 'exit-before-answer', ended: { code: 1, signal: null } },
      ['config error: DATABASE_URL is not set'],
      false,
      /^it chose to exit with code 1 before answering: the app, not the emulator/,
    ],
    [
      'exit code 2 from a flag error',
      { stage: 'exit-before-answer', ended: { code: 2, signal: null } },
      FLAG_ERROR,
      false,
      /exit with code 2/,
    ],
    [
      'exit code 2 with a Go runtime crash',
      { stage: 'exit-before-answer', ended: { code: 2, signal: null } },
      GO_CRASH,
      true,
      /^a Go runtime crash before answering, which may be the emulator$/,
    ],
    [
      'killed by SIGSEGV before answering',
      { stage: 'exit-before-answer', ended: { code: null, signal: 'SIGSEGV' } },
      ['qemu: uncaught target signal 11 (Segmentation fault) - core dumped'],
      true,
      /killed by SIGSEGV before answering/,
    ],
    ['no answer in time', { stage: 'ready-timeout' }, [], true, /slow or stuck emulator/],
    [
      'listens on a port of its own that does not answer',
      { stage: 'elsewhere' },
      [],
      false,
      /port of its own/,
    ],
    ['a wrong status, body, route or page', { stage: 'answer' }, [], false, /answered over HTTP/],
    [
      'exits by itself right after answering',
      { stage: 'exit-after-answer', ended: { code: 0, signal: null } },
      [],
      false,
      /exit with code 0 right after answering/,
    ],
    ['no exit after SIGTERM in time', { stage: 'shutdown-timeout' }, [], true, /stuck emulator/],
    [
      'SIGTERM kills it: no handler',
      { stage: 'exit-after-sigterm', ended: { code: null, signal: 'SIGTERM' } },
      [],
      false,
      /no handler/,
    ],
    [
      'exit code 3 after SIGTERM',
      { stage: 'exit-after-sigterm', ended: { code: 3, signal: null } },
      ['broker gone'],
      false,
      /exit with code 3 after SIGTERM/,
    ],
    [
      'killed by SIGILL after SIGTERM',
      { stage: 'exit-after-sigterm', ended: { code: null, signal: 'SIGILL' } },
      [],
      true,
      /SIGILL after SIGTERM/,
    ],
    ['the smoke test broke', { stage: 'broke' }, [], false, /broke/],
  ])('%s', (_name, failure, output, retry, why) => {
    const decision = retryDecision(failure, output);
    expect(decision.retry).toBe(retry);
    expect(decision.why).toMatch(why);
  });

  test.each([
    [GO_CRASH, true],
    [
      ['panic: runtime error: invalid memory address or nil pointer dereference', 'goroutine 1 [running]:'],
      true,
    ],
    [['qemu: uncaught target signal 4 (Illegal instruction) - core dumped'], true],
    [['SIGILL: illegal instruction', 'PC=0x4012a0 m=0 sigcode=2'], true],
    [FLAG_ERROR, false],
    [['error: fatal error: no config'], false],
    [[], false],
  ])('looksLikeRuntimeCrash(%j) is %s', (output, expected) => {
    expect(looksLikeRuntimeCrash(output)).toBe(expected);
  });
});
