// What one run of the action has reached: every stage's typed result, kept as it arrives, so that outputs and the
// summary are written from it once at the end, whichever stage stopped the run.
import * as core from '@actions/core';
import type { BuildStageResult } from './build/stage.js';
import type { CgoAuditResult } from './cgo/stage.js';
import type { CacheState } from './go/cache.js';
import type { GoSetup } from './go/install.js';
import type { ImageStageResult } from './image/plan.js';
import type { Inputs } from './inputs.js';
import type { MergeStageResult } from './matrix/merge-stage.js';
import type { ShardStageResult } from './matrix/shard-stage.js';
import type { PackageStageResult } from './package/stage.js';
import type { ReleasePlan } from './plan.js';
import type { PublishStageResult } from './publish/stage.js';
import type { SmokeStageResult } from './smoke/stage.js';
import type { ReleaseInfo } from './types.js';
import type { UploadResult } from './upload/artifacts.js';

export interface StageTiming {
  stage: string;
  ms: number;
}

export interface RunState {
  inputs?: Inputs;
  go?: GoSetup;
  release?: ReleaseInfo;
  plan?: ReleasePlan;
  cache?: CacheState;
  cgoAudit?: CgoAuditResult;
  build?: BuildStageResult;
  smoke?: SmokeStageResult;
  package?: PackageStageResult;
  image?: ImageStageResult;
  upload?: UploadResult;
  publish?: PublishStageResult;
  /** Mode shard: the manifest and the uploaded shard artifact. */
  shard?: ShardStageResult;
  /** Mode merge: the verified shards, in place of build and smoke. */
  merge?: MergeStageResult;
  timings: StageTiming[];
  /** One line per problem, each listed once, in the order they were found. */
  failures: string[];
  /** Why the step failed, as the step's own error says it; undefined while nothing failed. */
  failed?: string;
}

export function newRunState(): RunState {
  return { timings: [], failures: [] };
}

/**
 * Runs one stage and records how long it took. `grouped` wraps it in a collapsed log group; stages that open
 * groups of their own (one per target) run ungrouped, since the Actions log does not nest groups.
 */
export async function timed<T>(
  state: RunState,
  stage: string,
  work: () => Promise<T>,
  grouped = true,
): Promise<T> {
  const started = performance.now();
  try {
    return await (grouped ? core.group(stage, work) : work());
  } finally {
    state.timings.push({ stage, ms: Math.round(performance.now() - started) });
  }
}
