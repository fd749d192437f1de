// The package stage: one archive per built binary (or the bare binary for format none), an SBOM beside each
// (when on), and one checksums file over all of them.
import * as path from 'node:path';
import type { ArchiveInfo, BuiltArtifact } from '../types.js';
import { writeSbom, type SbomPlan } from '../sbom/write.js';
import { inPool } from '../util/pool.js';
import { archiveExtension, createArchive, resolveExtraFiles, type ArchivePlan } from './archive.js';
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
  /** `<archive>.sbom.json` per archive from the binary's build info; null when archive-sbom is off. */
  sbom?: SbomPlan | null;
}

export interface PackageStageResult {
  /** Keyed by target id. */
  archives: Map<string, ArchiveInfo>;
  /** Keyed by target id; empty when archive-sbom is off. */
  sboms?: Map<string, ArchiveInfo>;
  /** Absolute path of the checksums file. */
  checksumsFile: string;
}

export async function runPackageStage(
  plan: PackageStagePlan,
  artifacts: readonly BuiltArtifact[],
): Promise<PackageStageResult> {
  // Never archived, whatever archive-files says: .git, and output-dir (this run's binaries, earlier archives).
  const ownFiles = [
    ...artifacts.map((artifact) => artifact.path),
    ...plan.archives
      .filter((archive) => archive.format !== 'none')
      .map((archive) => archive.outputPath + archiveExtension(archive.format)),
    path.join(plan.outputDir, plan.checksumsFile),
  ];
  const extraFiles = await resolveExtraFiles(plan.workingDirectory, plan.extraFilePatterns, {
    outputDir: plan.outputDir,
    ownFiles,
  });
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
      outputDir: plan.outputDir,
      epoch: plan.epoch,
    });
    const sbom = plan.sbom ? await writeSbom(plan.sbom, artifact, info.path) : undefined;
    return { id: artifact.target.id, info, sbom };
  });
  const archives = new Map(made.map((m) => [m.id, m.info]));
  const sboms = new Map(made.flatMap((m) => (m.sbom ? [[m.id, m.sbom] as const] : [])));
  const listed = made.flatMap((m) => [m.info, ...(m.sbom ? [m.sbom] : [])]);
  const checksumsFile = await writeChecksums(
    plan.outputDir,
    plan.checksumsFile,
    listed.map((file) => file.path),
    // Each was hashed as it was written.
    new Map(listed.map((file) => [file.path, file.sha256])),
  );
  return { archives, sboms, checksumsFile };
}
