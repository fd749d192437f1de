// The merge stage: instead of building, download this run's shards (each checked against the digest recorded at
// upload), verify them as a set, put every binary where a one-job build would, and read each one back. Hands on
// the same BuiltArtifact[] the build stage does, plus who built and smoke-tested each target.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient, type Artifact } from '@actions/artifact';
import { inspectBinary, InspectError } from '../build/inspect.js';
import { errorMessage } from '../errors.js';
import type { BuiltArtifact, SmokeResult } from '../types.js';
import { uploadAvailability } from '../upload/artifacts.js';
import { inPool } from '../util/pool.js';
import {
  MANIFEST_FILE,
  ManifestError,
  parseShardManifest,
  shardRecord,
  type ShardImage,
  type ShardRecord,
} from './manifest.js';
import { selectShards, type ShardName } from './naming.js';
import type { MergeStagePlan } from './plan.js';
import {
  checkDownloadedFile,
  checkReinspection,
  checkShardSet,
  type FoundFile,
  type MergeExpectation,
  type ReceivedShard,
} from './verify.js';

export interface MergeStageResult {
  /** In the targets' order; only when every check passed. */
  artifacts: BuiltArtifact[];
  /** The shards' smoke results, by target. */
  smoke: Map<string, SmokeResult>;
  /** target id -> the shard that built and smoke-tested it. */
  builtBy: Map<string, ShardRecord>;
  shards: ShardRecord[];
  /** The Go every shard used ('' when they were not read). */
  goVersion: string;
  /** With image-distribute: what each shard pushed by digest. */
  images: ShardImage[];
  /** One line per refusal; empty when the shards make one release. */
  problems: string[];
}

const DOWNLOADS_AT_ONCE = 3;

type Chosen = Artifact & { shard: ShardName };

function emptyResult(problems: string[]): MergeStageResult {
  return {
    artifacts: [],
    smoke: new Map(),
    builtBy: new Map(),
    shards: [],
    goVersion: '',
    images: [],
    problems,
  };
}

/** Downloads one shard with its digest checked and reads its manifest; a string is the reason it cannot be used. */
async function receive(
  client: DefaultArtifactClient,
  artifact: Chosen,
  into: string,
): Promise<{ shard: ReceivedShard; dir: string } | string> {
  if (!artifact.digest) {
    return `${artifact.name}: the artifact service has no digest for it, so its download cannot be verified. Was it uploaded by @actions/artifact 2 or newer?`;
  }
  const dir = path.join(into, String(artifact.id));
  let mismatch: boolean | undefined;
  try {
    ({ digestMismatch: mismatch } = await client.downloadArtifact(artifact.id, {
      path: dir,
      expectedHash: artifact.digest,
    }));
  } catch (error) {
    return `${artifact.name}: the download failed: ${errorMessage(error)}`;
  }
  if (mismatch) {
    return `${artifact.name}: the downloaded bytes do not match the digest recorded at upload (${artifact.digest}); the artifact was changed or damaged after the shard job uploaded it.`;
  }
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return `${artifact.name}: it holds no ${MANIFEST_FILE}; it was not uploaded by gin-release in mode shard.`;
  }
  try {
    const manifest = parseShardManifest(JSON.parse(text) as unknown, `${artifact.name}/${MANIFEST_FILE}`);
    return { shard: { name: artifact.name, id: artifact.id, manifest }, dir };
  } catch (error) {
    if (error instanceof ManifestError || error instanceof SyntaxError)
      return `${artifact.name}: ${error.message}`;
    throw error;
  }
}

/** What is at `relative` inside `dir`, without following a link out of it. */
async function findFile(dir: string, relative: string): Promise<{ found: FoundFile; file: string }> {
  const file = path.join(dir, ...relative.split('/'));
  try {
    const stat = await fs.lstat(file);
    const real = await fs.realpath(file);
    const realDir = await fs.realpath(dir);
    if (!stat.isFile() || !real.startsWith(realDir + path.sep))
      return { found: { kind: 'not-a-file' }, file };
    return { found: { kind: 'file', size: stat.size }, file };
  } catch {
    return { found: { kind: 'missing' }, file };
  }
}

function expectation(plan: MergeStagePlan): MergeExpectation {
  return {
    targets: plan.targets,
    paths: new Map(plan.binaries.map((b) => [b.target.id, b.path])),
    release: plan.release,
    service: plan.service,
    image: plan.image,
  };
}

