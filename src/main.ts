import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import {
  checkMainPackage,
  checkTargetsSupported,
  defaultBinaryName,
} from './build/module.js';
import { planBuilds } from './build/plan.js';
import { runBuilds } from './build/compile.js';
import { checkInspection, inspectBinary } from './build/inspect.js';
import { restoreGoCache, saveGoCache } from './go/cache.js';
import { setupGo } from './go/install.js';
import { buildImage, planImage } from './image/image.js';
import { InputError } from './errors.js';
import { getInputs, type Inputs } from './inputs.js';
import { createArchive, planArchives, resolveExtraFiles } from './package/archive.js';
import { inPool } from './util/pool.js';
import { writeChecksums } from './package/checksums.js';
import { resolveReleaseInfo } from './release.js';
import { killAllSmokeProcesses, runSmokeStage } from './smoke/stage.js';
import { uploadArtifacts } from './artifacts.js';
import { writeSummary, type SummaryData } from './summary.js';
import type { BuiltArtifact } from './types.js';
import { lastLines } from './util/text.js';

/** A failure already reported to the user as annotations; it only has to fail the step. */
class StageFailure extends Error {}

interface StageClock {
  timings: Array<{ stage: string; ms: number }>;
  /** Runs a stage inside a collapsed log group and records its duration. */
  time<T>(stage: string, work: () => Promise<T>): Promise<T>;
  /** For stages that open their own groups. */
  timeUngrouped<T>(stage: string, work: () => Promise<T>): Promise<T>;
}

function stageClock(): StageClock {
  const timings: Array<{ stage: string; ms: number }> = [];
  const timeUngrouped = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings.push({ stage, ms: Math.round(performance.now() - started) });
    }
  };
  return {
    timings,
    timeUngrouped,
    time: (stage, work) => timeUngrouped(stage, () => core.group(stage, work)),
  };
}

function setJsonOutputs(artifacts: BuiltArtifact[]): void {
  core.setOutput('artifacts', JSON.stringify(artifacts));
}

export async function run(): Promise<void> {
  const clock = stageClock();
  const summary: SummaryData = {
    goVersion: '',
    goSource: 'runner',
    version: '',
    commit: '',
    artifacts: [],
    stageTimings: clock.timings,
    failures: [],
  };
  let inputs: Inputs | undefined;
  try {
    inputs = getInputs();
    await release(inputs, clock, summary);
  } catch (error) {
    if (error instanceof InputError) {
      core.setFailed(error.message);
    } else if (error instanceof StageFailure) {
      core.setFailed(error.message);
    } else {
      const err = error as Error;
      core.setFailed(err.message);
      if (err.stack) core.debug(err.stack);
    }
    summary.failures.push((error as Error).message);
  } finally {
    await killAllSmokeProcesses();
    if (inputs) await writeSummary(summary);
  }
}

