// The smoke stage: plan which built binaries run and how, run each in its own log group, collect the results.
import * as core from '@actions/core';
import type { Inputs, SmokeTargets } from '../inputs.js';
import type { BuiltArtifact, SmokeResult, Target } from '../types.js';
import { detectHost, findEmulators } from './emulator.js';
import { smokeBinary } from './healthz.js';
import {
  hostId,
  planSmoke,
  smokeOptionsFromInputs,
  type Emulator,
  type HostPlatform,
  type SmokeOptions,
} from './plan.js';
import { killAll } from '../util/process/children.js';
import { formatSmokeFailure, formatSmokeLine } from './report.js';

export interface SmokeItem {
  target: Target;
  /** Absolute path of the built binary. */
  binary: string;
}

/** Prints a finished run's output and verdict into the current log group. */
export function logSmokeResult(targetId: string, result: SmokeResult): void {
  const lines = result.logTail ?? [];
  core.info(lines.length > 0 ? `Output (last ${lines.length} lines):` : 'It printed nothing.');
  for (const line of lines) core.info(`  | ${line}`);
  core.info(formatSmokeLine(targetId, result));
}

/**
 * Smoke-tests the built binaries one after another (qemu is CPU-hungry and timings stay honest), each in a collapsed
 * group. Returns a result for every item, keyed by target id: skipped ones carry the reason. Never throws for a
 * failing binary; the caller annotates failures (formatSmokeFailure) and fails the step.
 */
export async function runSmokeTargets(
  items: SmokeItem[],
  mode: SmokeTargets,
  options: SmokeOptions,
  environment?: { host?: HostPlatform; emulators?: Map<string, Emulator> },
): Promise<Map<string, SmokeResult>> {
  const host = environment?.host ?? (await detectHost());
  const emulators = environment?.emulators ?? (await findEmulators());
  const binaries = new Map(items.map((item) => [item.target.id, item.binary]));
  const steps = planSmoke(
    items.map((item) => item.target),
    mode,
    host,
    emulators,
  );
  const results = new Map<string, SmokeResult>();
  for (const step of steps) {
    const id = step.target.id;
    if (step.action !== 'run') {
      const result: SmokeResult = {
        status: step.action === 'fail' ? 'failed' : 'skipped',
        reason: step.reason ?? '',
      };
      core.info(formatSmokeLine(id, result));
      results.set(id, result);
      continue;
    }
    const runner = step.emulator ? `under ${step.emulator.path}` : `natively on ${hostId(host)}`;
    const result = await core.group(`Smoke test ${id} (${runner})`, async () => {
      const outcome = await smokeBinary(binaries.get(id)!, step.emulator, options);
      logSmokeResult(id, outcome);
      return outcome;
    });
    results.set(id, result);
  }
  return results;
}

/**
 * The stage as the action runs it: smoke-tests the built artifacts the inputs select, stores each result in
 * `artifact.smoke`, annotates every failure with the binary's last lines, and returns one message per failure.
 */
export async function runSmokeStage(artifacts: BuiltArtifact[], inputs: Inputs): Promise<string[]> {
  const items = artifacts.map((artifact) => ({
    target: { goos: artifact.goos, goarch: artifact.goarch, variant: artifact.variant, id: artifact.target },
    binary: artifact.path,
  }));
  const results = await runSmokeTargets(items, inputs.smokeTargets, smokeOptionsFromInputs(inputs));
  const failures: string[] = [];
  for (const artifact of artifacts) {
    const result = results.get(artifact.target);
    if (!result) continue;
    artifact.smoke = result;
    if (result.status === 'failed') {
      core.error(formatSmokeFailure(artifact.target, result), {
        title: `Smoke test failed: ${artifact.target}`,
      });
      failures.push(`${artifact.target}: ${result.reason}`);
    }
  }
  return failures;
}

/** Kills whatever the smoke stage may still run; for the action's final cleanup. */
export async function killAllSmokeProcesses(): Promise<void> {
  killAll();
}
