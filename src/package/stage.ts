// The package stage: one archive per built binary (or the bare binary for format none) and one checksums file
// over all of them.
import * as path from 'node:path';
import type { ArchiveInfo, BuiltArtifact } from '../types.js';
import { inPool } from '../util/pool.js';
import { createArchive, resolveExtraFiles, type ArchivePlan } from './archive.js';
import { writeChecksums } from './checksums.js';

export interface PackageStagePlan {
  archives: ArchivePlan[];
  /** archive-files patterns, relative to workingDirectory. */
  extraFilePatterns: string[];
  workingDirectory: string;
  outputDir: string;
  /** File name of the checksums file inside outputDir. */
  checksumsFile: string;
  /** Every mtime inside the archives (the commit time). */
  epoch: number;
  parallelism: number;
}

export interface PackageStageResult {
  /** Keyed by target id. */
  archives: Map<string, ArchiveInfo>;
  /** Absolute path of the checksums file. */
  checksumsFile: string;
}

export async function runPackageStage(
  plan: PackageStagePlan,
  artifacts: readonly BuiltArtifact[],
): Promise<PackageStageResult> {
  const extraFiles = await resolveExtraFiles(plan.workingDirectory, plan.extraFilePatterns);
  const planFor = new Map(plan.archives.map((archive) => [archive.target.id, archive]));
  // Compression runs on libuv's thread pool, so archives are made concurrently, as many as builds.
  const made = await inPool(artifacts, plan.parallelism, async (artifact) => {
    const archive = planFor.get(artifact.target.id);
    if (!archive) throw new Error(`No archive was planned for ${artifact.target.id}`);
    const info = await createArchive({
      binaryPath: artifact.path,
      binaryNameInArchive: path.basename(artifact.path),
      target: artifact.target,
      format: archive.format,
      extraFiles,
      outputPath: archive.outputPath,
      epoch: plan.epoch,
    });
    return [artifact.target.id, info] as const;
  });
  const archives = new Map(made);
  const checksumsFile = await writeChecksums(
    plan.outputDir,
    plan.checksumsFile,
    [...archives.values()].map((archive) => archive.path),
  );
  return { archives, checksumsFile };
}
