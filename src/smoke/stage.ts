// The smoke stage: plan which built binaries run and how, run each in its own log group, collect the results.
import * as core from '@actions/core';
import type { SmokeTargets } from '../inputs.js';
import type { BuiltArtifact, SmokeResult, Target } from '../types.js';
import { detectHost, findEmulators } from './emulator.js';
import { smokeBinary } from './healthz.js';
import {
  hostId,
  planSmoke,
  type Emulator,
  type HostPlatform,
  type SmokeOptions,
  type SmokeStagePlan,
  type SmokeStep,
} from './plan.js';
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
 * Smoke-tests the built binaries strictly one after another, each in a collapsed group: an app with a fixed port of
 * its own (which the test finds and checks) would collide with itself if two targets ran at once, qemu is
 * CPU-hungry, and timings stay honest. Returns a result for every step, keyed by target id: skipped ones carry the
 * reason. Never throws for a failing binary.
 */
async function runSmokeSteps(
  steps: SmokeStep[],
  binaries: ReadonlyMap<string, string>,
  options: SmokeOptions,
  host: HostPlatform,
): Promise<Map<string, SmokeResult>> {
  const results = new Map<string, SmokeResult>();
  for (const step of steps) {
    const id = step.target.id;
    const binary = binaries.get(id);
    if (step.action !== 'run' || binary === undefined) {
      const result: SmokeResult =
        binary === undefined
          ? { status: 'skipped', reason: 'it was not built' }
          : { status: step.action === 'fail' ? 'failed' : 'skipped', reason: step.reason ?? '' };
      core.info(formatSmokeLine(id, result));
      results.set(id, result);
      continue;
    }
    const runner = step.emulator ? `under ${step.emulator.path}` : `natively on ${hostId(host)}`;
    const result = await core.group(`Smoke test ${id} (${runner})`, async () => {
      const outcome = await smokeBinary(binary, step.emulator, options);
      logSmokeResult(id, outcome);
      return outcome;
    });
    results.set(id, result);
  }
  return results;
}

/** The warnings and notices of a smoke result (it passed on a port of its own, which route answered) as annotations. */
export function annotateSmokeNotes(targetId: string, result: SmokeResult): void {
  for (const warning of result.warnings ?? []) {
    core.warning(`Smoke test of ${targetId}: ${warning}`, { title: `Smoke test: ${targetId}` });
  }
  for (const notice of result.notices ?? []) {
    core.notice(`Smoke test of ${targetId}: ${notice}`, { title: `Smoke test: ${targetId}` });
  }
}

/** Plans and runs the smoke tests of `items` on this runner (detected unless given). */
export async function runSmokeTargets(
  items: SmokeItem[],
  mode: SmokeTargets,
  options: SmokeOptions,
  environment?: { host?: HostPlatform; emulators?: Map<string, Emulator> },
): Promise<Map<string, SmokeResult>> {
  const host = environment?.host ?? (await detectHost());
  const emulators = environment?.emulators ?? (await findEmulators());
  const steps = planSmoke(
    items.map((item) => item.target),
    mode,
    host,
    emulators,
  );
  return runSmokeSteps(steps, new Map(items.map((item) => [item.target.id, item.binary])), options, host);
}

export interface SmokeStageResult {
  results: Map<string, SmokeResult>;
  /** One line per failed target. */
  problems: string[];
}

/**
 * The stage as the action runs it: the planned steps over the built binaries, every failure annotated. `hintFor`
 * adds what an earlier check knows about a target (the cgo audit's findings) to its failure.
 */
export async function runSmokeStage(
  plan: SmokeStagePlan,
  artifacts: readonly BuiltArtifact[],
  hintFor: (target: Target) => string = () => '',
): Promise<SmokeStageResult> {
  const binaries = new Map(artifacts.map((artifact) => [artifact.target.id, artifact.path]));
  const results = await runSmokeSteps(plan.steps, binaries, plan.options, plan.host);
  const problems: string[] = [];
  const targets = new Map(plan.steps.map((step) => [step.target.id, step.target]));
  for (const [id, result] of results) {
    annotateSmokeNotes(id, result);
    if (result.status !== 'failed') continue;
    const target = targets.get(id);
    const hint = target ? hintFor(target) : '';
    core.error(`${formatSmokeFailure(id, result)}${hint ? `\n${hint}` : ''}`, {
      title: `Smoke test failed: ${id}`,
    });
    problems.push(`${id}: ${result.reason}${hint ? `\n${hint}` : ''}`);
  }
  return { results, problems };
}
