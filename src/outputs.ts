// Every output of the step and the job summary, written once from what the run reached, also after a failure:
// an output whose stage was reached is set; the others are left unset rather than set to something half-true.
import * as core from '@actions/core';
import type { RunState } from './state.js';
import { writeSummary, type SummaryData } from './summary.js';
import type { ArtifactRecord } from './types.js';

/** One record per built binary, with what the later stages added (smoke result, archive). */
export function artifactRecords(state: RunState): ArtifactRecord[] {
  return (state.build?.artifacts ?? state.merge?.artifacts ?? []).map((artifact) => {
    const smoke = state.smoke?.results.get(artifact.target.id) ?? state.merge?.smoke.get(artifact.target.id);
    const archive = state.package?.archives.get(artifact.target.id);
    return {
      target: artifact.target.id,
      goos: artifact.target.goos,
      goarch: artifact.target.goarch,
      variant: artifact.target.variant,
      path: artifact.path,
      size: artifact.size,
      sha256: artifact.sha256,
      static: artifact.static,
      ...(smoke ? { smoke } : {}),
      ...(archive ? { archive } : {}),
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

/** The summary's view of the run. Pure. */
export function summaryData(state: RunState): SummaryData {
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
    ...(state.plan
      ? { cache: state.cache ? state.cache.summary : { hit: 'skipped' as const, detail: 'cache: false' } }
      : {}),
    ...(state.upload
      ? {
          uploads: state.upload.uploads,
          ...(state.upload.skipped ? { uploadSkippedReason: state.upload.skipped } : {}),
        }
      : {}),
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
