// Orchestration only: inputs -> facts -> plan -> stages -> outputs. Each stage takes the plan and the results
// before it and hands its own typed result on; outputs and the summary are written once, from the final state.
import * as core from '@actions/core';
import { checkMainPackage } from './build/module.js';
import { errorMessage, StageFailure } from './errors.js';
import { claimOutputDir, releaseOutputDir } from './files/output-dir.js';
import { restoreGoCache, saveGoCache } from './go/cache.js';
import { runImageStage } from './image/stage.js';
import { getInputs } from './inputs.js';
import { runShardStage } from './matrix/shard-stage.js';
import { writeOutputs } from './outputs.js';
import { runPackageStage } from './package/stage.js';
import { planRelease } from './plan.js';
import { gatherFacts } from './prepare.js';
import { buildAndSmoke, check, mergeShards, publishRelease } from './stages.js';
import { newRunState, timed, type RunState } from './state.js';
import { runUploadStage } from './upload/stage.js';
import { killAll } from './util/process/children.js';
import { endTrackedProcesses, handleTermination } from './util/process/reaper.js';

export async function run(): Promise<void> {
  const state = newRunState();
  handleTermination();
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
    releaseOutputDir();
    if (state.failed !== undefined) core.setFailed(state.failed);
  }
}

async function release(state: RunState): Promise<void> {
  const inputs = getInputs();
  state.inputs = inputs;
  const facts = await gatherFacts(inputs, state);
  const plan = planRelease(inputs, facts);
  for (const warning of plan.warnings) core.warning(warning, { title: 'gin-release: goreleaser-config' });
  for (const warning of plan.shard?.warnings ?? [])
    core.warning(warning, { title: 'gin-release: mode shard' });
  // A merge has no Go and no build: the shards checked their main package.
  if (facts.go && !plan.merge)
    await checkMainPackage(facts.go.goBinary, plan.workingDirectory, plan.build.main, plan.build.buildTags);
  state.plan = plan;
  // Locked for this run and emptied of earlier runs' outputs before anything is built or written.
  await timed(state, 'Prepare output-dir', () => claimOutputDir(plan.outputs));

  if (plan.cache) {
    const options = plan.cache;
    state.cache = await timed(state, 'Restore Go caches', () => restoreGoCache(options));
  }
  const artifacts = plan.merge ? await mergeShards(state, plan.merge) : await buildAndSmoke(state, plan);
  // A shard ships no archives: the merge job makes them, once, from every shard's binaries.
  if (!plan.shard) {
    state.package = await timed(state, 'Archives and checksums', () =>
      runPackageStage(plan.package, artifacts),
    );
  }
  if (state.cache) {
    const cacheState = state.cache;
    state.cache = await timed(state, 'Save Go caches', () => saveGoCache(cacheState));
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
    check(state, 'upload', state.upload.problems ?? []);
  }
  await publishRelease(state, plan, inputs.githubToken);
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
