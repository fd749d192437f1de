// Writes `<archive>.sbom.json` next to each archive (or bare binary), from the binary's own build info.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { findBuildInfo } from '../build/buildinfo.js';
import { writeFileAtomically } from '../files/safe-write.js';
import type { ArchiveInfo, BuiltArtifact } from '../types.js';
import { sha256Hex } from '../util/hash.js';
import { ACTION_NAME, ACTION_VERSION } from '../version.js';
import { buildSbom, formatSbom } from './cyclonedx.js';

/** What the SBOMs of one run share: the release version and the commit time they are stamped with. */
export interface SbomPlan {
  version: string;
  /** RFC 3339 commit time. */
  date: string;
}

/** The SBOM's path for the file it travels with: `app_1.2.3_linux_amd64.tar.gz.sbom.json` (goreleaser's naming). */
export function sbomPathFor(subjectPath: string): string {
  return `${subjectPath}.sbom.json`;
}

/** Reads the binary's build info and writes the SBOM for it beside `subjectPath`; returns its path, size and hash. */
export async function writeSbom(
  plan: SbomPlan,
  artifact: BuiltArtifact,
  subjectPath: string,
): Promise<ArchiveInfo> {
  // Read when the binary was inspected; read here only for a binary that came from elsewhere.
  const buildInfo = artifact.buildInfo ?? findBuildInfo(await fs.readFile(artifact.path));
  if (!buildInfo) {
    throw new Error(
      `No SBOM for ${artifact.target.id}: ${artifact.path} carries no Go build info (it needs Go 1.18 or newer)`,
    );
  }
  const text = formatSbom(
    buildSbom({
      buildInfo,
      binary: { fileName: path.basename(artifact.path), sha256: artifact.sha256, target: artifact.target },
      subject: path.basename(subjectPath),
      version: plan.version,
      date: plan.date,
      tool: { name: ACTION_NAME, version: ACTION_VERSION },
    }),
  );
  const target = sbomPathFor(subjectPath);
  // Through a temporary file, so an interrupted run never leaves half a document under the final name, and
  // never through a link in its place (its folder is the archive's, made real when output-dir was claimed).
  await writeFileAtomically(target, text, { root: path.dirname(target) });
  return { path: target, size: Buffer.byteLength(text), sha256: sha256Hex(text) };
}
