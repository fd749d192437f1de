// Builds the smoke-test fixtures and checks, by PID, that none of their processes is left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as exec from '@actions/exec';
import type { SmokeOptions } from '../../src/smoke/plan.js';
import type { SmokeResult } from '../../src/types.js';
import { SMOKE_FIXTURES } from './fixtures.js';

export interface FixtureBuild {
  /** A folder under test/fixtures/smoke, or an absolute module folder. */
  source: string;
  /** File name inside the output folder. */
  name: string;
  goarch?: string;
  goarm?: string;
}

/** `CGO_ENABLED=0 go build` of each fixture into `outDir`, two at a time (the machine has 2 cores). */
export async function buildFixtures(outDir: string, builds: FixtureBuild[]): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  const queue = [...builds];
  const worker = async (): Promise<void> => {
    for (let build = queue.shift(); build; build = queue.shift()) {
      const dir = path.isAbsolute(build.source) ? build.source : path.join(SMOKE_FIXTURES, build.source);
      const output = path.join(outDir, build.name);
      const env: Record<string, string> = {
        CGO_ENABLED: '0',
        GOOS: 'linux',
        GOARCH: build.goarch ?? 'amd64',
      };
      if (build.goarm) env['GOARM'] = build.goarm;
      const result = await exec.getExecOutput('go', ['build', '-trimpath', '-o', output, '.'], {
        cwd: dir,
        env: { ...(process.env as Record<string, string>), ...env },
        silent: true,
        ignoreReturnCode: true,
      });
      if (result.exitCode !== 0) throw new Error(`go build of ${dir} failed:\n${result.stderr}`);
      outputs[build.name] = output;
    }
  };
  await Promise.all([worker(), worker()]);
  return outputs;
}

/**
 * Options like the action's with health-path set to /healthz (no other route is tried unless `healthFallbacks` is
 * given), with small timeouts so failing cases end quickly.
 */
export function smokeOptions(overrides: Partial<SmokeOptions> = {}): SmokeOptions {
  return {
    healthPath: '/healthz',
    healthFallbacks: [],
    healthStrict: false,
    healthStatus: 200,
    healthBodyRegex: null,
    env: [['GIN_MODE', 'release']],
    args: [],
    readyTimeoutMs: 10_000,
    shutdownTimeoutMs: 5_000,
    ...overrides,
  };
}

/** PIDs the fixtures printed (`pid N`, `helper pid N`). */
export function pidsInLog(result: SmokeResult): number[] {
  return (result.logTail ?? []).flatMap((line) =>
    [...line.matchAll(/\bpid (\d+)\b/g)].map((m) => Number(m[1])),
  );
}

/** True while `pid` runs: `kill(pid, 0)` succeeds and it is not a zombie waiting for a parent that never reaps. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  return processState(pid) !== 'Z';
}

/**
 * Waits, bounded, for a PID to go: a SIGKILL sent by another process (the stand-in action) is delivered
 * asynchronously. Returns whether it is gone.
 */
export async function waitDead(pid: number, limitMs = 5000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isAlive(pid);
}

function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

/** PIDs of running processes whose command line mentions `fragment` (a binary or its folder). Linux only. */
export function processesMentioning(fragment: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // Zombies keep their PID until reaped, but nothing of them runs.
      if (cmdline.includes(fragment) && processState(Number(entry)) !== 'Z') found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/**
 * Tracks fixture PIDs across a test: `record` what a result printed, then `leftovers` says which are still alive
 * (checking the recorded PIDs and anything running from `dir`) and kills them so the next test starts clean.
 */
export class PidWatch {
  private readonly pids = new Set<number>();

  constructor(private readonly dir: string) {}

  record(result: SmokeResult): SmokeResult {
    for (const pid of pidsInLog(result)) this.pids.add(pid);
    return result;
  }

  recorded(): number[] {
    return [...this.pids];
  }

  leftovers(): number[] {
    const alive = [...new Set([...this.recorded().filter(isAlive), ...processesMentioning(this.dir)])];
    for (const pid of alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    this.pids.clear();
    return alive;
  }
}
