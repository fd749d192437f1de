// The stages that stand in for one another in main.ts's pipeline: the cgo audit, build and smoke test of a job that
// builds, or the verified shards of a merge job; and the publish stage that ends both. Each records its result in
// the run state and throws a StageFailure after listing its problems once.
import * as core from '@actions/core';
import { cacheStatus } from './build/progress.js';
import { runBuildStage } from './build/stage.js';
import { reportGlibc, runCgoAudit, smokeHintFor } from './cgo/stage.js';
import { StageFailure } from './errors.js';
import { runMergeStage } from './matrix/merge-stage.js';
import type { MergeStagePlan } from './matrix/plan.js';
import type { ReleasePlan } from './plan.js';
import { packagedHashes, runPublishStage } from './publish/stage.js';
import { runSmokeStage } from './smoke/stage.js';
import { timed, type RunState } from './state.js';
import type { BuiltArtifact } from './types.js';

/** Throws for a stage whose result lists problems, after recording them once. */
export function check(state: RunState, stage: string, problems: string[]): void {
  if (problems.length === 0) return;
  state.failures.push(...problems);
  throw new StageFailure(stage, problems);
}

/** The cgo audit, then the build and smoke stages, which print one group per target. */
export async function buildAndSmoke(state: RunState, plan: ReleasePlan): Promise<BuiltArtifact[]> {
  if (plan.cgoAudit) {
    const auditPlan = plan.cgoAudit;
    state.cgoAudit = await timed(state, 'cgo audit', () => runCgoAudit(auditPlan));
    check(state, 'cgo audit', state.cgoAudit.problems);
  }
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
  return build.artifacts;
}

/** Mode merge: the shards' verified binaries, in place of the build and smoke stages. */
export async function mergeShards(state: RunState, plan: MergeStagePlan): Promise<BuiltArtifact[]> {
  const merge = await timed(state, 'Download and verify shards', () => runMergeStage(plan));
  state.merge = merge;
  check(state, 'merge', merge.problems);
  return merge.artifacts;
}

/** Last: the release gets exactly the files that passed every stage before it. */
export async function publishRelease(state: RunState, plan: ReleasePlan, token: string): Promise<void> {
  if (plan.publish) {
    const publishPlan = plan.publish;
    const packaged = packagedHashes(state.package);
    state.publish = await timed(state, 'GitHub release', () =>
      runPublishStage(publishPlan, { token, packaged }),
    );
    check(state, 'GitHub release', state.publish.problems);
  } else if (plan.publishSkipped) {
    core.notice(plan.publishSkipped, { title: 'gin-release: no GitHub release' });
  }
}
