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
import type { Inputs } from './inputs.js';
import { fileNameProblem, versionProblem } from './inputs/names.js';
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
  go: {
    version: string;
    goBinary: string;
    /** `go tool dist list`. */
    distList: string[];
  };
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
  /** Null when upload is off. */
  upload: UploadStagePlan | null;
  /** Null when cgo-audit is off. */
  cgoAudit: CgoAuditPlan | null;
  /** Said once before the build (a goreleaser file's keys that were not applied). */
  warnings: string[];
  /** The GitHub release; null when github-release is off or the ref is not a tag. */
  publish: PublishStagePlan | null;
  /** Why github-release is on and nothing is published (not a tag); null otherwise. */
  publishSkipped: string | null;
}

export function planRelease(given: Inputs, facts: PlanFacts): ReleasePlan {
  const { release } = facts;
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
  const workingDirectory = inputs.workingDirectory;
  const outputDir = path.resolve(workingDirectory, inputs.outputDir);
  checkTargets(inputs.targets, facts.go.distList);
  checkArchivePatterns(inputs.archiveFiles);
  checkDerivedVersion(inputs, release);
  const binaryName =
    goreleaser?.binaryName ?? (inputs.binaryName || derivedBinaryName(inputs, facts.modulePath));

  const builds = planBuilds({
    ...inputs,
    workingDirectory,
    goBinary: facts.go.goBinary,
    binaryName,
    outputDir,
    release,
    ...(goreleaser?.binaryPaths ? { binaryPaths: goreleaser.binaryPaths } : {}),
  });
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
    // The binaries, then what ships: the archives (or bare binaries), their SBOMs and the checksums file.
    files: [...builds.map((build) => build.output), ...shipped.map((file) => file.path)],
  });

  return {
    workingDirectory,
    outputDir,
    outputs,
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
      workspace: inputs.workspace,
      cgo: inputs.cgo,
      stamps: stampsToCheck({ ...inputs, release }),
      main: inputs.main,
      buildTags: inputs.buildTags,
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
      sbom: inputs.archiveSbom ? { version: release.version, date: release.date } : null,
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
    cgoAudit: planCgoAudit(inputs, facts.go.goBinary, builds, facts.runner.host.platform),
    warnings:
      goreleaser && goreleaser.unapplied.length > 0
        ? [unappliedWarning(given.goreleaserConfig!.file, goreleaser.unapplied)]
        : [],
    publish: publish.plan,
    publishSkipped: publish.skipped,
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
