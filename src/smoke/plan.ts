// What the smoke stage runs, where and how: pure decisions, no processes, no files.
import * as path from 'node:path';
import type { Inputs, SmokeTargets } from '../inputs.js';
import { InputError } from '../errors.js';
import type { Target } from '../types.js';
import { goPlatformId, goPlatformOf } from '../util/platform.js';

/**
 * Routes real services answer health checks on, tried in this order when health-path is left at its default and
 * /healthz answers 404.
 */
export const HEALTH_FALLBACKS: readonly string[] = [
  '/health',
  '/livez',
  '/readyz',
  '/ping',
  '/api/health',
  '/status',
];

/** How the smoke stage runs one binary. */
export interface SmokeOptions {
  healthPath: string;
  /**
   * Routes tried in order when healthPath answers 404: the common ones when health-path was left at its default,
   * none when it was set (an explicit route is never replaced).
   */
  healthFallbacks: readonly string[];
  /** An HTML page where the health answer should be fails the test instead of warning. */
  healthStrict: boolean;
  healthStatus: number;
  healthBodyRegex: RegExp | null;
  /** Extra environment for the binary; `{port}` in values is replaced by the chosen port. */
  env: Array<[string, string]>;
  /** Arguments for the binary; `{port}` is replaced by the chosen port. */
  args: string[];
  readyTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Health poll schedule; defaults to DEFAULT_POLL. */
  poll?: PollSchedule;
}

/** One start of a process: the exact argv and environment, for the given port. */
export interface SmokeLaunch {
  command: string;
  args: string[];
  /** Added to the action's own environment (minus its INPUT_* and ACTIONS_* variables). */
  env: Record<string, string>;
  /** How it runs, for logs and the result: 'native', 'qemu-aarch64-static', 'docker', ... */
  runner: string;
  /** Further attempts, each with a fresh port, when an attempt fails (emulators are flaky). */
  retries: number;
  /**
   * False when the started process only relays to the real server (`docker run`), so its own sockets say nothing
   * about where the server listens.
   */
  inspectSockets?: boolean;
  /** Runs after the process is gone, whatever the outcome (e.g. `docker rm -f` of a named container). */
  cleanup?: () => Promise<void>;
  /**
   * Run it in a fresh folder of its own as working directory, HOME and TMPDIR, removed afterwards. For the binary
   * under test; not for `docker run`, whose client reads its contexts and configuration from HOME.
   */
  sandbox?: boolean;
}

/** An emulator the runner has for a GOARCH. */
export interface Emulator {
  /** 'qemu': run `path binary args`; 'binfmt': the kernel runs the foreign binary through `path` by itself. */
  kind: 'qemu' | 'binfmt';
  path: string;
}

export interface HostPlatform {
  platform: NodeJS.Platform;
  /** `process.arch` spelling: x64, arm64, ia32, arm, ... */
  arch: string;
  /** x86 CPU feature flags (from /proc/cpuinfo); null when unknown, which lets every amd64 level run. */
  cpuFlags?: ReadonlySet<string> | null;
}

export interface SmokeStep {
  target: Target;
  /** 'fail': the user asked for this target explicitly and it cannot run here. */
  action: 'run' | 'skip' | 'fail';
  emulator?: Emulator;
  reason?: string;
}

export interface PollSchedule {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/**
 * Go binaries listen within milliseconds natively and within about a second under qemu: poll early, grow a little,
 * and stay at 100 ms, since a refused connection to 127.0.0.1 costs next to nothing.
 */
export const DEFAULT_POLL: PollSchedule = { firstMs: 20, factor: 1.5, maxMs: 100 };

/** Delay before health poll number `attempt` (0-based), counted from the previous poll's end. */
export function pollDelay(attempt: number, schedule: PollSchedule = DEFAULT_POLL): number {
  return Math.min(schedule.maxMs, Math.round(schedule.firstMs * schedule.factor ** attempt));
}

/** Replaces every `{port}` in `text`. */
export function substitutePort(text: string, port: number): string {
  return text.replaceAll('{port}', String(port));
}

/** The runner's platform in Go's spelling, e.g. linux/amd64. HostPlatform has no byte order: Node runs 64-bit POWER
 * little-endian on Linux only, and smoke tests run on Linux, macOS and Windows. */
export function hostId(host: HostPlatform): string {
  return goPlatformId(host.platform, host.arch, host.platform === 'aix' ? 'BE' : 'LE');
}

function hostGo(host: HostPlatform): { goos: string; goarch: string } {
  return goPlatformOf(host.platform, host.arch, host.platform === 'aix' ? 'BE' : 'LE');
}

/** qemu-user's name for each GOARCH (the `qemu-<name>-static` binaries and `qemu-<name>` binfmt_misc entries). */
export const QEMU_ARCH: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  mips: 'mips',
  mipsle: 'mipsel',
  mips64: 'mips64',
  mips64le: 'mips64el',
  loong64: 'loongarch64',
};

