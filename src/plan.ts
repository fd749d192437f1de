// Everything that can be decided before work starts, as one value: what is built with which argv, what is
// smoke-tested how, which archives, image and artifacts come out, with which names. Pure, so every decision and every
// input check that needs no build is table-tested, and a bad input fails the step in its first second.
import * as path from 'node:path';
import { checkTargets, binaryNameFor } from './build/module.js';
import { planBuilds } from './build/plan.js';
import { stampsToCheck } from './build/stamps.js';
import type { BuildStagePlan } from './build/stage.js';
import { planOutputDir, type OutputDirPlan } from './files/manifest.js';
import type { RestoreOptions } from './go/cache.js';
import { applyGoreleaser, unappliedWarning } from './goreleaser/apply.js';
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
import { MANIFEST_FILE as SHARD_MANIFEST_FILE } from './matrix/manifest.js';
import { archiveExtension, planArchives } from './package/archive.js';
import { checkArchiveNames, checkArchivePatterns } from './package/patterns.js';
import type { PackageStagePlan } from './package/stage.js';
import { planPublish, type PublishStagePlan, type ShippedFile } from './publish/plan.js';
import { sbomPathFor } from './sbom/write.js';
import {
  planSmokeStage,
  smokeOptionsFromInputs,
  type Emulator,
  type HostPlatform,
  type SmokeStagePlan,
} from './smoke/plan.js';
import type { ReleaseInfo } from './types.js';
import { goPlatformOf } from './util/platform.js';
import { planCgoAudit, type CgoAuditPlan } from './cgo/audit.js';
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
  /** Every file the run writes into output-dir, for its lock, its cleaning and its manifest. */
  outputs: OutputDirPlan;
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
  /** Null when cgo-audit is off. */
  cgoAudit: CgoAuditPlan | null;
  /** Said once before the build (a goreleaser file's keys that were not applied). */
  warnings: string[];
  /** The GitHub release; null when github-release is off, the ref is not a tag, or in mode shard. */
  publish: PublishStagePlan | null;
  /** Why github-release is on and nothing is published (not a tag); null otherwise. */
  publishSkipped: string | null;
  /** Mode shard: the shard artifact after the smoke test; null otherwise (and then nothing after it runs). */
  shard: ShardStagePlan | null;
  /** Mode merge: the shards downloaded and verified instead of the build and smoke stages, whose plans then only
   * give the binaries' paths; null otherwise. */
  merge: MergeStagePlan | null;
}

export function planRelease(given: Inputs, facts: PlanFacts): ReleasePlan {
  const { release, go } = facts;
  // A goreleaser file fills in every input left at its default; its names replace the {placeholder} ones.
  const goreleaser = given.goreleaserConfig
    ? applyGoreleaser(given, given.goreleaserConfig, {
        release,
        modulePath: facts.modulePath,
        env: facts.env,
        runtime: goPlatformOf(facts.runner.host.platform, facts.runner.host.arch),
      })
    : null;
  const inputs = goreleaser?.inputs ?? given;
  const { mode } = inputs;
  checkMatrixInputs(inputs);
  const workingDirectory = inputs.workingDirectory;
  const outputDir = path.resolve(workingDirectory, inputs.outputDir);
  // A merge builds nothing: the shards' Go checked their targets.
  if (go) checkTargets(inputs.targets, go.distList);
  else if (mode !== 'merge') throw new Error('No Go toolchain was set up for a build');
  checkArchivePatterns(inputs.archiveFiles);
  checkDerivedVersion(inputs, release);
  const binaryName =
    goreleaser?.binaryName ?? (inputs.binaryName || derivedBinaryName(inputs, facts.modulePath));

  const buildOptions = {
    ...inputs,
    workingDirectory,
    goBinary: go?.goBinary ?? '',
    binaryName,
    outputDir,
    release,
    ...(goreleaser?.binaryPaths ? { binaryPaths: goreleaser.binaryPaths } : {}),
  };
  const builds = planBuilds(buildOptions);
  const archives =
    goreleaser?.archives ??
    planArchives({
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

  // With archive-format none the bare binary is what ships. Each archive's SBOM travels with it.
  const shipped: ShippedFile[] = archives.flatMap((archive, index) => {
    const file =
      archive.format === 'none'
        ? builds[index]!.output
        : archive.outputPath + archiveExtension(archive.format);
    const target = archive.target.id;
    return [
      { path: file, kind: 'archive' as const, target },
      ...(inputs.archiveSbom ? [{ path: sbomPathFor(file), kind: 'sbom' as const, target }] : []),
    ];
  });
  shipped.push({ path: path.join(outputDir, inputs.checksumsFile), kind: 'checksums' });
  const uploadFiles: UploadFile[] = shipped.map((file) => ({
    path: file.path,
    ...(file.target !== undefined ? { target: file.target } : {}),
  }));
  const publish = planPublish(inputs, { release, env: facts.env, binaryName, files: shipped });
  const outputs = planOutputDir({
    outputDir,
    input: inputs.outputDir,
    workingDirectory,
    workspace: inputs.workspace,
    // The binaries, then what ships: the archives (or bare binaries), their SBOMs and the checksums file; a shard
    // writes its manifest instead.
    files: [
      ...builds.map((build) => build.output),
      ...(mode === 'shard' ? [path.join(outputDir, SHARD_MANIFEST_FILE)] : shipped.map((file) => file.path)),
    ],
  });

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
    outputs,
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
            timeoutMs: inputs.cacheTimeoutMs,
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
      main: inputs.main,
      buildTags: inputs.buildTags,
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
      sbom: inputs.archiveSbom ? { version: release.version, date: release.date } : null,
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
              overwrite: inputs.artifactOverwrite,
              timeoutMs: inputs.uploadTimeoutMs,
            },
            facts.env,
          )
        : null,
    // A merge builds nothing, so there is nothing to audit: the shards audited their own builds.
    cgoAudit:
      go && mode !== 'merge' ? planCgoAudit(inputs, go.goBinary, builds, facts.runner.host.platform) : null,
    warnings:
      goreleaser && goreleaser.unapplied.length > 0
        ? [unappliedWarning(given.goreleaserConfig!.file, goreleaser.unapplied)]
        : [],
    // A shard publishes nothing: the merge job publishes the whole release once.
    publish: mode === 'shard' ? null : publish.plan,
    publishSkipped: mode === 'shard' ? null : publish.skipped,
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
