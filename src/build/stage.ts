// The build stage: every planned `go build` in the pool, then each binary read back and compared with what its
// target promises. Hands on the inspected binaries and one line per problem.
import * as fs from 'node:fs/promises';
import * as core from '@actions/core';
import { BINARY_MODE } from '../package/entries.js';
import type { BuiltArtifact } from '../types.js';
import { runBuilds } from './compile.js';
import { glibcRequirement } from '../cgo/audit.js';
import { checkInspection, inspectBinary } from './inspect.js';
import type { BuildPlan } from './plan.js';
import { buildStartLine } from './progress.js';
import { warnMissingStamps, type Stamp } from './stamps.js';

export interface BuildStagePlan {
  builds: BuildPlan[];
  parallelism: number;
  goBinary: string;
  workingDirectory: string;
  /** GITHUB_WORKSPACE: compiler positions are printed relative to it. */
  workspace: string;
  cgo: boolean;
  /** The -X stamps each binary must hold; a missing one is a warning. */
  stamps: Stamp[];
  /** The package built and its tags, for the checks before the build (go list). */
  main: string;
  buildTags: string[];
}

/** How the stage reports progress: the cache state for its first line, the heartbeat period (tests shorten it). */
export interface BuildStageOptions {
  cache: string;
  heartbeatMs?: number;
}

export interface BuildStageResult {
  /** The binaries that built, in plan order (a failed target is missing). */
  artifacts: BuiltArtifact[];
  /** One line per failed build or failed inspection; empty when every binary is what it claims. */
  problems: string[];
}

export async function runBuildStage(
  plan: BuildStagePlan,
  options: BuildStageOptions = { cache: 'cold' },
): Promise<BuildStageResult> {
  core.info(
    buildStartLine(
      plan.builds.map((b) => b.target.id),
      plan.parallelism,
      options.cache,
    ),
  );
  const outcomes = await runBuilds(
    plan.builds,
    plan.parallelism,
    plan.goBinary,
    plan.workingDirectory,
    plan.workspace,
    {
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    },
  );
  const artifacts: BuiltArtifact[] = [];
  const problems: string[] = [];
  for (const outcome of outcomes) {
    const target = outcome.plan.target;
    if (!outcome.ok) {
      core.error(`${target.id}: go build failed\n${outcome.output}`, {
        title: `gin-release: build failed for ${target.id}`,
      });
      problems.push(`${target.id}: build failed`);
      continue;
    }
    // go build leaves the mode to the runner's umask (0700 under umask 077); what ships is 0755 on every runner.
    await fs.chmod(outcome.plan.output, BINARY_MODE);
    const inspection = await inspectBinary(outcome.plan.output);
    for (const problem of checkInspection(inspection, target, { cgo: plan.cgo })) {
      core.error(problem, { title: `gin-release: ${target.id} is not what it claims` });
      problems.push(problem);
    }
    artifacts.push({
      target,
      path: outcome.plan.output,
      size: inspection.size,
      sha256: inspection.sha256,
      static: inspection.static,
      needed: inspection.needed,
      ...(inspection.versionNeeds ? { glibc: glibcRequirement(inspection.versionNeeds) } : {}),
      ...(inspection.buildInfo ? { buildInfo: inspection.buildInfo } : {}),
    });
  }
  await warnMissingStamps(plan.stamps, artifacts);
  return { artifacts, problems };
}