async function release(inputs: Inputs, clock: StageClock, summary: SummaryData): Promise<void> {
  const cwd = inputs.workingDirectory;
  if (!fs.existsSync(path.join(cwd, 'go.mod'))) {
    throw new InputError('working-directory', cwd, 'It must be a folder holding a Go module (go.mod).');
  }
  const outputDir = path.resolve(cwd, inputs.outputDir);

  // setupGo opens its own log groups, and groups cannot nest.
  const go = await clock.timeUngrouped('Go toolchain', () =>
    setupGo({
      workingDirectory: cwd,
      goVersion: inputs.goVersion,
      goVersionFile: inputs.goVersionFile,
      downloadSource: inputs.goDownloadSource,
      downloadBaseUrl: inputs.goDownloadBaseUrl,
      skipChecksum: inputs.goSkipChecksum,
    }),
  );
  summary.goVersion = go.version;
  summary.goSource = go.source;
  core.setOutput('go-version', go.version);
  core.setOutput('go-source', go.source);

  const releaseInfo = await resolveReleaseInfo(cwd, inputs.version);
  summary.version = releaseInfo.version;
  summary.commit = releaseInfo.commit;
  core.setOutput('version', releaseInfo.version);

  // Image names, tags and platforms are checked now, not after minutes of building.
  if (inputs.image.length > 0) planImage(inputs, inputs.targets, releaseInfo);

  // Everything that can be checked against the resolved Go is checked before anything is built.
  await checkTargetsSupported(go.goBinary, inputs.targets);
  await checkMainPackage(go.goBinary, cwd, inputs.main);
  const binaryName = inputs.binaryName || (await defaultBinaryName(cwd, inputs.main));
  const archivePlans = planArchives({
    outputDir,
    template: inputs.archiveNameTemplate,
    binaryName,
    version: releaseInfo.version,
    format: inputs.archiveFormat,
    targets: inputs.targets,
  });

  const cacheState = inputs.cache
    ? await clock.time('Restore Go caches', () =>
        restoreGoCache({
          goBinary: go.goBinary,
          workingDirectory: cwd,
          dependencyPatterns: inputs.cacheDependencyPath,
          goVersion: go.version,
          targets: inputs.targets,
        }),
      )
    : undefined;
  summary.cache = cacheState ? cacheState.summary : { hit: 'skipped', detail: 'cache: false' };
  core.setOutput('cache-hit', String(cacheState?.summary.hit === 'exact'));

  fs.mkdirSync(outputDir, { recursive: true });
  core.setOutput('dist-dir', outputDir);
  const plans = planBuilds({
    workingDirectory: cwd,
    goBinary: go.goBinary,
    targets: inputs.targets,
    main: inputs.main,
    binaryName,
    outputDir,
    binaryTemplate: inputs.binaryTemplate,
    release: releaseInfo,
    ldflags: inputs.ldflags,
    versionVariable: inputs.versionVariable,
    commitVariable: inputs.commitVariable,
    dateVariable: inputs.dateVariable,
    buildTags: inputs.buildTags,
    buildFlags: inputs.buildFlags,
    buildEnv: inputs.buildEnv,
    cgo: inputs.cgo,
    parallelism: inputs.parallelism,
  });

  // runBuilds prints one group per target.
  const outcomes = await clock.timeUngrouped(`Build ${plans.length} targets`, () =>
    runBuilds(plans, inputs.parallelism, go.goBinary, cwd),
  );
  const artifacts: BuiltArtifact[] = [];
  for (const outcome of outcomes) {
    const target = outcome.plan.target;
    if (!outcome.ok) {
      const message = `${target.id}: go build failed\n${lastLines(outcome.output, 30)}`;
      core.error(message, { title: `gin-release: build failed for ${target.id}` });
      summary.failures.push(`${target.id}: build failed`);
      continue;
    }
    const inspection = await inspectBinary(outcome.plan.output);
    const problems = checkInspection(inspection, target, { cgo: inputs.cgo });
    for (const problem of problems) {
      core.error(problem, { title: `gin-release: ${target.id} is not what it claims` });
      summary.failures.push(problem);
    }
    artifacts.push({
      target: target.id,
      goos: target.goos,
      goarch: target.goarch,
      variant: target.variant,
      path: outcome.plan.output,
      size: inspection.size,
      sha256: inspection.sha256,
      static: inspection.static,
    });
  }
  summary.artifacts = artifacts;
  setJsonOutputs(artifacts);
  if (summary.failures.length > 0) {
    throw new StageFailure(
      `${summary.failures.length} problem(s) in the build stage: ${summary.failures.join('; ')}`,
    );
  }

  if (inputs.smokeTest && inputs.smokeTargets.mode !== 'none') {
    // runSmokeStage prints one group per target.
    const smokeFailures = await clock.timeUngrouped('Smoke test', () => runSmokeStage(artifacts, inputs));
    setJsonOutputs(artifacts);
    if (smokeFailures.length > 0) {
      summary.failures.push(...smokeFailures);
      throw new StageFailure(`smoke test failed: ${smokeFailures.join('; ')}`);
    }
  }

  await clock.time('Archives and checksums', async () => {
    const extraFiles = await resolveExtraFiles(cwd, inputs.archiveFiles);
    // Compression runs on libuv's thread pool, so archives are made concurrently, as many as builds.
    await inPool(artifacts, inputs.parallelism, async (artifact) => {
      const plan = archivePlans.find((p) => p.target.id === artifact.target)!;
      artifact.archive = await createArchive({
        binaryPath: artifact.path,
        binaryNameInArchive: path.basename(artifact.path),
        target: plan.target,
        format: plan.format,
        extraFiles,
        outputPath: plan.outputPath,
        epoch: releaseInfo.epoch,
      });
    });
    const checksums = await writeChecksums(
      outputDir,
      inputs.checksumsFile,
      artifacts.map((a) => a.archive!.path),
    );
    core.setOutput('checksums-file', checksums);
  });
  setJsonOutputs(artifacts);

  if (cacheState) await clock.time('Save Go caches', () => saveGoCache(cacheState));

  if (inputs.image.length > 0) {
    const image = await clock.time('Container image', () =>
      buildImage({ inputs, artifacts, release: releaseInfo, binaryName, workingDirectory: cwd }),
    );
    summary.image = {
      refs: image.refs,
      digest: image.digest,
      platforms: image.platforms,
      pushed: image.pushed,
    };
    core.setOutput('image-refs', JSON.stringify(image.refs));
    if (image.digest) core.setOutput('image-digest', image.digest);
    if (image.metadata) core.setOutput('image-metadata', image.metadata);
  }

  if (inputs.upload) {
    const files = [
      ...artifacts.map((a) => ({ path: a.archive!.path, target: a.target })),
      { path: path.join(outputDir, inputs.checksumsFile) },
    ];
    const uploaded = await clock.time('Upload artifacts', () =>
      uploadArtifacts({
        files,
        rootDirectory: outputDir,
        mode: inputs.uploadMode,
        name: inputs.artifactName,
        retentionDays: inputs.retentionDays,
      }),
    );
    summary.uploads = uploaded.uploads;
    if (uploaded.skipped) summary.uploadSkippedReason = uploaded.skipped;
    core.setOutput('artifact-names', JSON.stringify(uploaded.uploads.map((u) => u.name)));
    core.setOutput('artifact-ids', JSON.stringify(uploaded.uploads.map((u) => u.id ?? null)));
  }
}
