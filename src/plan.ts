// Everything that can be decided before work starts, as one value: what is built with which argv, what is
// smoke-tested how, which archives, image and artifacts come out, with which names. Pure, so every decision and every
// input check that needs no build is table-tested, and a bad input fails the step in its first second.
import * as path from 'node:path';
import { checkTargets, binaryNameFor } from './build/module.js';
import { planBuilds } from './build/plan.js';
import { stampsToCheck } from './build/stamps.js';
import type { BuildStagePlan } from './build/stage.js';
import type { RestoreOptions } from './go/cache.js';
import { planImageStage, type ImageStagePlan } from './image/plan.js';
import { InputError } from './errors.js';
import type { Inputs, ReleaseMode } from './inputs.js';
import { fileNameProblem, versionProblem } from './inputs/names.js';
import {
  checkMatrixInputs,
  planMergeStage,
  planShardStage,
  type MatrixContext,
  type MergeStagePlan,
  type ShardStagePlan,
} from './matrix/plan.js';
import { imageDistribution, shardImageInputs } from './matrix/image.js';
import { archiveExtension, planArchives } from './package/archive.js';
import { checkArchiveNames, checkArchivePatterns } from './package/patterns.js';
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
  /** Null in mode merge, which needs no Go. */
  go: {
    version: string;
    goBinary: string;
    /** `go tool dist list`. */
    distList: string[];
  } | null;
  release: ReleaseInfo;
  /** go.mod's module path. */
  modulePath: string;
  /** Absolute paths of the files archive-files matches before the build; empty for archive-format none. */
  archiveFiles: string[];
  runner: { host: HostPlatform; emulators: ReadonlyMap<string, Emulator> };
  /** The step's environment, for names made of the job and runner (GITHUB_JOB, RUNNER_OS, ...). */
  env: Env;
}

export interface ReleasePlan {
  mode: ReleaseMode;
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
  /** Null when upload is off, and in mode shard (the shard stage uploads). */
  upload: UploadStagePlan | null;
  /** Mode shard: the shard artifact after the smoke test; null otherwise (and then nothing after it runs). */
  shard: ShardStagePlan | null;
  /** Mode merge: the shards downloaded and verified instead of the build and smoke stages, whose plans then only
   * give the binaries' paths; null otherwise. */
  merge: MergeStagePlan | null;
}

export function planRelease(inputs: Inputs, facts: PlanFacts): ReleasePlan {
  const { release, go } = facts;
  const { mode } = inputs;
  checkMatrixInputs(inputs);
  const workingDirectory = inputs.workingDirectory;
  const outputDir = path.resolve(workingDirectory, inputs.outputDir);
  // A merge builds nothing: the shards' Go checked their targets.
  if (go) checkTargets(inputs.targets, go.distList);
  else if (mode !== 'merge') throw new Error('No Go toolchain was set up for a build');
  checkArchivePatterns(inputs.archiveFiles);
  checkDerivedVersion(inputs, release);
  const binaryName = inputs.binaryName || derivedBinaryName(inputs, facts.modulePath);

  const buildOptions = {
    ...inputs,
    workingDirectory,
    goBinary: go?.goBinary ?? '',
    binaryName,
    outputDir,
    release,
  };
  const builds = planBuilds(buildOptions);
  const archives = planArchives({
    outputDir,
    template: inputs.archiveNameTemplate,
    binaryName,
    version: release.version,
    format: inputs.archiveFormat,
    targets: inputs.targets,
  });
  checkArchiveNames(
    archives.flatMap((archive, index) =>
      archive.format === 'none'
        ? []
        : [
            {
              target: archive.target.id,
              binary: path.basename(builds[index]!.output),
              extraFiles: facts.archiveFiles,
            },
          ],
    ),
    workingDirectory,
    inputs.binaryName,
  );
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

  const imageInputs = mode === 'shard' ? shardImageInputs(inputs) : inputs;
  const image =
    imageInputs.image.length > 0
      ? {
          ...planImageStage(imageInputs, inputs.targets, release, smokeOptions),
          distribute: imageDistribution(mode, inputs.imageDistribute),
        }
      : null;
  const matrix: MatrixContext = {
    inputs,
    build: buildOptions,
    builds,
    modulePath: facts.modulePath,
    binaryName,
    outputDir,
    workingDirectory,
    release,
    goVersion: go?.version ?? '',
    host: facts.runner.host,
    env: facts.env,
    imagePlatforms: image?.platforms.map((p) => p.platform) ?? [],
  };

  return {
    mode,
    workingDirectory,
    outputDir,
    binaryName,
    release,
    cache:
      inputs.cache && go
        ? {
            goBinary: go.goBinary,
            workingDirectory,
            dependencyPatterns: inputs.cacheDependencyPath,
            goVersion: go.version,
            targets: inputs.targets,
          }
        : null,
    build: {
      builds,
      parallelism: inputs.parallelism,
      goBinary: go?.goBinary ?? '',
      workingDirectory,
      workspace: inputs.workspace,
      cgo: inputs.cgo,
      stamps: stampsToCheck({ ...inputs, release }),
    },
    smoke:
      mode !== 'merge' && inputs.smokeTest && inputs.smokeTargets.mode !== 'none'
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
    image,
    upload:
      inputs.upload && mode !== 'shard'
        ? planUploadStage(
            {
              files: uploadFiles,
              rootDirectory: outputDir,
              mode: inputs.uploadMode,
              name: inputs.artifactName,
              ...(inputs.retentionDays !== undefined ? { retentionDays: inputs.retentionDays } : {}),
            },
            facts.env,
          )
        : null,
    shard: mode === 'shard' ? planShardStage(matrix) : null,
    merge: mode === 'merge' ? planMergeStage(matrix) : null,
  };
}

/** A version taken from the tag ends up in the same file names as the version input, so it obeys the same rule. */
function checkDerivedVersion(inputs: Inputs, release: ReleaseInfo): void {
  if (inputs.version !== '') return;
  const problem = versionProblem(release.version);
  if (problem === undefined) return;
  throw new InputError(
    'version',
    release.version,
    `It is the version the git ref ${release.ref || '(none)'} gives, and it cannot name files: ${problem} Set the version input.`,
  );
}

/** The default binary name, which must be as safe a file name as a binary-name input. */
function derivedBinaryName(inputs: Inputs, modulePath: string): string {
  const name = binaryNameFor(inputs.workingDirectory, inputs.main, modulePath);
  const problem = fileNameProblem(name);
  if (problem === undefined) return name;
  throw new InputError(
    'binary-name',
    '',
    `Without it the binary would be named "${name}" (from main ${inputs.main} or the module path ${modulePath || '(none)'}), which is not a safe file name: ${problem} Set binary-name.`,
  );
}