/** Each refusal as its own error annotation, then the result. */
function refused(result: MergeStageResult): MergeStageResult {
  for (const problem of result.problems) core.error(problem, { title: 'gin-release: merge refused' });
  return result;
}

export async function runMergeStage(plan: MergeStagePlan): Promise<MergeStageResult> {
  return refused(await mergeShards(plan));
}

async function mergeShards(plan: MergeStagePlan): Promise<MergeStageResult> {
  const availability = uploadAvailability(process.env);
  if (!availability.available) {
    throw new Error(
      `mode: merge reads the shards from this run's workflow artifacts, which cannot be reached here: ${availability.reason}.`,
    );
  }
  const client = new DefaultArtifactClient();
  const { artifacts: listed } = await client.listArtifacts({ latest: true });
  const selection = selectShards(listed, plan.service.id, plan.attempt);
  for (const old of selection.superseded)
    core.info(`Left out ${old.name}: a later attempt of that shard is here.`);
  for (const later of selection.later)
    core.warning(
      `Left out ${later.name}: it is from attempt ${later.shard.attempt}, after this job's attempt ${plan.attempt}.`,
    );
  core.info(
    `Shards of ${plan.service.module} (${plan.service.main}) in this run: ${selection.chosen.map((c) => c.name).join(', ') || 'none'} (of ${listed.length} artifacts)`,
  );

  const workDir = path.join(
    process.env['RUNNER_TEMP'] || os.tmpdir(),
    `gin-release-merge-${randomBytes(6).toString('hex')}`,
  );
  await fs.mkdir(workDir, { recursive: true });
  try {
    const received = await inPool(selection.chosen, DOWNLOADS_AT_ONCE, (artifact) =>
      receive(client, artifact, workDir),
    );
    const problems = received.filter((r): r is string => typeof r === 'string');
    const shards = received.filter((r): r is { shard: ReceivedShard; dir: string } => typeof r !== 'string');
    if (problems.length > 0) return emptyResult(problems);

    const set = checkShardSet(
      shards.map((s) => s.shard),
      expectation(plan),
    );
    if (set.problems.length > 0) return emptyResult(set.problems);

    const records = new Map(
      shards.map(({ shard }) => {
        const artifact = selection.chosen.find((c) => c.id === shard.id)!;
        return [
          shard.name,
          shardRecord(shard.manifest, {
            id: artifact.id,
            size: artifact.size,
            ...(artifact.digest ? { digest: artifact.digest } : {}),
          }),
        ];
      }),
    );
    const dirs = new Map(shards.map((s) => [s.shard.name, s.dir]));
    const result = emptyResult([]);
    for (const planned of plan.binaries) {
      const { shard, binary } = set.byTarget.get(planned.target.id)!;
      const { found, file } = await findFile(dirs.get(shard.name)!, binary.path);
      const fileProblems = checkDownloadedFile(shard.name, binary, found);
      if (fileProblems.length > 0) {
        result.problems.push(...fileProblems);
        continue;
      }
      await fs.mkdir(path.dirname(planned.output), { recursive: true });
      await fs.copyFile(file, planned.output);
      await fs.chmod(planned.output, 0o755);
      let inspection;
      try {
        inspection = await inspectBinary(planned.output);
      } catch (error) {
        if (!(error instanceof InspectError)) throw error;
        result.problems.push(
          `${shard.name}: ${planned.target.id} cannot be read as a binary: ${error.message}`,
        );
        continue;
      }
      const inspectProblems = checkReinspection(shard, binary, planned.target, inspection);
      if (inspectProblems.length > 0) {
        result.problems.push(...inspectProblems);
        continue;
      }
      result.artifacts.push({
        target: planned.target,
        path: planned.output,
        size: inspection.size,
        sha256: inspection.sha256,
        static: inspection.static,
      });
      if (binary.smoke) result.smoke.set(planned.target.id, binary.smoke);
      result.builtBy.set(planned.target.id, records.get(shard.name)!);
      core.info(
        `${planned.target.id}: ${binary.sha256} from ${shard.name} (built on ${shard.manifest.runner.os} ${shard.manifest.runner.arch}), verified`,
      );
    }
    result.shards = [...records.values()];
    result.goVersion = shards[0]?.shard.manifest.go.version ?? '';
    result.images = shards.flatMap((s) => (s.shard.manifest.image ? [s.shard.manifest.image] : []));
    if (result.problems.length > 0) result.artifacts = [];
    return result;
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