// x86-64 micro-architecture levels as Go's GOAMD64 defines them, in /proc/cpuinfo flag names (lzcnt is `abm`).
const AMD64_V2_FLAGS = ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'];
const AMD64_V3_FLAGS = [
  ...AMD64_V2_FLAGS,
  'avx',
  'avx2',
  'bmi1',
  'bmi2',
  'f16c',
  'fma',
  'abm',
  'movbe',
  'xsave',
];
const AMD64_LEVEL_FLAGS: Record<string, string[]> = {
  v1: [],
  v2: AMD64_V2_FLAGS,
  v3: AMD64_V3_FLAGS,
  v4: [...AMD64_V3_FLAGS, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'],
};

/** CPU flags a GOAMD64 level needs that this CPU lacks; empty when it can run (or when the flags are unknown). */
export function missingCpuFlags(target: Target, cpuFlags: ReadonlySet<string> | null | undefined): string[] {
  if (target.goarch !== 'amd64' || !cpuFlags) return [];
  return (AMD64_LEVEL_FLAGS[target.variant || 'v1'] ?? []).filter((flag) => !cpuFlags.has(flag));
}

/** Whether the runner executes the target's binaries itself, and if not, why. */
function nativeVerdict(
  target: Target,
  host: HostPlatform,
): { native: true } | { native: false; why: string } {
  const { goos, goarch } = hostGo(host);
  // 64-bit x86 Linux and Windows still run 32-bit x86 code; macOS dropped it.
  const sameArch =
    target.goarch === goarch || (target.goarch === '386' && goarch === 'amd64' && goos !== 'darwin');
  if (target.goos !== goos || !sameArch) {
    return { native: false, why: `cannot run ${target.id} on ${hostId(host)}` };
  }
  const missing = missingCpuFlags(target, host.cpuFlags);
  if (missing.length > 0) {
    return {
      native: false,
      why: `this runner's CPU lacks ${missing.join(', ')}, which GOAMD64=${target.variant} needs`,
    };
  }
  return { native: true };
}

/** How each target would run here, ignoring the mode: natively, under an emulator, or not at all (with why). */
function runnability(
  target: Target,
  host: HostPlatform,
  emulators: ReadonlyMap<string, Emulator>,
):
  | { how: 'native' }
  | { how: 'emulated'; emulator: Emulator }
  | { how: 'no'; why: string; emulatable: boolean } {
  const verdict = nativeVerdict(target, host);
  if (verdict.native) return { how: 'native' };
  const differentArch = target.goarch !== hostGo(host).goarch;
  const emulatable =
    target.goos === 'linux' && host.platform === 'linux' && differentArch && target.goarch in QEMU_ARCH;
  if (!emulatable) return { how: 'no', why: verdict.why, emulatable: false };
  const emulator = emulators.get(target.goarch);
  if (emulator) return { how: 'emulated', emulator };
  return {
    how: 'no',
    why: `no emulator for ${target.id}: install qemu-user-static (it provides qemu-${QEMU_ARCH[target.goarch]}-static)`,
    emulatable: true,
  };
}

/**
 * Decides, per built target, whether the smoke stage runs it and how. `auto` runs what the runner can run (natively
 * or under qemu-user) and skips the rest with a reason; `native` runs only the runner's own platform; an explicit
 * list fails the targets it names that cannot run here, because the user asked for them.
 */
export function planSmoke(
  targets: Target[],
  mode: SmokeTargets,
  host: HostPlatform,
  emulators: ReadonlyMap<string, Emulator>,
): SmokeStep[] {
  const listed = mode.mode === 'list' ? new Set(mode.targets.map((t) => t.id)) : null;
  return targets.map((target): SmokeStep => {
    if (mode.mode === 'none') return { target, action: 'skip', reason: 'smoke-targets is none' };
    if (listed && !listed.has(target.id))
      return { target, action: 'skip', reason: 'not listed in smoke-targets' };
    const how = runnability(target, host, emulators);
    if (how.how === 'native') return { target, action: 'run' };
    if (how.how === 'emulated') {
      if (mode.mode === 'native') {
        return {
          target,
          action: 'skip',
          reason: `smoke-targets is native and ${target.id} needs an emulator`,
        };
      }
      return { target, action: 'run', emulator: how.emulator };
    }
    if (listed) return { target, action: 'fail', reason: `listed in smoke-targets, but ${how.why}` };
    if (mode.mode === 'native' && how.emulatable) {
      return {
        target,
        action: 'skip',
        reason: `smoke-targets is native and ${target.id} is not ${hostId(host)}`,
      };
    }
    return { target, action: 'skip', reason: how.why };
  });
}

/** The process that smoke-tests one built binary on `port`. */
export function binaryLaunch(
  binary: string,
  emulator: Emulator | undefined,
  options: SmokeOptions,
  port: number,
): SmokeLaunch {
  const env: Record<string, string> = { PORT: String(port), BIND_ADDR: '127.0.0.1' };
  for (const [key, value] of options.env) env[key] = substitutePort(value, port);
  const args = options.args.map((arg) => substitutePort(arg, port));
  if (!emulator) return { command: binary, args, env, runner: 'native', retries: 0, sandbox: true };
  // Go's asynchronous preemption signals are known to crash or hang programs under qemu-user.
  env['GODEBUG'] = env['GODEBUG'] ? `asyncpreemptoff=1,${env['GODEBUG']}` : 'asyncpreemptoff=1';
  // One retry: Go under qemu-user crashes or hangs now and then (src/smoke/retry.ts decides which failures count).
  if (emulator.kind === 'binfmt') {
    return {
      command: binary,
      args,
      env,
      runner: `binfmt_misc ${path.basename(emulator.path)}`,
      retries: 1,
      sandbox: true,
    };
  }
  return {
    command: emulator.path,
    args: [binary, ...args],
    env,
    runner: path.basename(emulator.path),
    retries: 1,
    sandbox: true,
  };
}

/** The smoke options the inputs describe. */
export function smokeOptionsFromInputs(
  inputs: Pick<
    Inputs,
    | 'healthPath'
    | 'healthPathExplicit'
    | 'healthStrict'
    | 'healthStatus'
    | 'healthBodyRegex'
    | 'smokeEnv'
    | 'smokeArgs'
    | 'readyTimeoutSeconds'
    | 'shutdownTimeoutSeconds'
  >,
): SmokeOptions {
  return {
    healthPath: inputs.healthPath,
    healthFallbacks: inputs.healthPathExplicit ? [] : HEALTH_FALLBACKS,
    healthStrict: inputs.healthStrict,
    healthStatus: inputs.healthStatus,
    healthBodyRegex: inputs.healthBodyRegex,
    env: inputs.smokeEnv,
    args: inputs.smokeArgs,
    readyTimeoutMs: inputs.readyTimeoutSeconds * 1000,
    shutdownTimeoutMs: inputs.shutdownTimeoutSeconds * 1000,
  };
}

/** What the smoke stage runs: the decision per target (made before the build) and how each binary is checked. */
export interface SmokeStagePlan {
  steps: SmokeStep[];
  options: SmokeOptions;
  host: HostPlatform;
}

/**
 * The smoke stage for these targets on this runner. A target listed in smoke-targets that cannot run here is an
 * input error now, before anything is built, rather than a failed smoke test minutes later.
 */
export function planSmokeStage(
  inputs: Parameters<typeof smokeOptionsFromInputs>[0] & Pick<Inputs, 'smokeTargets'>,
  targets: Target[],
  runner: { host: HostPlatform; emulators: ReadonlyMap<string, Emulator> },
): SmokeStagePlan {
  const steps = planSmoke(targets, inputs.smokeTargets, runner.host, runner.emulators);
  const refused = steps.filter((step) => step.action === 'fail');
  if (refused.length > 0) {
    const runnable = planSmoke(targets, { mode: 'auto' }, runner.host, runner.emulators)
      .filter((step) => step.action === 'run')
      .map((step) => step.target.id);
    throw new InputError(
      'smoke-targets',
      refused.map((step) => step.target.id).join(', '),
      `${refused.map((step) => `${step.target.id}: ${step.reason?.replace(/^listed in smoke-targets, but /, '')}`).join('; ')}. ` +
        `Allowed on this runner (${hostId(runner.host)}): ${runnable.join(', ') || 'none of the targets'}; or auto, native, none.`,
    );
  }
  return { steps, options: smokeOptionsFromInputs(inputs), host: runner.host };
}
