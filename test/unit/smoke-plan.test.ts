// The smoke stage's pure decisions: which targets run and how, argv/env per port, poll schedule.
import { describe, expect, test } from 'vitest';
import { parseTarget, parseTargets } from '../../src/build/targets.js';
import { getInputs, type SmokeTargets } from '../../src/inputs.js';
import { childEnv } from '../../src/util/process/env.js';
import {
  binaryLaunch,
  DEFAULT_POLL,
  hostId,
  missingCpuFlags,
  planSmoke,
  pollDelay,
  smokeOptionsFromInputs,
  substitutePort,
  type Emulator,
  type HostPlatform,
  type SmokeOptions,
} from '../../src/smoke/plan.js';
import { setInputs } from '../support/inputs.js';

const QEMU_ARM64: Emulator = { kind: 'qemu', path: '/usr/bin/qemu-aarch64-static' };
const QEMU_ARM: Emulator = { kind: 'qemu', path: '/usr/bin/qemu-arm-static' };
const BINFMT_ARM64: Emulator = { kind: 'binfmt', path: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P' };
const QEMU_X86_64: Emulator = { kind: 'qemu', path: '/usr/bin/qemu-x86_64-static' };

const ALL_V3 = new Set(
  'cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave'.split(' '),
);
const OLD_CPU = new Set('cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3'.split(' '));

const linuxAmd64: HostPlatform = { platform: 'linux', arch: 'x64', cpuFlags: ALL_V3 };
const linuxArm64: HostPlatform = { platform: 'linux', arch: 'arm64', cpuFlags: null };
const macArm64: HostPlatform = { platform: 'darwin', arch: 'arm64' };
const windowsAmd64: HostPlatform = { platform: 'win32', arch: 'x64' };

const withQemu = new Map([
  ['arm64', QEMU_ARM64],
  ['arm', QEMU_ARM],
]);
const none = new Map<string, Emulator>();

type Row = [
  string,
  string,
  SmokeTargets,
  HostPlatform,
  Map<string, Emulator>,
  Array<[string, string, string?]>,
];

// [description, targets, mode, host, emulators, [[target, action, emulator path or reason]]]
const table: Row[] = [
  [
    'auto on linux/amd64 with qemu: native, emulated, and other OSes skipped with the reason',
    'linux/amd64, linux/386, linux/arm64, linux/arm/v7, darwin/arm64, windows/amd64',
    { mode: 'auto' },
    linuxAmd64,
    withQemu,
    [
      ['linux/amd64', 'run'],
      ['linux/386', 'run'],
      ['linux/arm64', 'run', QEMU_ARM64.path],
      ['linux/arm/v7', 'run', QEMU_ARM.path],
      ['darwin/arm64', 'skip', 'cannot run darwin/arm64 on linux/amd64'],
      ['windows/amd64', 'skip', 'cannot run windows/amd64 on linux/amd64'],
    ],
  ],
  [
    'auto without an emulator: skipped, never a silent pass',
    'linux/amd64, linux/arm64, linux/riscv64',
    { mode: 'auto' },
    linuxAmd64,
    none,
    [
      ['linux/amd64', 'run'],
      [
        'linux/arm64',
        'skip',
        'no emulator for linux/arm64: install qemu-user-static (it provides qemu-aarch64-static)',
      ],
      [
        'linux/riscv64',
        'skip',
        'no emulator for linux/riscv64: install qemu-user-static (it provides qemu-riscv64-static)',
      ],
    ],
  ],
  [
    'auto with only a binfmt_misc entry: run through it',
    'linux/arm64',
    { mode: 'auto' },
    linuxAmd64,
    new Map([['arm64', BINFMT_ARM64]]),
    [['linux/arm64', 'run', BINFMT_ARM64.path]],
  ],
  [
    'native: only the runner platform (and 386 on amd64), the rest skipped',
    'linux/amd64, linux/386, linux/arm64, darwin/amd64',
    { mode: 'native' },
    linuxAmd64,
    withQemu,
    [
      ['linux/amd64', 'run'],
      ['linux/386', 'run'],
      ['linux/arm64', 'skip', 'smoke-targets is native and linux/arm64 needs an emulator'],
      ['darwin/amd64', 'skip', 'cannot run darwin/amd64 on linux/amd64'],
    ],
  ],
  [
    'native without an emulator says native, not "install qemu"',
    'linux/arm64',
    { mode: 'native' },
    linuxAmd64,
    none,
    [['linux/arm64', 'skip', 'smoke-targets is native and linux/arm64 is not linux/amd64']],
  ],
  [
    'none: everything skipped',
    'linux/amd64',
    { mode: 'none' },
    linuxAmd64,
    withQemu,
    [['linux/amd64', 'skip', 'smoke-targets is none']],
  ],
  [
    'an explicit list: unlisted skipped, listed but impossible failed',
    'linux/amd64, linux/arm64, linux/riscv64, darwin/arm64',
    { mode: 'list', targets: parseTargets('linux/arm64, linux/riscv64, darwin/arm64') },
    linuxAmd64,
    withQemu,
    [
      ['linux/amd64', 'skip', 'not listed in smoke-targets'],
      ['linux/arm64', 'run', QEMU_ARM64.path],
      [
        'linux/riscv64',
        'fail',
        'listed in smoke-targets, but no emulator for linux/riscv64: install qemu-user-static (it provides qemu-riscv64-static)',
      ],
      ['darwin/arm64', 'fail', 'listed in smoke-targets, but cannot run darwin/arm64 on linux/amd64'],
    ],
  ],
  [
    'amd64 levels: v3 runs with avx2 and friends; v4 needs AVX-512',
    'linux/amd64/v1, linux/amd64/v3, linux/amd64/v4',
    { mode: 'auto' },
    linuxAmd64,
    none,
    [
      ['linux/amd64/v1', 'run'],
      ['linux/amd64/v3', 'run'],
      [
        'linux/amd64/v4',
        'skip',
        "this runner's CPU lacks avx512f, avx512bw, avx512cd, avx512dq, avx512vl, which GOAMD64=v4 needs",
      ],
    ],
  ],
  [
    'amd64/v3 on an old CPU is skipped, or failed when listed',
    'linux/amd64/v2, linux/amd64/v3',
    { mode: 'list', targets: parseTargets('linux/amd64/v2, linux/amd64/v3') },
    { ...linuxAmd64, cpuFlags: OLD_CPU },
    none,
    [
      ['linux/amd64/v2', 'run'],
      [
        'linux/amd64/v3',
        'fail',
        "listed in smoke-targets, but this runner's CPU lacks avx, avx2, bmi1, bmi2, f16c, fma, abm, movbe, xsave, which GOAMD64=v3 needs",
      ],
    ],
  ],
  [
    'an arm64 Linux runner: native arm64, amd64 under qemu-x86_64',
    'linux/arm64, linux/amd64, linux/arm/v7',
    { mode: 'auto' },
    linuxArm64,
    new Map([['amd64', QEMU_X86_64]]),
    [
      ['linux/arm64', 'run'],
      ['linux/amd64', 'run', QEMU_X86_64.path],
      [
        'linux/arm/v7',
        'skip',
        'no emulator for linux/arm/v7: install qemu-user-static (it provides qemu-arm-static)',
      ],
    ],
  ],
  [
    'macOS arm64: its own binaries only, no qemu-user for Linux there',
    'darwin/arm64, darwin/amd64, linux/arm64',
    { mode: 'auto' },
    macArm64,
    none,
    [
      ['darwin/arm64', 'run'],
      ['darwin/amd64', 'skip', 'cannot run darwin/amd64 on darwin/arm64'],
      ['linux/arm64', 'skip', 'cannot run linux/arm64 on darwin/arm64'],
    ],
  ],
  [
    'Windows amd64 runs windows/amd64 and windows/386',
    'windows/amd64, windows/386, linux/amd64',
    { mode: 'auto' },
    windowsAmd64,
    none,
    [
      ['windows/amd64', 'run'],
      ['windows/386', 'run'],
      ['linux/amd64', 'skip', 'cannot run linux/amd64 on windows/amd64'],
    ],
  ],
];

describe('planSmoke', () => {
  test.each(table)('%s', (_description, targets, mode, host, emulators, expected) => {
    const plan = planSmoke(parseTargets(targets), mode, host, emulators);
    expect(
      plan.map((step) => [
        step.target.id,
        step.action,
        ...(step.emulator ? [step.emulator.path] : step.reason ? [step.reason] : []),
      ]),
    ).toEqual(expected);
  });
});

describe('missingCpuFlags', () => {
  test.each([
    ['linux/amd64', ALL_V3, []],
    ['linux/amd64/v3', null, []],
    ['linux/amd64/v2', new Set<string>(['sse4_2']), ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'ssse3']],
    ['linux/arm64', new Set<string>(), []],
  ] as const)('%s', (target, flags, expected) => {
    expect(missingCpuFlags(parseTarget(target), flags)).toEqual(expected);
  });
});

