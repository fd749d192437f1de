// Every output of the step and the job summary, written once from what the run reached, also after a failure:
// an output whose stage was reached is set; the others are left unset rather than set to something half-true.
import * as core from '@actions/core';
import type { RunState } from './state.js';
import { writeSummary, type SummaryData } from './summary.js';
import type { ArchiveInfo, ArtifactRecord } from './types.js';

/** The file with its release download URL, when the GitHub release has it (a failed one has none to give). */
function withUrl(file: ArchiveInfo | undefined, state: RunState): ArchiveInfo | undefined {
  const assets = state.publish?.outcome === 'failed' ? [] : (state.publish?.assets ?? []);
  const url = file && assets.find((asset) => asset.path === file.path)?.url;
  return file && url ? { ...file, url } : file;
}

/** One record per built binary, with what the later stages added (smoke result, archive). */
export function artifactRecords(state: RunState): ArtifactRecord[] {
  return (state.build?.artifacts ?? state.merge?.artifacts ?? []).map((artifact) => {
    const smoke = state.smoke?.results.get(artifact.target.id) ?? state.merge?.smoke.get(artifact.target.id);
    const cgoPackages = state.cgoAudit?.packages
      .filter((pkg) => pkg.goos.includes(artifact.target.goos))
      .map((pkg) => pkg.importPath);
    const archive = withUrl(state.package?.archives.get(artifact.target.id), state);
    const sbom = withUrl(state.package?.sboms?.get(artifact.target.id), state);
    return {
      target: artifact.target.id,
      goos: artifact.target.goos,
      goarch: artifact.target.goarch,
      variant: artifact.target.variant,
      path: artifact.path,
      size: artifact.size,
      sha256: artifact.sha256,
      static: artifact.static,
      ...(cgoPackages && !state.inputs?.cgo ? { cgoPackages } : {}),
      ...(state.inputs?.cgo && artifact.glibc ? { glibc: artifact.glibc } : {}),
      ...(smoke ? { smoke } : {}),
      ...(archive ? { archive } : {}),
      ...(sbom ? { sbom } : {}),
    };
  });
}

/** name -> value of every output the run reached, in action.yml's order. Pure. */
export function outputValues(state: RunState): Array<[string, string]> {
  const values: Array<[string, string]> = [];
  if (state.go) values.push(['go-version', state.go.version], ['go-source', state.go.source]);
  else if (state.merge?.goVersion) values.push(['go-version', state.merge.goVersion]);
  if (state.plan) {
    values.push(['dist-dir', state.plan.outputDir]);
    values.push(['cache-hit', String(state.cache?.summary.hit === 'exact')]);
  }
  if (state.build || state.merge) values.push(['artifacts', JSON.stringify(artifactRecords(state))]);
  if (state.package) values.push(['checksums-file', state.package.checksumsFile]);
  if (state.package) values.push(['subject-checksums', state.package.checksumsFile]);
  if (state.release) values.push(['version', state.release.version]);
  if (state.upload) {
    values.push(['artifact-names', JSON.stringify(state.upload.uploads.map((u) => u.name))]);
    values.push(['artifact-ids', JSON.stringify(state.upload.uploads.map((u) => u.id ?? null))]);
  }
  if (state.image) {
    if (state.image.digest) values.push(['image-digest', state.image.digest]);
    values.push(['image-refs', JSON.stringify(state.image.refs)]);
    if (state.image.metadata) values.push(['image-metadata', state.image.metadata]);
  }
  const published = state.publish?.outcome === 'failed' ? undefined : state.publish?.release;
  if (published) values.push(['release-url', published.url], ['release-id', String(published.id)]);
  if (state.shard) {
    const { record } = state.shard;
    values.push(
      ['artifact-names', JSON.stringify([record.name])],
      ['artifact-ids', JSON.stringify([record.id ?? null])],
    );
  }
  const shards = state.shard ? [state.shard.record] : state.merge?.shards;
  if (shards && shards.length > 0) values.push(['shards', JSON.stringify(shards)]);
  return values;
}

/** The release section of the summary: what the publish stage did, or why it did not run. Pure. */
function releaseSummary(state: RunState): SummaryData['release'] {
  const plan = state.plan?.publish;
  if (state.publish && plan) {
    const release = state.publish.release;
    return {
      status: state.publish.outcome,
      tag: state.publish.tag,
      ...(release ? { url: release.url, prerelease: release.prerelease } : {}),
      assets: state.publish.assets.map((asset) => ({ name: asset.name, size: asset.size, url: asset.url })),
      apiCalls: state.publish.calls.map(
        (call) => `${call.method} ${call.route} ${call.status || 'no answer'}`,
      ),
      repository: `${plan.owner}/${plan.repo}`,
      checksumsName: plan.assets.find((asset) => asset.kind === 'checksums')?.name ?? 'checksums.txt',
    };
  }
  if (plan && state.failed !== undefined) {
    return { status: 'failed', tag: plan.tag, assets: [], apiCalls: [] };
  }
  if (state.plan?.publishSkipped) {
    return { status: 'skipped', tag: '', assets: [], apiCalls: [], reason: state.plan.publishSkipped };
  }
  return undefined;
}

/** The summary's view of the run. Pure. */
export function summaryData(state: RunState): SummaryData {
  const release = releaseSummary(state);
  return {
    goVersion: state.go?.version ?? state.merge?.goVersion ?? '',
    goSource: state.go?.source ?? 'runner',
    version: state.release?.version ?? '',
    commit: state.release?.commit ?? '',
    artifacts: artifactRecords(state),
    stageTimings: state.timings,
    ...(state.merge && state.merge.shards.length > 0
      ? {
          shards: state.merge.shards,
          builtBy: Object.fromEntries(
            [...state.merge.builtBy].map(([target, shard]) => [target, shard.name]),
          ),
        }
      : {}),
    ...(state.shard ? { shards: [state.shard.record] } : {}),
    failures: state.failures,
    ...(state.cgoAudit ? { cgoAudit: { cgo: state.inputs?.cgo ?? false, lines: state.cgoAudit.lines } } : {}),
    ...(state.plan
      ? { cache: state.cache ? state.cache.summary : { hit: 'skipped' as const, detail: 'cache: false' } }
      : {}),
    ...(state.upload
      ? {
          uploads: state.upload.uploads,
          ...(state.upload.skipped ? { uploadSkippedReason: state.upload.skipped } : {}),
        }
      : {}),
    ...(release ? { release } : {}),
    ...(state.image
      ? {
          image: {
            refs: state.image.refs,
            ...(state.image.digest ? { digest: state.image.digest } : {}),
            platforms: state.image.platforms,
            pushed: state.image.pushed,
          },
        }
      : {}),
  };
}

/** Sets the outputs and writes the summary (only once the inputs were read: before that there is no run to show). */
export async function writeOutputs(state: RunState): Promise<void> {
  for (const [name, value] of outputValues(state)) core.setOutput(name, value);
  if (state.inputs) await writeSummary(summaryData(state));
}
