// Builds fixture binaries for the image tests, and the small docker helpers those tests share.
import * as path from 'node:path';
import * as exec from '@actions/exec';
import { parseTarget, targetEnv } from '../../src/build/targets.js';
import { sha256File } from '../../src/util/hash.js';
import { SMOKE_FIXTURES } from './fixtures.js';

/** A server whose health endpoint answers 503 (owned by the smoke tests; only built here). */
export const UNHEALTHY_APP = path.join(SMOKE_FIXTURES, 'unhealthy');

export interface FixtureBinary {
  target: string;
  path: string;
  sha256: string;
}

/**
 * `CGO_ENABLED=0 go build -trimpath` of `moduleDir` for each target into `<outDir>/<target with _>/<name>`,
 * two at a time (the machine has 2 cores).
 */
export async function buildBinaries(
  moduleDir: string,
  outDir: string,
  name: string,
  targets: string[],
): Promise<FixtureBinary[]> {
  const results: FixtureBinary[] = [];
  const queue = [...targets];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const target = parseTarget(id);
      const output = path.join(outDir, id.replace(/\//g, '_'), name);
      const result = await exec.getExecOutput(
        'go',
        ['build', '-trimpath', '-ldflags', '-s -w -X main.version=1.2.3', '-o', output, '.'],
        {
          cwd: moduleDir,
          env: { ...(process.env as Record<string, string>), CGO_ENABLED: '0', ...targetEnv(target) },
          silent: true,
          ignoreReturnCode: true,
        },
      );
      if (result.exitCode !== 0)
        throw new Error(`go build of ${moduleDir} for ${id} failed:\n${result.stderr}`);
      results.push({ target: target.id, path: output, sha256: await sha256File(output) });
    }
  };
  await Promise.all([worker(), worker()]);
  return targets.map((id) => results.find((r) => r.target === parseTarget(id).id)!);
}

/** Runs docker with the test's environment; throws with its output unless `allowFailure`. */
export async function docker(
  args: string[],
  options: { input?: string; allowFailure?: boolean } = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await exec.getExecOutput('docker', args, {
    env: process.env as Record<string, string>,
    silent: true,
    ignoreReturnCode: true,
    ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {}),
  });
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new Error(
      `docker ${args.join(' ')} failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** Polls GET url until it answers or `timeoutMs` passes (at most 200 tries); the last status, or 0. */
export async function waitForStatus(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return { status: response.status, body: await response.text() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { status: 0, body: '' };
}