describe('hostId', () => {
  test.each([
    [{ platform: 'linux', arch: 'x64' }, 'linux/amd64'],
    [{ platform: 'win32', arch: 'ia32' }, 'windows/386'],
    [{ platform: 'darwin', arch: 'arm64' }, 'darwin/arm64'],
    [{ platform: 'linux', arch: 'ppc64' }, 'linux/ppc64le'],
  ] as Array<[HostPlatform, string]>)('%o is %s', (host, expected) => {
    expect(hostId(host)).toBe(expected);
  });
});

describe('pollDelay', () => {
  test('the default schedule: first try within 50 ms, growing, capped at 100 ms', () => {
    const delays = Array.from({ length: 10 }, (_, i) => pollDelay(i));
    expect(delays).toEqual([20, 30, 45, 68, 100, 100, 100, 100, 100, 100]);
    expect(pollDelay(1000)).toBe(DEFAULT_POLL.maxMs);
  });

  test.each([
    [{ firstMs: 25, factor: 2, maxMs: 500 }, [25, 50, 100, 200, 400, 500, 500]],
    [{ firstMs: 1000, factor: 1, maxMs: 1000 }, [1000, 1000, 1000, 1000, 1000, 1000, 1000]],
  ])('%o', (schedule, expected) => {
    expect(Array.from({ length: 7 }, (_, i) => pollDelay(i, schedule))).toEqual(expected);
  });
});

