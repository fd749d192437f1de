// Orchestration only: inputs -> facts -> plan -> stages -> outputs. Each stage takes the plan and the results
// before it and hands its own typed result on; outputs and the summary are written once, from the final state.
import * as core from '@actions/core';
import { checkMainPackage } from './build/module.js';
import { cacheStatus } from './build/progress.js';
import { runBuildStage } from './build/stage.js';
import { reportGlibc, runCgoAudit, smokeHintFor } from './cgo/stage.js';
import { errorMessage, StageFailure } from './errors.js';
import { claimOutputDir, releaseOutputDir } from './files/output-dir.js';
import { restoreGoCache, saveGoCache } from './go/cache.js';
import { runImageStage } from './image/stage.js';
import { getInputs } from './inputs.js';
import { writeOutputs } from './outputs.js';
import { runPackageStage } from './package/stage.js';
import { planRelease } from './plan.js';
import { gatherFacts } from './prepare.js';
import { packagedHashes, runPublishStage } from './publish/stage.js';
import { runSmokeStage } from './smoke/stage.js';
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
  for (const warning of plan.warnings) core.warning(warning, { title: 'gin-release: goreleaser-config' });
  await checkMainPackage(facts.go.goBinary, plan.workingDirectory, plan.build.main, plan.build.buildTags);
  state.plan = plan;
  // Locked for this run and emptied of earlier runs' outputs before anything is built or written.
  await timed(state, 'Prepare output-dir', () => claimOutputDir(plan.outputs));

  if (plan.cache) {
    const options = plan.cache;
    state.cache = await timed(state, 'Restore Go caches', () => restoreGoCache(options));
  }
  if (plan.cgoAudit) {
    const auditPlan = plan.cgoAudit;
    state.cgoAudit = await timed(state, 'cgo audit', () => runCgoAudit(auditPlan));
    check(state, 'cgo audit', state.cgoAudit.problems);
  }

  // The build and smoke stages print one group per target.
  const cache = cacheStatus(plan.cache ? (state.cache?.summary.hit ?? 'miss') : 'off');
  const build = await timed(
    state,
    `Build ${plan.build.builds.length} targets`,
    () => runBuildStage(plan.build, { cache }),
    false,
  );
  state.build = build;
  if (state.cgoAudit) reportGlibc(state.cgoAudit, plan.build.cgo, build.artifacts);
  check(state, 'build', build.problems);

  if (plan.smoke) {
    const [smokePlan, hint] = [plan.smoke, smokeHintFor(state.cgoAudit)];
    state.smoke = await timed(
      state,
      'Smoke test',
      () => runSmokeStage(smokePlan, build.artifacts, hint),
      false,
    );
    check(state, 'smoke test', state.smoke.problems);
  }

  state.package = await timed(state, 'Archives and checksums', () =>
    runPackageStage(plan.package, build.artifacts),
  );

  if (state.cache) {
    const cacheState = state.cache;
    state.cache = await timed(state, 'Save Go caches', () => saveGoCache(cacheState));
  }

  if (plan.image) {
    const imagePlan = plan.image;
    state.image = await timed(state, 'Container image', () =>
      runImageStage(imagePlan, {
        artifacts: build.artifacts,
        release: plan.release,
        binaryName: plan.binaryName,
        workingDirectory: plan.workingDirectory,
      }),
    );
  }

  if (plan.upload) {
    const uploadPlan = plan.upload;
    state.upload = await timed(state, 'Upload artifacts', () => runUploadStage(uploadPlan));
    check(state, 'upload', state.upload.problems ?? []);
  }

  // Last: the release gets exactly the files that passed every stage above.
  if (plan.publish) {
    const publishPlan = plan.publish;
    const packaged = packagedHashes(state.package);
    state.publish = await timed(state, 'GitHub release', () =>
      runPublishStage(publishPlan, { token: inputs.githubToken, packaged }),
    );
    check(state, 'GitHub release', state.publish.problems);
  } else if (plan.publishSkipped)
    core.notice(plan.publishSkipped, { title: 'gin-release: no GitHub release' });
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
