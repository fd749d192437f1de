// The shard stage: after the build, inspection and smoke test of this job's targets, the binaries and a manifest
// go up as one workflow artifact for the merge job. Nothing is archived or released here.
import * as core from '@actions/core';
import { writeFileAtomically } from '../files/safe-write.js';
import type { ImageStageResult } from '../image/plan.js';
import type { SmokeStageResult } from '../smoke/stage.js';
import type { BuiltArtifact } from '../types.js';
import { uploadAvailability } from '../upload/artifacts.js';
import { runUploadStage } from '../upload/stage.js';
import { conversionWarning, findConvertedFiles } from './checkout.js';
import {
  buildInfoSettings,
  differingKeys,
  fingerprintOf,
  MANIFEST_SCHEMA,
  shardRecord,
  type ShardManifest,
  type ShardRecord,
} from './manifest.js';
import type { ShardStagePlan } from './plan.js';

export interface ShardStageResult {
  manifest: ShardManifest;
  record: ShardRecord;
}

/** zlib's default: Go binaries shrink to about half, which is most of the upload time saved. */
const COMPRESSION_LEVEL = 6;

/**
 * Each binary's build settings, as the build stage read them from the binary itself, and the target-independent
 * part they all share (a shard's binaries come from one go command, so a difference there is a bug, not a
 * configuration). Pure.
 */
function sharedBuildInfo(artifacts: readonly BuiltArtifact[]): {
  perTarget: Map<string, Record<string, string>>;
  common: Record<string, string>;
} {
  const perTarget = new Map<string, Record<string, string>>();
  let common: Record<string, string> | undefined;
  let from = '';
  for (const artifact of artifacts) {
    const info = artifact.buildInfo;
    if (!info) throw new Error(`${artifact.target.id}: no Go build info in ${artifact.path}`);
    perTarget.set(artifact.target.id, info.settings);
    const settings = buildInfoSettings(info);
    if (!common) {
      common = settings;
      from = artifact.target.id;
    } else if (differingKeys(common, settings).length > 0) {
      throw new Error(
        `${artifact.target.id} and ${from} disagree on ${differingKeys(common, settings).join(', ')} in their build info, though one job built them.`,
      );
    }
  }
  return { perTarget, common: common ?? {} };
}

/** `smoke` and `image` are those stages' results, when they ran; the image one holds the push by digest. */
export async function runShardStage(
  plan: ShardStagePlan,
  artifacts: readonly BuiltArtifact[],
  smoke: SmokeStageResult | undefined,
  image: ImageStageResult | undefined,
): Promise<ShardStageResult> {
  const availability = uploadAvailability(process.env);
  if (!availability.available) {
    throw new Error(
      `mode: shard hands its binaries to the merge job as a workflow artifact, which cannot be uploaded here: ${availability.reason}.`,
    );
  }
  const converted = await findConvertedFiles(plan.workingDirectory);
  const warning = conversionWarning(converted);
  if (warning) core.warning(warning, { title: 'gin-release: checkout differs from the commit' });

  const byTarget = new Map(artifacts.map((a) => [a.target.id, a]));
  const buildInfo = sharedBuildInfo(artifacts);
  const manifest: ShardManifest = {
    schema: MANIFEST_SCHEMA,
    name: plan.artifactName,
    service: plan.service,
    shard: { key: plan.key, attempt: plan.attempt, targets: plan.binaries.map((b) => b.target.id) },
    runner: plan.runner,
    release: plan.release,
    go: { version: plan.goVersion },
    fingerprint: fingerprintOf({ ...plan.settings, ...buildInfo.common }),
    binaries: plan.binaries.map((planned) => {
      const artifact = byTarget.get(planned.target.id);
      if (!artifact) throw new Error(`${planned.target.id} was not built, so there is no shard to upload`);
      const result = smoke?.results.get(planned.target.id);
      return {
        target: planned.target.id,
        path: planned.path,
        size: artifact.size,
        sha256: artifact.sha256,
        static: artifact.static,
        buildSettings: buildInfo.perTarget.get(planned.target.id) ?? {},
        ...(result ? { smoke: result } : {}),
      };
    }),
    image: image?.byDigest ?? null,
    checkout: { converted },
  };
  await writeFileAtomically(plan.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, {
    root: plan.rootDirectory,
  });

  const files = [...plan.binaries.map((b) => b.output), plan.manifestPath];
  core.info(`Uploading shard ${plan.artifactName}: ${manifest.shard.targets.join(', ')}`);
  // Through the service worker like every upload, so a hanging artifact service ends at upload-timeout. The name
  // carries the run attempt, so a re-run never meets its earlier attempt's shard.
  const uploaded = await runUploadStage({
    uploads: [{ name: plan.artifactName, files, compressionLevel: COMPRESSION_LEVEL }],
    rootDirectory: plan.rootDirectory,
    ...(plan.retentionDays !== undefined ? { retentionDays: plan.retentionDays } : {}),
    overwrite: false,
    timeoutMs: plan.uploadTimeoutMs,
  });
  const response = uploaded.uploads[0];
  if (uploaded.problems?.length || !response) {
    // The upload stage's problem already names the artifact, the cause and the way out.
    throw new Error(
      uploaded.problems?.join('\n') ?? `Uploading shard ${plan.artifactName} failed: nothing was uploaded`,
    );
  }
  core.info(`Uploaded shard ${plan.artifactName} (id ${response.id}, ${response.size ?? 0} bytes)`);
  return {
    manifest,
    record: shardRecord(manifest, {
      ...(response.id !== undefined ? { id: response.id } : {}),
      ...(response.digest !== undefined ? { digest: `sha256:${response.digest}` } : {}),
      ...(response.size !== undefined ? { size: response.size } : {}),
    }),
  };
}
