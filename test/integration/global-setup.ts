// Builds, once per run of the integration project, the binaries several of its files inspect (see
// test/support/shared-builds.ts), and removes them afterwards. Bounded: a cold Go build cache on 2 cores makes this
// the slowest step of the project, and a build that hangs must fail the run with a message, not stall it.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestProject } from 'vitest/node';
import { formatBuildFailure, runBuilds } from '../../src/build/compile.js';
import { planBuilds } from '../../src/build/plan.js';
import type { Target } from '../../src/types.js';
import { endTrackedProcesses } from '../../src/util/process/reaper.js';
import { buildOptions, GO, runGo } from '../support/build-fixture.js';
import { GIN_APP, STD_APP } from '../support/fixtures.js';
import {
  GIN_APP_TARGETS,
  type SharedBuild,
  type SharedBuilds,
  STD_APP_TARGETS,
} from '../support/shared-builds.js';

/**
 * 13 std-app targets and one gin-app target from an empty build cache are about 800 CPU-seconds (some 7 minutes on 2
 * idle cores); the bound leaves room for a busy machine and catches a build that hangs.
 */
const SHARED_BUILDS_TIMEOUT_MS = 30 * 60_000;

async function build(
  fixture: string,
  binaryName: string,
  targets: Target[],
  outputDir: string,
): Promise<SharedBuild> {
  const started = performance.now();
  const plans = planBuilds(buildOptions({ workingDirectory: fixture, outputDir, targets, binaryName }));
  const outcomes = await runBuilds(plans, 2, GO, fixture);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    throw new Error(`shared ${binaryName} builds failed:\n${failed.map(formatBuildFailure).join('\n\n')}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`shared builds: ${binaryName} for ${targets.length} targets in ${seconds} s`);
  return { fixture, outputDir, outcomes };
}

async function plainBuild(outputDir: string): Promise<string> {
  const started = performance.now();
  const file = path.join(outputDir, 'std-app');
  const env = { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' };
  const built = await runGo(['build', '-o', file, '.'], STD_APP, env);
  if (built.exitCode !== 0) throw new Error(`plain go build of std-app failed:\n${built.output}`);
  console.log(`shared builds: plain std-app in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

async function buildAll(root: string): Promise<SharedBuilds> {
  // One after the other: each go build already keeps both cores busy compiling packages in parallel.
  const ginApp = await build(GIN_APP, 'gin-app', GIN_APP_TARGETS, path.join(root, 'gin-app'));
  const stdApp = await build(STD_APP, 'std-app', STD_APP_TARGETS, path.join(root, 'std-app'));
  const stdAppPlain = await plainBuild(path.join(root, 'plain'));
  return { stdApp, ginApp, stdAppPlain };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-shared-builds-'));
  const remove = (): Promise<void> => fs.rm(root, { recursive: true, force: true, maxRetries: 3 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `the shared fixture builds did not finish within ${SHARED_BUILDS_TIMEOUT_MS / 60_000} minutes ` +
            `(test/integration/global-setup.ts)`,
        ),
      );
    }, SHARED_BUILDS_TIMEOUT_MS);
  });
  try {
    project.provide('sharedBuilds', await Promise.race([buildAll(root), timeout]));
  } catch (error) {
    // The go commands still running carry this process's tracking variable; none may outlive the setup.
    await endTrackedProcesses(10_000);
    await remove();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return remove;
}
