// Runs the planned builds in a bounded pool and reports every target's outcome.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { inPool } from '../util/pool.js';
import { runCommand } from '../util/process/run.js';
import { workspaceRelativePositions } from './diagnostics.js';
import { buildProcessEnv, type BuildPlan } from './plan.js';
import { BuildProgress, HEARTBEAT_MS } from './progress.js';

export interface BuildOutcome {
  plan: BuildPlan;
  ok: boolean;
  /** The go command's exit code; -1 when it could not be started. */
  exitCode: number;
  durationMs: number;
  /** The first and last lines of the build's combined output. */
  output: string;
}

/** Lines of build output kept for logs and annotations. */
export const OUTPUT_TAIL_LINES = 50;

/** Lines from the start of go's output kept as well: the first error is the cause, later ones often follow from it. */
export const OUTPUT_HEAD_LINES = 20;

async function runOne(
  plan: BuildPlan,
  goBinary: string,
  cwd: string,
  workspace: string,
): Promise<BuildOutcome> {
  await fs.mkdir(path.dirname(plan.output), { recursive: true });
  const result = await runCommand(goBinary, plan.args, {
    cwd,
    baseEnv: buildProcessEnv(plan.env, process.env),
    headLines: OUTPUT_HEAD_LINES,
    tailLines: OUTPUT_TAIL_LINES,
  });
  return {
    plan,
    ok: result.exitCode === 0,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    output: workspaceRelativePositions(
      result.output.excerpt(OUTPUT_HEAD_LINES, OUTPUT_TAIL_LINES),
      cwd,
      workspace,
    ),
  };
}

/** A build as a copy-pasteable shell line for the log (only for reading: builds never go through a shell). */
function describePlan(plan: BuildPlan): string {
  const quote = (arg: string): string =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(plan.env).map(([k, v]) => `${k}=${quote(v)}`);
  return [...env, 'go', ...plan.args.map(quote)].join(' ');
}

/**
 * Runs the builds, at most `parallelism` at once. A failing target does not stop the others; every outcome is
 * returned in plan order. Each target's lines are printed together when it finishes, so parallel output never
 * interleaves; there are no log groups here because the caller already runs this stage inside one and the
 * Actions log does not nest groups. Compiler positions are printed relative to `workspace`, where the problem
 * matcher's annotations are resolved.
 */
export async function runBuilds(
  plans: BuildPlan[],
  parallelism: number,
  goBinary: string,
  cwd: string,
  workspace = cwd,
  progress: { heartbeatMs?: number; log?: (line: string) => void } = {},
): Promise<BuildOutcome[]> {
  const log = progress.log ?? ((line: string) => core.info(line));
  const tracker = new BuildProgress(plans.length, log, progress.heartbeatMs ?? HEARTBEAT_MS);
  try {
    return await inPool(plans, parallelism, async (plan) => {
      tracker.started(plan.target.id);
      const outcome = await runOne(plan, goBinary, cwd, workspace);
      tracker.done(plan.target.id);
      return report(outcome, log);
    });
  } finally {
    tracker.stop();
  }
}

/** Prints a finished target's lines together, so parallel output never interleaves. */
function report(outcome: BuildOutcome, log: (line: string) => void): BuildOutcome {
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const lines = [
    `${outcome.ok ? 'Built' : 'FAILED'} ${outcome.plan.target.id} in ${seconds}s: ${describePlan(outcome.plan)}`,
    ...(outcome.output ? [outcome.output] : []),
  ];
  log(lines.join('\n'));
  return outcome;
}

/** The message for a failed target: what failed, how, and the end of the compiler's output. */
export function formatBuildFailure(outcome: BuildOutcome): string {
  const how =
    outcome.exitCode === -1
      ? 'could not start the go command'
      : `go build exited with code ${outcome.exitCode}`;
  const output = outcome.output ? `:\n${outcome.output}` : ' and printed nothing.';
  return `Build for ${outcome.plan.target.id} failed: ${how} after ${(outcome.durationMs / 1000).toFixed(1)}s${output}`;
}
