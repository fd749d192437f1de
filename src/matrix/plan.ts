// What a shard job uploads and what a merge job expects, decided before anything runs: the shard artifact's name,
// the settings its fingerprint covers, the paths of the binaries, the attempt, the warnings about what breaks
// identical bytes across runners, and the input combinations that cannot work. Pure, table-tested.
import * as path from 'node:path';
import {
  ldflagsValue,
  type BuildOptions,
  type BuildPlan,
  type ByteChangingBuildInputs,
} from '../build/plan.js';
import { InputError } from '../errors.js';
import { parseVersionInput } from '../go/version.js';
import type { Inputs } from '../inputs.js';
import type { ReleaseInfo, Target } from '../types.js';
import type { Env } from '../upload/artifacts.js';
import { goPlatformId } from '../util/platform.js';
import type { HostPlatform } from '../smoke/plan.js';
import { MANIFEST_FILE, type ShardRunner } from './manifest.js';
import { normaliseMain, runAttempt, serviceId, shardArtifactName } from './naming.js';

/** A binary as both kinds of job place it: absolute path and the `/`-separated path inside output-dir. */
export interface PlannedBinary {
  target: Target;
  output: string;
  path: string;
}

export interface ShardStagePlan {
  artifactName: string;
  service: { module: string; main: string; id: string };
  key: string;
  attempt: number;
  /** Output-dir: the artifact holds the binaries at their paths inside it, and the manifest. */
  rootDirectory: string;
  manifestPath: string;
  binaries: PlannedBinary[];
  /** The input half of the fingerprint; the stage adds what the binaries' build info says. */
  settings: Record<string, string>;
  goVersion: string;
  runner: ShardRunner;
  release: ReleaseInfo;
  retentionDays?: number;
  /** upload-timeout: the shard artifact goes up through the service worker like every upload. */
  uploadTimeoutMs: number;
  workingDirectory: string;
  /** What can make this shard's bytes differ from a one-runner build, said before the build. */
  warnings: string[];
}

export interface MergeStagePlan {
  service: { module: string; main: string; id: string };
  /** The full list: each one exactly once among the shards. */
  targets: Target[];
  binaries: PlannedBinary[];
  /** Output-dir, the real folder the verified binaries are written under. */
  outputDir: string;
  /** upload-timeout: listing and downloading the shards go through the service worker, within it. */
  timeoutMs: number;
  release: ReleaseInfo;
  attempt: number;
  /** With image-distribute: the image the shards pushed to and the platforms the index must hold. */
  image: { name: string; platforms: string[] } | null;
  parallelism: number;
}

/** Variables of the environment that change what `go build` produces (beyond the planned ones). */
const BUILD_ENV = ['GOFLAGS', 'GOEXPERIMENT', 'GOFIPS140'];
const CGO_ENV = ['CC', 'CXX', 'CGO_CFLAGS', 'CGO_CPPFLAGS', 'CGO_CXXFLAGS', 'CGO_LDFLAGS', 'PKG_CONFIG'];

/**
 * The input half of a shard's fingerprint: every input and variable that changes the bytes of a binary, by the
 * names a user would look for. The -ldflags value carries the -X stamps, so their values are in it too.
 */
