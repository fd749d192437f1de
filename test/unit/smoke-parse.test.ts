// Parsers of what Linux tells about processes and emulators, and the words results are shown with.
import { describe, expect, test } from 'vitest';
import { parseBinfmtEntry, parseCpuFlags } from '../../src/smoke/emulator.js';
import { parseProcNetTcp } from '../../src/smoke/port.js';
import { parseStat } from '../../src/util/process/children.js';
import { formatDuration, formatSmokeFailure, formatSmokeLine, quoteBody } from '../../src/smoke/report.js';
import type { SmokeResult } from '../../src/types.js';

// Real /proc/net/tcp and tcp6 lines (a listener on 127.0.0.1:8080, one on 0.0.0.0:22, an established connection).
const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0
   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 20 4 30 10 -1
`;
const PROC_NET_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 666 1 0000000000000000 100 0 0 10 0
   3: 000080FE00000000FF0300261A0000FE:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  test('IPv4 listeners only, with address, port and inode', () => {
    expect(parseProcNetTcp(PROC_NET_TCP)).toEqual([
      { address: '127.0.0.1:8080', port: 8080, inode: '123456' },
      { address: '0.0.0.0:22', port: 22, inode: '222' },
    ]);
  });

  test('IPv6: any, loopback, v4-mapped and a link-local address', () => {
    expect(parseProcNetTcp(PROC_NET_TCP6).map((s) => s.address)).toEqual([
      '[::]:8080',
      '[::1]:80',
      '127.0.0.1:3000',
      '[fe80::2600:3ff:fe00:1a]:8081',
    ]);
  });

  test('empty or garbage input gives nothing', () => {
    expect(parseProcNetTcp('')).toEqual([]);
    expect(parseProcNetTcp('header\nnot a table\n')).toEqual([]);
  });
});

describe('parseStat', () => {
  test.each([
    ['1234 (app) S 1 1234 1234 0 -1 4194560 100', { state: 'S', pgrp: 1234 }],
    ['99 (my (odd) name) Z 5 77 77 0', { state: 'Z', pgrp: 77 }],
    ['', null],
  ])('%s', (stat, expected) => {
    expect(parseStat(stat)).toEqual(expected);
  });
});

describe('parseBinfmtEntry', () => {
  test.each([
    [
      'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n',
      '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
    ],
    ['disabled\ninterpreter /usr/bin/qemu-arm-static\n', null],
    ['enabled\nflags: F\n', null],
    ['', null],
  ])('%j', (text, expected) => {
    expect(parseBinfmtEntry(text)).toBe(expected);
  });
});

describe('parseCpuFlags', () => {
  test('x86 flags of the first CPU', () => {
    const cpuinfo =
      'processor\t: 0\nmodel name\t: X\nflags\t\t: fpu sse4_2 avx2\n\nprocessor\t: 1\nflags\t\t: fpu\n';
    expect(parseCpuFlags(cpuinfo)).toEqual(new Set(['fpu', 'sse4_2', 'avx2']));
  });

  test('an arm64 cpuinfo has no x86 flags', () => {
    expect(parseCpuFlags('processor\t: 0\nFeatures\t: fp asimd evtstrm\n')).toBeNull();
  });
});

describe('quoteBody and formatDuration', () => {
  test.each([
    ['', '(empty body)'],
    ['  \n', '(empty body)'],
    ['ok\n', 'ok'],
    ['line one\nline  two', 'line one line two'],
    ['x'.repeat(250), `${'x'.repeat(200)}…`],
  ])('quoteBody(%j)', (body, expected) => {
    expect(quoteBody(body)).toBe(expected);
  });

  test.each([
    [0, '0 ms'],
    [37.4, '37 ms'],
    [999, '999 ms'],
    [1000, '1 s'],
    [1549, '1.5 s'],
    [30_000, '30 s'],
  ])('formatDuration(%d)', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('formatSmokeLine', () => {
  test.each<[SmokeResult, string]>([
    [
      { status: 'passed', reason: '', readyMs: 35, shutdownMs: 4, runner: 'native', attempts: 1 },
      'linux/amd64 passed: ready in 35 ms, shut down in 4 ms',
    ],
    [
      {
        status: 'passed',
        reason: '',
        readyMs: 900,
        shutdownMs: 80,
        runner: 'qemu-aarch64-static',
        attempts: 2,
      },
      'linux/amd64 passed under qemu-aarch64-static: ready in 900 ms, shut down in 80 ms, 2 attempts',
    ],
    [
      { status: 'failed', reason: 'exited with code 1', runner: 'native' },
      'linux/amd64 failed: exited with code 1',
    ],
    [
      { status: 'skipped', reason: 'no emulator for linux/amd64' },
      'linux/amd64 skipped: no emulator for linux/amd64',
    ],
  ])('%j', (result, expected) => {
    expect(formatSmokeLine('linux/amd64', result)).toBe(expected);
  });
});

describe('formatSmokeFailure', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);

  test('quotes the last 20 lines, indented, after what failed and why', () => {
    const text = formatSmokeFailure('linux/arm64', {
      status: 'failed',
      reason: 'did not shut down within 10 s after SIGTERM; killed it',
      runner: 'qemu-aarch64-static',
      logTail: ['(10 earlier lines not shown)', ...lines],
    });
    expect(text.split('\n')).toEqual([
      'Smoke test of linux/arm64 failed (under qemu-aarch64-static): did not shut down within 10 s after SIGTERM; killed it',
      'Its last 20 lines of output:',
      ...lines.slice(10).map((line) => `  ${line}`),
    ]);
  });

  test.each<[string[] | undefined, string]>([
    [['boom'], 'Smoke test of linux/amd64 failed: exited with code 1\nIts output:\n  boom'],
    [[], 'Smoke test of linux/amd64 failed: exited with code 1\nIt printed nothing.'],
    [undefined, 'Smoke test of linux/amd64 failed: exited with code 1\nIt printed nothing.'],
  ])('%j', (logTail, expected) => {
    expect(
      formatSmokeFailure('linux/amd64', {
        status: 'failed',
        reason: 'exited with code 1',
        runner: 'native',
        logTail,
      }),
    ).toBe(expected);
  });
});
