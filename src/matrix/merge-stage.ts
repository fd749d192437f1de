// The merge stage: instead of building, download this run's shards (each checked against the digest recorded at
// upload), verify them as a set, put every binary where a one-job build would, and read each one back. Hands on
// the same BuiltArtifact[] the build stage does, plus who built and smoke-tested each target.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as core from '@actions/core';
import { inspectBinary, InspectError, type Inspection } from '../build/inspect.js';
import { writeStreamAtomically } from '../files/safe-write.js';
import {
  openZipFile,
  readZipDirectory,
  zipEntryChunks,
  ZipFormatError,
  type ZipEntry,
  type ZipSource,
} from '../go/zip-reader.js';
import { BINARY_MODE } from '../package/entries.js';
import type { BuiltArtifact, SmokeResult } from '../types.js';
import { uploadAvailability } from '../upload/artifacts.js';
import { eventOf, runService, seconds, workerFailure, type ServiceRun } from '../services/client.js';
import type { ListedArtifactInfo, ServiceEvent } from '../services/protocol.js';
import { sha256File } from '../util/hash.js';
import {
  MANIFEST_FILE,
  ManifestError,
  parseShardManifest,
  shardRecord,
  type ShardImage,
  type ShardRecord,
} from './manifest.js';
import { selectShards, type ShardName } from './naming.js';
import type { MergeStagePlan, PlannedBinary } from './plan.js';
import {
  checkDownloadedFile,
  checkPlacedBytes,
  checkReinspection,
  checkShardSet,
  type FoundFile,
  type MergeExpectation,
  type ReceivedShard,
  type ShardAssignment,
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

/** A manifest is a few KiB; a larger entry is not read into memory. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

type Chosen = ListedArtifactInfo & { shard: ShardName };

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

/** A downloaded shard: its manifest and its zip, opened, with the entries by name. */
interface Download {
  shard: ReceivedShard;
  zip: ZipSource;
  entries: Map<string, ZipEntry>;
}

async function readEntry(zip: ZipSource, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of zipEntryChunks(zip, entry)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** What the service worker reported for one shard's download. */
type DownloadOutcome = Extract<ServiceEvent, { type: 'downloaded' | 'download-failed' }>;

/**
 * Opens one shard the worker downloaded as the blob it was uploaded as (the digest covers exactly those bytes) and
 * reads its manifest out of it. The zip is read here rather than extracted by the client: only the manifest and the
 * files it names are taken, each checked against its CRC-32, and nothing is ever written where an entry's name
 * says. A string is the reason the shard cannot be used.
 */
async function receive(
  artifact: Chosen,
  dir: string,
  outcome: DownloadOutcome | string,
): Promise<Download | string> {
  if (typeof outcome === 'string') return `${artifact.name}: the download did not finish: ${outcome}`;
  if (outcome.type === 'download-failed') return `${artifact.name}: the download failed: ${outcome.message}`;
  if (outcome.digestMismatch) {
    return `${artifact.name}: the downloaded bytes do not match the digest recorded at upload (${artifact.digest}); the artifact was changed or damaged after the shard job uploaded it.`;
  }
  const files = await fs.readdir(dir);
  if (files.length !== 1)
    return `${artifact.name}: the download gave ${files.length} files, not the one zip it was uploaded as.`;
  let zip: ZipSource | undefined;
  try {
    zip = await openZipFile(path.join(dir, files[0]!));
    // Names as archivers write them on any OS: '/'-separated.
    const entries = new Map(
      (await readZipDirectory(zip)).map((e) => [e.name.toString('utf8').replace(/\\/g, '/'), e]),
    );
    const manifestEntry = entries.get(MANIFEST_FILE);
    if (!manifestEntry || manifestEntry.size > MAX_MANIFEST_BYTES) {
      await zip.close();
      return manifestEntry
        ? `${artifact.name}: its ${MANIFEST_FILE} has ${manifestEntry.size} bytes, far more than a shard manifest.`
        : `${artifact.name}: it holds no ${MANIFEST_FILE}; it was not uploaded by gin-release in mode shard.`;
    }
    const text = (await readEntry(zip, manifestEntry)).toString('utf8');
    const manifest = parseShardManifest(JSON.parse(text) as unknown, `${artifact.name}/${MANIFEST_FILE}`);
    return { shard: { name: artifact.name, id: artifact.id, manifest }, zip, entries };
  } catch (error) {
    await zip?.close();
    if (error instanceof ManifestError || error instanceof SyntaxError)
      return `${artifact.name}: ${error.message}`;
    if (error instanceof ZipFormatError)
      return `${artifact.name}: it is not a readable zip: ${error.message}`;
    throw error;
  }
}

/** What the zip holds under `relative` (a path pathProblem accepted, so never a folder's). */
function findEntry(
  entries: ReadonlyMap<string, ZipEntry>,
  relative: string,
): { found: FoundFile; entry?: ZipEntry } {
  const entry = entries.get(relative);
  return entry ? { found: { kind: 'file', size: entry.size }, entry } : { found: { kind: 'missing' } };
}

/**
 * Writes one binary from its shard's zip to where a one-job build puts it, and reads it back: the manifest's bytes
 * (named as such whatever else they fail), then everything inspection checks. The problems when it is not.
 */
async function placeBinary(
  planned: PlannedBinary,
  { shard, binary }: ShardAssignment,
  download: Download,
  outputDir: string,
): Promise<BuiltArtifact | string[]> {
  const { found, entry } = findEntry(download.entries, binary.path);
  const missing = checkDownloadedFile(shard.name, binary, found);
  if (missing.length > 0 || !entry) return missing;
  try {
    // Written like every output: never through a link in its place, mode set whatever the umask.
    await writeStreamAtomically(
      planned.output,
      (sink) => pipeline(Readable.from(zipEntryChunks(download.zip, entry)), sink),
      { root: outputDir, mode: BINARY_MODE },
    );
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    return [`${shard.name}: ${planned.target.id} cannot be read from the shard: ${error.message}`];
  }
  // One read of the placed file: inspection hashes it too. The bytes are judged first, so a changed binary is named
  // by its hash and size whatever else it fails; only one that cannot be inspected is hashed on its own.
  let inspection: Inspection | InspectError;
  try {
    inspection = await inspectBinary(planned.output);
  } catch (error) {
    if (!(error instanceof InspectError)) throw error;
    inspection = error;
  }
  const bytes =
    inspection instanceof InspectError
      ? { size: (await fs.stat(planned.output)).size, sha256: await sha256File(planned.output) }
      : inspection;
  const changed = checkPlacedBytes(shard.name, binary, bytes);
  if (changed.length > 0) return changed;
  if (inspection instanceof InspectError)
    return [`${shard.name}: ${planned.target.id} cannot be read as a binary: ${inspection.message}`];
  const problems = checkReinspection(shard, binary, planned.target, inspection);
  if (problems.length > 0) return problems;
  const { size, sha256, static: isStatic, buildInfo } = inspection;
  return {
    target: planned.target,
    path: planned.output,
    size,
    sha256,
    static: isStatic,
    ...(buildInfo ? { buildInfo } : {}),
  };
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

/** Why a worker run gave no answer: the deadline (upload-timeout) or the worker's own failure. */
function serviceFailure(run: ServiceRun, timeoutMs: number): string {
  return run.ending === 'timeout'
    ? `the service worker did not finish within ${seconds(timeoutMs)} (upload-timeout) and was stopped`
    : workerFailure(run);
}

/**
 * Every chosen shard through the service worker, within upload-timeout, then each one opened. A shard without a
 * recorded digest is not downloaded: its bytes could not be verified.
 */
async function downloadShards(
  chosen: readonly Chosen[],
  workDir: string,
  timeoutMs: number,
): Promise<Array<Download | string>> {
  const verifiable = chosen.filter((artifact) => artifact.digest);
  const dirOf = (artifact: Chosen) => path.join(workDir, String(artifact.id));
  const run =
    verifiable.length > 0
      ? await runService(
          {
            op: 'download',
            downloads: verifiable.map((a) => ({ id: a.id, name: a.name, digest: a.digest!, path: dirOf(a) })),
          },
          { timeoutMs },
        )
      : undefined;
  // What a shard the worker never reported on is told: why the worker ended before it.
  const unfinished = run ? serviceFailure(run, timeoutMs) : '';
  const outcomes = new Map(
    (run?.events ?? []).flatMap((e) =>
      e.type === 'downloaded' || e.type === 'download-failed' ? [[e.id, e]] : [],
    ),
  );
  const received: Array<Download | string> = [];
  for (const artifact of chosen) {
    if (!artifact.digest) {
      received.push(
        `${artifact.name}: the artifact service has no digest for it, so its download cannot be verified. Was it uploaded by @actions/artifact 2 or newer?`,
      );
      continue;
    }
    received.push(await receive(artifact, dirOf(artifact), outcomes.get(artifact.id) ?? unfinished));
  }
  return received;
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
  const listing = await runService({ op: 'list-artifacts' }, { timeoutMs: plan.timeoutMs });
  const listed = eventOf(listing, 'listed')?.artifacts;
  if (!listed)
    throw new Error(`Listing this run's artifacts failed: ${serviceFailure(listing, plan.timeoutMs)}`);
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
  let shards: Download[] = [];
  try {
    const received = await downloadShards(selection.chosen, workDir, plan.timeoutMs);
    const problems = received.filter((r): r is string => typeof r === 'string');
    shards = received.filter((r): r is Download => typeof r !== 'string');
    if (problems.length > 0) return emptyResult(problems);

    const set = checkShardSet(
      shards.map((s) => s.shard),
      expectation(plan),
    );
    if (set.problems.length > 0) return emptyResult(set.problems);
    for (const { shard } of shards) {
      const converted = shard.manifest.checkout.converted;
      if (converted.length === 0) continue;
      core.warning(
        `${shard.name} was built from a checkout with ${converted.length} file(s) converted to CRLF (${converted.slice(0, 3).join(', ')}${converted.length > 3 ? ', ...' : ''}); binaries embedding them differ from a build on Linux or macOS.`,
      );
    }

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
    const downloads = new Map(shards.map((d) => [d.shard.name, d]));
    const result = emptyResult([]);
    for (const planned of plan.binaries) {
      const assigned = set.byTarget.get(planned.target.id)!;
      const placed = await placeBinary(
        planned,
        assigned,
        downloads.get(assigned.shard.name)!,
        plan.outputDir,
      );
      if (Array.isArray(placed)) {
        result.problems.push(...placed);
        continue;
      }
      result.artifacts.push(placed);
      if (assigned.binary.smoke) result.smoke.set(planned.target.id, assigned.binary.smoke);
      result.builtBy.set(planned.target.id, records.get(assigned.shard.name)!);
      const { runner } = assigned.shard.manifest;
      core.info(
        `${planned.target.id}: ${placed.sha256} from ${assigned.shard.name} (built on ${runner.os} ${runner.arch}), verified`,
      );
    }
    result.shards = [...records.values()];
    result.goVersion = shards[0]?.shard.manifest.go.version ?? '';
    result.images = shards.flatMap((s) => (s.shard.manifest.image ? [s.shard.manifest.image] : []));
    if (result.problems.length > 0) result.artifacts = [];
    return result;
  } finally {
    for (const download of shards) await download.zip.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