export function buildSettings(options: {
  inputs: ByteChangingBuildInputs;
  build: BuildOptions;
  modulePath: string;
  binaryName: string;
  goVersion: string;
  release: ReleaseInfo;
  env: Env;
}): Record<string, string> {
  const { inputs } = options;
  const buildEnv = new Map(inputs.buildEnv);
  const settings: Record<string, string> = {
    module: options.modulePath,
    main: normaliseMain(inputs.main),
    'binary-name': options.binaryName,
    'binary-template': inputs.binaryTemplate,
    ldflags: JSON.stringify(inputs.ldflags),
    'version-variable': inputs.versionVariable,
    'commit-variable': inputs.commitVariable,
    'date-variable': inputs.dateVariable,
    '-ldflags': ldflagsValue(options.build),
    'build-tags': inputs.buildTags.join(','),
    'build-flags': JSON.stringify(inputs.buildFlags),
    'build-env': JSON.stringify([...inputs.buildEnv].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    cgo: String(inputs.cgo),
    'release.version': options.release.version,
    'release.commit': options.release.commit,
    'release.date': options.release.date,
    'go.version': options.goVersion,
  };
  for (const name of [...BUILD_ENV, ...(inputs.cgo ? CGO_ENV : [])]) {
    settings[`env.${name}`] = buildEnv.get(name) ?? options.env[name] ?? '';
  }
  return settings;
}

/** Why this Go request can resolve differently in different jobs; null when it names one exact release. */
export function goVersionWarning(goVersion: string, goVersionFile: string): string | null {
  if (goVersion === '' && goVersionFile !== '') return null; // an exact version in a file is common; skew is caught at the merge
  const exact = goVersion !== '' && parseVersionInput(goVersion).kind === 'exact';
  if (exact) return null;
  const what =
    goVersion === ''
      ? "go-version is empty, so go.mod's go line is read as a minimum and each runner may use the Go it already has"
      : `go-version ${JSON.stringify(goVersion)} is not one exact release, so each job resolves it on its own`;
  return `mode shard: ${what}. Pin go-version to an exact release (e.g. 1.26.8) in every shard job; the merge refuses shards built with different Go versions.`;
}

/** The input combinations a split release cannot honour. Pure; throws InputError. */
export function checkMatrixInputs(inputs: Inputs): void {
  if (inputs.imageDistribute) {
    if (inputs.mode === 'release') {
      throw new InputError(
        'image-distribute',
        'true',
        'It splits the image over shard jobs and a merge job, so it needs mode: shard or mode: merge.',
      );
    }
    if (inputs.image.length === 0)
      throw new InputError('image-distribute', 'true', 'It needs the image input to name the image.');
    if (!inputs.push) {
      throw new InputError(
        'image-distribute',
        'true',
        'Each shard pushes its platforms by digest and the merge job pushes the index, so it needs push: true.',
      );
    }
  }
  if (inputs.mode !== 'shard') return;
  if (!inputs.upload) {
    throw new InputError(
      'upload',
      'false',
      'mode: shard hands its binaries to the merge job as a workflow artifact, so it needs upload: true.',
    );
  }
  if (inputs.githubRelease !== 'false') {
    throw new InputError(
      'github-release',
      inputs.githubRelease,
      'In mode: shard nothing is published: each shard holds only its own targets. Set github-release on the merge job, which publishes the whole release once.',
    );
  }
  if (inputs.artifactName !== '') {
    throw new InputError(
      'artifact-name',
      inputs.artifactName,
      'In mode: shard the action names the shard artifact itself (unique per run attempt, module, main package and shard) so that the merge job finds it; set artifact-name on the merge job.',
    );
  }
}

/** Both jobs place binary i at the path the build plan gives it. */
export function plannedBinaries(builds: readonly BuildPlan[], outputDir: string): PlannedBinary[] {
  return builds.map((build) => ({
    target: build.target,
    output: build.output,
    path: path.relative(outputDir, build.output).split(path.sep).join('/'),
  }));
}

export interface MatrixContext {
  inputs: Inputs;
  build: BuildOptions;
  builds: readonly BuildPlan[];
  modulePath: string;
  binaryName: string;
  outputDir: string;
  workingDirectory: string;
  release: ReleaseInfo;
  goVersion: string;
  host: HostPlatform;
  env: Env;
  /** The image platforms the inputs give (empty without an image). */
  imagePlatforms: string[];
}

function service(context: MatrixContext): { module: string; main: string; id: string } {
  return {
    module: context.modulePath,
    main: normaliseMain(context.inputs.main),
    id: serviceId(context.modulePath, context.inputs.main),
  };
}

export function planShardStage(context: MatrixContext): ShardStagePlan {
  const { inputs, env } = context;
  const attempt = runAttempt(env['GITHUB_RUN_ATTEMPT']);
  const name = shardArtifactName({
    binaryName: context.binaryName,
    modulePath: context.modulePath,
    main: inputs.main,
    targets: inputs.targets,
    attempt,
  });
  const binaries = plannedBinaries(context.builds, context.outputDir);
  if (binaries.some((b) => b.path === MANIFEST_FILE)) {
    throw new InputError(
      'binary-template',
      inputs.binaryTemplate,
      `It renders to ${MANIFEST_FILE}, the name of the shard manifest.`,
    );
  }
  const warnings: string[] = [];
  const goWarning = goVersionWarning(inputs.goVersion, inputs.goVersionFile);
  if (goWarning) warnings.push(goWarning);
  if (inputs.cgo) {
    warnings.push(
      "mode shard with cgo: true links each runner's own C toolchain and libraries, so the shards' binaries are not byte-identical to a one-runner build.",
    );
  }
  return {
    artifactName: name.name,
    service: service(context),
    key: name.key,
    attempt,
    rootDirectory: context.outputDir,
    manifestPath: path.join(context.outputDir, MANIFEST_FILE),
    binaries,
    settings: buildSettings(context),
    goVersion: context.goVersion,
    runner: {
      os: env['RUNNER_OS'] ?? '',
      arch: env['RUNNER_ARCH'] ?? '',
      name: env['RUNNER_NAME'] ?? '',
      job: env['GITHUB_JOB'] ?? '',
      platform: goPlatformId(context.host.platform, context.host.arch),
    },
    release: context.release,
    ...(inputs.retentionDays !== undefined ? { retentionDays: inputs.retentionDays } : {}),
    uploadTimeoutMs: inputs.uploadTimeoutMs,
    workingDirectory: context.workingDirectory,
    warnings,
  };
}

export function planMergeStage(context: MatrixContext): MergeStagePlan {
  const { inputs } = context;
  return {
    service: service(context),
    targets: inputs.targets,
    binaries: plannedBinaries(context.builds, context.outputDir),
    outputDir: context.outputDir,
    timeoutMs: inputs.uploadTimeoutMs,
    release: context.release,
    attempt: runAttempt(context.env['GITHUB_RUN_ATTEMPT']),
    image: inputs.imageDistribute ? { name: inputs.image[0]!, platforms: context.imagePlatforms } : null,
    parallelism: inputs.parallelism,
  };
}