describe('substitutePort', () => {
  test.each([
    ['{port}', 8080, '8080'],
    ['--addr=127.0.0.1:{port}', 43123, '--addr=127.0.0.1:43123'],
    ['http://127.0.0.1:{port}/cb?p={port}', 1, 'http://127.0.0.1:1/cb?p=1'],
    ['{PORT}', 9, '{PORT}'],
    ['{ port }', 9, '{ port }'],
    ['no placeholder', 9, 'no placeholder'],
  ])('%s with %d', (text, port, expected) => {
    expect(substitutePort(text, port)).toBe(expected);
  });
});

const options: SmokeOptions = {
  healthPath: '/healthz',
  healthFallbacks: [],
  healthStrict: false,
  healthStatus: 200,
  healthBodyRegex: null,
  env: [
    ['GIN_MODE', 'release'],
    ['CALLBACK', 'http://127.0.0.1:{port}/cb'],
  ],
  args: ['serve', '--addr', ':{port}'],
  readyTimeoutMs: 30_000,
  shutdownTimeoutMs: 10_000,
};

describe('binaryLaunch', () => {
  test.each([
    [
      'native',
      undefined,
      options,
      {
        command: '/dist/app',
        args: ['serve', '--addr', ':4000'],
        env: {
          PORT: '4000',
          BIND_ADDR: '127.0.0.1',
          GIN_MODE: 'release',
          CALLBACK: 'http://127.0.0.1:4000/cb',
        },
        runner: 'native',
        retries: 0,
        sandbox: true,
      },
    ],
    [
      'under an explicit qemu binary: binary as its first argument, async preemption off, one retry',
      QEMU_ARM64,
      { ...options, env: [], args: [] },
      {
        command: '/usr/bin/qemu-aarch64-static',
        args: ['/dist/app'],
        env: { PORT: '4000', BIND_ADDR: '127.0.0.1', GODEBUG: 'asyncpreemptoff=1' },
        runner: 'qemu-aarch64-static',
        retries: 1,
        sandbox: true,
      },
    ],
    [
      'through binfmt_misc: the binary itself, user GODEBUG kept after ours',
      BINFMT_ARM64,
      { ...options, env: [['GODEBUG', 'http2debug=1']] as Array<[string, string]>, args: [] },
      {
        command: '/dist/app',
        args: [],
        env: { PORT: '4000', BIND_ADDR: '127.0.0.1', GODEBUG: 'asyncpreemptoff=1,http2debug=1' },
        runner: 'binfmt_misc aarch64-binfmt-P',
        retries: 1,
        sandbox: true,
      },
    ],
    [
      'the user may override PORT and BIND_ADDR',
      undefined,
      {
        ...options,
        env: [
          ['PORT', '{port}'],
          ['BIND_ADDR', '0.0.0.0'],
        ] as Array<[string, string]>,
        args: [],
      },
      {
        command: '/dist/app',
        args: [],
        env: { PORT: '4000', BIND_ADDR: '0.0.0.0' },
        runner: 'native',
        retries: 0,
        sandbox: true,
      },
    ],
  ])('%s', (_description, emulator, opts, expected) => {
    expect(binaryLaunch('/dist/app', emulator, opts, 4000)).toEqual(expected);
  });
});

describe('childEnv', () => {
  test('keeps the runner environment, drops the action inputs and runtime tokens, adds the launch env on top', () => {
    const base = {
      PATH: '/usr/bin',
      HOME: '/root',
      'INPUT_REGISTRY-PASSWORD': 'hunter2',
      ACTIONS_RUNTIME_TOKEN: 'jwt',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      GITHUB_SHA: 'abc',
      PORT: '1',
      UNSET: undefined,
    };
    expect(childEnv(base, { PORT: '4000', GIN_MODE: 'release' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      GITHUB_SHA: 'abc',
      PORT: '4000',
      GIN_MODE: 'release',
    });
  });
});

describe('smokeOptionsFromInputs', () => {
  test('turns the smoke inputs into options, seconds into milliseconds', () => {
    const restore = setInputs({
      'health-path': '/ready',
      'health-status': '204',
      'health-body-regex': '^ok$',
      'smoke-env': 'GIN_MODE=release\nADDR=:{port}',
      'smoke-args': "serve --addr '127.0.0.1:{port}'",
      'ready-timeout': '5',
      'shutdown-timeout': '3',
    });
    try {
      expect(smokeOptionsFromInputs(getInputs())).toEqual({
        healthPath: '/ready',
        healthFallbacks: [],
        healthStrict: false,
        healthStatus: 204,
        healthBodyRegex: /^ok$/,
        env: [
          ['GIN_MODE', 'release'],
          ['ADDR', ':{port}'],
        ],
        args: ['serve', '--addr', '127.0.0.1:{port}'],
        readyTimeoutMs: 5000,
        shutdownTimeoutMs: 3000,
      });
    } finally {
      restore();
    }
  });
});
