// Shared by the build and inspect integration tests: build options, go runs, copies of fixtures, and a way to
// start a built binary and stop it again by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { BuildOptions } from '../../src/build/plan.js';
import { freePort } from '../../src/smoke/port.js';
import { runCommand } from '../../src/util/process/run.js';
import type { ReleaseInfo } from '../../src/types.js';
import { makeTempDir } from './fixtures.js';

export const GO = 'go';

export const TEST_RELEASE: ReleaseInfo = {
  version: '1.4.2-test',
  commit: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  date: '2024-05-01T12:00:00Z',
  epoch: 1714564800,
  ref: 'refs/tags/v1.4.2-test',
};

/** A copy of a fixture at a new path (so builds from it prove that the checkout's location does not leak in). */
export async function copyFixture(fixture: string, prefix: string): Promise<string> {
  const dir = path.join(await makeTempDir(prefix), path.basename(fixture));
  // Leave out outputs of earlier local runs of the action (dist/ is git-ignored, not part of the fixture).
  const skip = path.join(fixture, 'dist');
  await fs.cp(fixture, dir, { recursive: true, filter: (source) => source !== skip });
  return dir;
}

export function buildOptions(
  overrides: Partial<BuildOptions> & Pick<BuildOptions, 'workingDirectory' | 'outputDir' | 'targets'>,
): BuildOptions {
  return {
    goBinary: GO,
    main: '.',
    binaryName: 'std-app',
    binaryTemplate: '{name}_{os}_{arch}{variant}/{name}{ext}',
    release: TEST_RELEASE,
    ldflags: [],
    versionVariable: 'main.version',
    commitVariable: 'main.commit',
    dateVariable: 'main.date',
    buildTags: [],
    buildFlags: [],
    buildEnv: [],
    cgo: false,
    parallelism: 2,
    ...overrides,
  };
}

/**
 * Runs go with extra environment through the action's own runner (tracked, so nothing it starts outlives a
 * bounded setup); returns the exit code and the output, standard output first.
 */
export async function runGo(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ exitCode: number; output: string }> {
  const result = await runCommand(GO, args, { cwd, env });
  return { exitCode: result.exitCode, output: result.stdout + result.stderr };
}

export interface RunningBinary {
  child: ChildProcess;
  port: number;
  logs: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts a server binary on 127.0.0.1 and a free port; stopAll() in afterEach kills whatever is left. */
export async function startBinary(file: string, env: Record<string, string> = {}): Promise<RunningBinary> {
  const port = await freePort();
  const child = spawn(file, [], {
    env: {
      PATH: process.env['PATH'] ?? '',
      GIN_MODE: 'release',
      PORT: String(port),
      BIND_ADDR: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let logs = '';
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, port, logs: () => logs, exited };
}

/** GETs a path until the binary answers, at most `attempts` times 100 ms apart. */
export async function getWhenReady(
  port: number,
  urlPath: string,
  attempts = 300,
): Promise<{ status: number; body: string }> {
  let lastError = '';
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
        signal: AbortSignal.timeout(2000),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      lastError = (error as Error).message;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`127.0.0.1:${port}${urlPath} did not answer after ${attempts} attempts: ${lastError}`);
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch (error) {
        // ESRCH: it exited between the check and the kill; its exit event is on its way.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      await gone;
    }),
  );
}
