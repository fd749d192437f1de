// Everything that can be decided before work starts, as one value: what is built with which argv, what is
// smoke-tested how, which archives, image and artifacts come out, with which names. Pure, so every decision and every
// input check that needs no build is table-tested, and a bad input fails the step in its first second.
import * as path from 'node:path';
import { checkTargets, binaryNameFor } from './build/module.js';
import { planBuilds } from './build/plan.js';
import type { BuildStagePlan } from './build/stage.js';
import type { RestoreOptions } from './go/cache.js';
import { planImageStage, type ImageStagePlan } from './image/plan.js';
import type { Inputs } from './inputs.js';
import { archiveExtension, planArchives } from './package/archive.js';
import type { PackageStagePlan } from './package/stage.js';
import {
  planSmokeStage,
  smokeOptionsFromInputs,
  type Emulator,
  type HostPlatform,
  type SmokeStagePlan,
} from './smoke/plan.js';
import type { ReleaseInfo } from './types.js';
import { planUploadStage, type Env, type UploadFile, type UploadStagePlan } from './upload/artifacts.js';

/** What was found out before planning: the toolchain, the module, the commit, the runner. */
export interface PlanFacts {
  go: {
    version: string;
    goBinary: string;
    /** `go tool dist list`. */
    distList: string[];
  };
  release: ReleaseInfo;
  /** go.mod's module path. */
  modulePath: string;
  runner: { host: HostPlatform; emulators: ReadonlyMap<string, Emulator> };
  /** The step's environment, for names made of the job and runner (GITHUB_JOB, RUNNER_OS, ...). */
  env: Env;
}

export interface ReleasePlan {
  workingDirectory: string;
  /** Absolute. */
  outputDir: string;
  binaryName: string;
  release: ReleaseInfo;
  /** Null when cache is off. */
  cache: RestoreOptions | null;
  build: BuildStagePlan;
  /** Null when smoke-test is off or smoke-targets is none. */
  smoke: SmokeStagePlan | null;
  package: PackageStagePlan;
  /** Null without the image input. */
  image: ImageStagePlan | null;
  /** Null when upload is off. */
  upload: UploadStagePlan | null;
}

export function planRelease(inputs: Inputs, facts: PlanFacts): ReleasePlan {
  const { release } = facts;
  const workingDirectory = inputs.workingDirectory;
  const outputDir = path.resolve(workingDirectory, inputs.outputDir);
  checkTargets(inputs.targets, facts.go.distList);
  const binaryName = inputs.binaryName || binaryNameFor(workingDirectory, inputs.main, facts.modulePath);

  const builds = planBuilds({
    ...inputs,
    workingDirectory,
    goBinary: facts.go.goBinary,
    binaryName,
    outputDir,
    release,
  });
  const archives = planArchives({
    outputDir,
    template: inputs.archiveNameTemplate,
    binaryName,
    version: release.version,
    format: inputs.archiveFormat,
    targets: inputs.targets,
  });
  const smokeOptions = smokeOptionsFromInputs(inputs);

  // With archive-format none the bare binary is what ships, so it is what gets uploaded.
  const uploadFiles: UploadFile[] = archives.map((archive, index) => ({
    path:
      archive.format === 'none'
        ? builds[index]!.output
        : archive.outputPath + archiveExtension(archive.format),
    target: archive.target.id,
  }));
  uploadFiles.push({ path: path.join(outputDir, inputs.checksumsFile) });

  return {
    workingDirectory,
    outputDir,
    binaryName,
    release,
    cache: inputs.cache
      ? {
          goBinary: facts.go.goBinary,
          workingDirectory,
          dependencyPatterns: inputs.cacheDependencyPath,
          goVersion: facts.go.version,
          targets: inputs.targets,
          timeoutMs: inputs.cacheTimeoutMs,
        }
      : null,
    build: {
      builds,
      parallelism: inputs.parallelism,
      goBinary: facts.go.goBinary,
      workingDirectory,
      cgo: inputs.cgo,
    },
    smoke:
      inputs.smokeTest && inputs.smokeTargets.mode !== 'none'
        ? planSmokeStage(inputs, inputs.targets, facts.runner)
        : null,
    package: {
      archives,
      extraFilePatterns: inputs.archiveFiles,
      workingDirectory,
      outputDir,
      checksumsFile: inputs.checksumsFile,
      epoch: release.epoch,
      parallelism: inputs.parallelism,
    },
    image: inputs.image.length > 0 ? planImageStage(inputs, inputs.targets, release, smokeOptions) : null,
    upload: inputs.upload
      ? planUploadStage(
          {
            files: uploadFiles,
            rootDirectory: outputDir,
            mode: inputs.uploadMode,
            name: inputs.artifactName,
            ...(inputs.retentionDays !== undefined ? { retentionDays: inputs.retentionDays } : {}),
            overwrite: inputs.artifactOverwrite,
            timeoutMs: inputs.uploadTimeoutMs,
          },
          facts.env,
        )
      : null,
  };
}
