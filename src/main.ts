// Orchestration only: inputs -> facts -> plan -> stages -> outputs. Each stage takes the plan and the results
// before it and hands its own typed result on; outputs and the summary are written once, from the final state.
import * as fs from 'node:fs';
import * as core from '@actions/core';
import { checkMainPackage } from './build/module.js';
import { runBuildStage } from './build/stage.js';
import { errorMessage, StageFailure } from './errors.js';
import { restoreGoCache, saveGoCache } from './go/cache.js';
import { runImageStage } from './image/stage.js';
import { getInputs } from './inputs.js';
import { writeOutputs } from './outputs.js';
import { runPackageStage } from './package/stage.js';
import { runMergeStage } from './matrix/merge-stage.js';
import type { MergeStagePlan } from './matrix/plan.js';
import { runShardStage } from './matrix/shard-stage.js';
import { planRelease, type ReleasePlan } from './plan.js';
import { gatherFacts } from './prepare.js';
import { runSmokeStage } from './smoke/stage.js';
import type { BuiltArtifact } from './types.js';
import { newRunState, timed, type RunState } from './state.js';
import { runUploadStage } from './upload/stage.js';
import { killAll } from './util/process/children.js';
import { endTrackedProcesses } from './util/process/reaper.js';

export async function run(): Promise<void> {
  const state = newRunState();
  try {
    await release(state);
  } catch (error) {
    // A stage failure has listed its problems already; anything else is one problem of its own.
    if (!(error instanceof StageFailure)) state.failures.push(errorMessage(error));
    state.failed = errorMessage(error);
    if (!(error instanceof StageFailure) && error instanceof Error && error.stack) core.debug(error.stack);
  } finally {
    await endChildren();
    await writeOutputs(state);
    if (state.failed !== undefined) core.setFailed(state.failed);
  }
}

/** Throws for a stage whose result lists problems, after recording them once. */
function check(state: RunState, stage: string, problems: string[]): void {
  if (problems.length === 0) return;
  state.failures.push(...problems);
  throw new StageFailure(stage, problems);
}

async function release(state: RunState): Promise<void> {
  const inputs = getInputs();
  state.inputs = inputs;
  const facts = await gatherFacts(inputs, state);
  const plan = planRelease(inputs, facts);
  for (const warning of plan.shard?.warnings ?? []) core.warning(warning);
  if (!plan.merge)
    await checkMainPackage(plan.build.goBinary, plan.workingDirectory, inputs.main, inputs.buildTags);
  state.plan = plan;

  if (plan.cache) {
    const options = plan.cache;
    state.cache = await timed(state, 'Restore Go caches', () => restoreGoCache(options));
  }
  fs.mkdirSync(plan.outputDir, { recursive: true });

  // A merge job builds nothing: the shards' verified binaries stand in for the build and smoke stages.
  const artifacts = plan.merge ? await mergeShards(state, plan.merge) : await buildAndSmoke(state, plan);

  if (!plan.shard) {
    state.package = await timed(state, 'Archives and checksums', () =>
      runPackageStage(plan.package, artifacts),
    );
  }

  if (state.cache) {
    const cacheState = state.cache;
    await timed(state, 'Save Go caches', () => saveGoCache(cacheState));
  }

  if (plan.image) {
    const imagePlan = plan.image;
    state.image = await timed(state, 'Container image', () =>
      runImageStage(imagePlan, {
        artifacts,
        release: plan.release,
        binaryName: plan.binaryName,
        workingDirectory: plan.workingDirectory,
        distributed: state.merge?.images ?? [],
      }),
    );
  }

  if (plan.shard) {
    const shardPlan = plan.shard;
    const { smoke, image } = state;
    state.shard = await timed(state, 'Upload shard', () => runShardStage(shardPlan, artifacts, smoke, image));
  }

  if (plan.upload) {
    const uploadPlan = plan.upload;
    state.upload = await timed(state, 'Upload artifacts', () => runUploadStage(uploadPlan));
  }
}

/** The build and smoke stages print one group per target. */
async function buildAndSmoke(state: RunState, plan: ReleasePlan): Promise<BuiltArtifact[]> {
  const build = await timed(
    state,
    `Build ${plan.build.builds.length} targets`,
    () => runBuildStage(plan.build),
    false,
  );
  state.build = build;
  check(state, 'build', build.problems);
  if (plan.smoke) {
    const smokePlan = plan.smoke;
    state.smoke = await timed(state, 'Smoke test', () => runSmokeStage(smokePlan, build.artifacts), false);
    check(state, 'smoke test', state.smoke.problems);
  }
  return build.artifacts;
}

async function mergeShards(state: RunState, plan: MergeStagePlan): Promise<BuiltArtifact[]> {
  const merge = await timed(state, 'Download and verify shards', () => runMergeStage(plan));
  state.merge = merge;
  check(state, 'merge', merge.problems);
  return merge.artifacts;
}

/** Nothing this run started outlives it: the smoke test's process groups, then anything carrying the tracking id. */
async function endChildren(): Promise<void> {
  killAll();
  const leftovers = await endTrackedProcesses(2000);
  if (leftovers.length > 0) {
    core.warning(
      `Ended ${leftovers.length} process(es) this run started that were still running: ${leftovers
        .map((p) => `${p.command} (pid ${p.pid})`)
        .join(', ')}.`,
    );
  }
}
