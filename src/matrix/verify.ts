// Every reason a merge refuses its shards, decided from the manifests and what was found on disk. Each problem is one
// line naming the shard, the target or the setting that is wrong and what to change. Pure: table-tested.
import * as path from 'node:path';
import { checkInspection, type Inspection } from '../build/inspect.js';
import type { ReleaseInfo, Target } from '../types.js';
import { buildInfoSettings, differingKeys, type ShardBinary, type ShardManifest } from './manifest.js';

/** A downloaded shard: the artifact it came in and the manifest it holds. */
export interface ReceivedShard {
  name: string;
  id: number;
  manifest: ShardManifest;
}

/** What the merge job itself expects, from its own inputs and checkout. */
export interface MergeExpectation {
  /** The full targets list: every one must be built by exactly one shard. */
  targets: readonly Target[];
  /** target id -> the binary's path inside output-dir, from this job's binary-name and binary-template. */
  paths: ReadonlyMap<string, string>;
  /** What this job's checkout and inputs resolve (version, commit, commit time). */
  release: ReleaseInfo;
  service: { module: string; main: string; id: string };
  /** With image-distribute: the image name and the platforms the index must hold; null otherwise. */
  image: { name: string; platforms: readonly string[] } | null;
}

export interface ShardAssignment {
  shard: ReceivedShard;
  binary: ShardBinary;
}

export interface ShardSetCheck {
  problems: string[];
  /** target id -> the one shard that built it (only for targets built exactly once). */
  byTarget: Map<string, ShardAssignment>;
}

const SHOWN_VALUE = 80;

function show(value: string | undefined): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value);
  return text.length > SHOWN_VALUE ? `${text.slice(0, SHOWN_VALUE - 4)}..."` : text;
}

function names(shards: readonly ReceivedShard[]): string {
  return shards.map((s) => s.name).join(', ');
}

/** "Shards disagree on the commit: abc (shard a, b); def (shard c)" when the shards hold more than one value. */
function disagreement(
  shards: readonly ReceivedShard[],
  what: string,
  valueOf: (m: ShardManifest) => string,
): string[] {
  const groups = new Map<string, ReceivedShard[]>();
  for (const shard of shards) {
    const value = valueOf(shard.manifest);
    groups.set(value, [...(groups.get(value) ?? []), shard]);
  }
  if (groups.size <= 1) return [];
  const parts = [...groups].map(([value, group]) => `${show(value)} (${names(group)})`);
  return [
    `Shards disagree on ${what}: ${parts.join('; ')}. Every shard must build the same commit the same way.`,
  ];
}

// Keys with a check (and message) of their own.
const OWN_CHECKS = new Set([
  'release.commit',
  'release.version',
  'release.date',
  'go.version',
  'buildinfo.go',
]);

/** The build settings that differ between shards, one key at a time with each shard's value. */
function fingerprintDisagreement(shards: readonly ReceivedShard[]): string[] {
  const distinct = new Map<string, ReceivedShard>();
  for (const shard of shards) {
    if (!distinct.has(shard.manifest.fingerprint.sha256))
      distinct.set(shard.manifest.fingerprint.sha256, shard);
  }
  if (distinct.size <= 1) return [];
  const [first, ...others] = [...distinct.values()];
  const keys = new Set<string>();
  for (const other of others) {
    for (const key of differingKeys(
      first!.manifest.fingerprint.settings,
      other.manifest.fingerprint.settings,
    ))
      keys.add(key);
  }
  const shown = [...keys].filter((key) => !OWN_CHECKS.has(key)).sort();
  if (shown.length === 0) return []; // only keys reported by their own checks differ
  const details = shown.map((key) => {
    const values = shards.map((s) => `${s.name}: ${show(s.manifest.fingerprint.settings[key])}`);
    return `${key} (${values.join(', ')})`;
  });
  return [
    `Shards disagree on their build fingerprint; these settings differ: ${details.join('; ')}. ` +
      'Give every shard job the same build inputs (ldflags, build-tags, build-flags, build-env, cgo, the -X variables, main, binary-name, binary-template) and environment (GOFLAGS, GOEXPERIMENT).',
  ];
}

/** Why a path from a manifest cannot be used inside the download and output folders; null when it can. */
export function pathProblem(relative: string): string | null {
  if (relative === '' || relative.includes('\0')) return 'is empty or holds a NUL character';
  if (relative.includes('\\')) return 'holds a backslash (manifest paths are /-separated)';
  if (path.posix.isAbsolute(relative) || /^[A-Za-z]:/.test(relative)) return 'is absolute';
  const normalised = path.posix.normalize(relative);
  if (normalised === '..' || normalised.startsWith('../')) return 'leaves the shard folder';
  if (normalised !== relative || normalised === '.' || relative.endsWith('/'))
    return `is not a plain file path (it normalises to ${JSON.stringify(normalised)})`;
  return null;
}

/** The checks that need only the manifests: coverage, agreement, this job's expectations, paths, image parts. */
export function checkShardSet(shards: readonly ReceivedShard[], expected: MergeExpectation): ShardSetCheck {
  const problems: string[] = [];
  const byTarget = new Map<string, ShardAssignment>();
  const service = `${expected.service.module} (main package ${expected.service.main})`;
  if (shards.length === 0) {
    problems.push(
      `No shard artifacts of ${service} in this run. The shard jobs must run this action with mode: shard ` +
        'and succeed before the merge job starts (list them in its needs:).',
    );
    return { problems, byTarget };
  }

  for (const shard of shards) {
    const m = shard.manifest;
    if (m.name !== shard.name)
      problems.push(
        `${shard.name}: its manifest says it is ${m.name}; the artifact holds another shard's files.`,
      );
    if (m.service.id !== expected.service.id) {
      problems.push(
        `${shard.name}: it was built for ${m.service.module} (main package ${m.service.main}), not ${service}.`,
      );
    }
  }

  // Every target exactly once.
  const builders = new Map<string, Array<{ shard: ReceivedShard; binary: ShardBinary }>>();
  for (const shard of shards) {
    for (const binary of shard.manifest.binaries) {
      builders.set(binary.target, [...(builders.get(binary.target) ?? []), { shard, binary }]);
    }
  }
  const wanted = new Set(expected.targets.map((t) => t.id));
  const missing = expected.targets.filter((t) => !builders.has(t.id)).map((t) => t.id);
  if (missing.length > 0) {
    problems.push(
      `Missing targets: ${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} built by no shard ` +
        `(shards found: ${names(shards)}). Did a shard job fail or not run, or is a target missing from the matrix?`,
    );
  }
  for (const [target, found] of builders) {
    if (found.length > 1) {
      problems.push(
        `${target} was built twice, by ${names(found.map((f) => f.shard))}. Each target belongs in exactly one shard's targets.`,
      );
    } else if (!wanted.has(target)) {
      problems.push(
        `${target} was built by ${found[0]!.shard.name} but is not in this job's targets (${[...wanted].join(', ')}). Give the merge job the full targets list.`,
      );
    } else {
      byTarget.set(target, found[0]!);
    }
  }

  // One commit, version, commit time, Go and fingerprint.
  problems.push(...disagreement(shards, 'the commit', (m) => m.release.commit));
  problems.push(...disagreement(shards, 'the version', (m) => m.release.version));
  problems.push(...disagreement(shards, 'the commit time', (m) => m.release.date));
  problems.push(
    ...disagreement(
      shards,
      'the Go version (pin go-version to one exact release in every shard job)',
      (m) => m.go.version,
    ),
  );
  problems.push(...fingerprintDisagreement(shards));

  // The shards' release must be this job's: the archives hold its checkout's files and carry its version.
  const first = shards[0]!.manifest.release;
  const agree = (value: (r: ReleaseInfo) => string): boolean =>
    shards.every((s) => value(s.manifest.release) === value(first));
  if (agree((r) => r.commit) && expected.release.commit && first.commit !== expected.release.commit) {
    problems.push(
      `The shards built commit ${first.commit || '(unknown)'}, but this job's checkout is at ${expected.release.commit}. Check out the same commit in every job.`,
    );
  }
  if (agree((r) => r.version) && first.version !== expected.release.version) {
    problems.push(
      `The shards built version ${show(first.version)}, but this job resolves version ${show(expected.release.version)}. Give every job the same version input and ref.`,
    );
  }
  if (agree((r) => r.date) && first.date !== expected.release.date) {
    problems.push(
      `The shards stamped the commit time ${first.date}, but this job's checkout says ${expected.release.date}; archive timestamps would differ. Check out with git history for the commit (or the same SOURCE_DATE_EPOCH) in every job.`,
    );
  }

  // Paths: inside the folder, and where this job's names put them.
  for (const [target, { shard, binary }] of byTarget) {
    const problem = pathProblem(binary.path);
    if (problem) {
      problems.push(`${shard.name}: the path of ${target}, ${JSON.stringify(binary.path)}, ${problem}.`);
      continue;
    }
    const planned = expected.paths.get(target);
    if (planned !== undefined && planned !== binary.path) {
      problems.push(
        `${target}: ${shard.name} has it at ${binary.path}, but this job's binary-name and binary-template put it at ${planned}. Give the merge job the same binary-name and binary-template as the shards.`,
      );
    }
  }

  if (expected.image) problems.push(...imageProblems(shards, expected.image));
  return { problems, byTarget };
}

/** With image-distribute: every platform pushed by exactly one shard, to the image the merge assembles. */
function imageProblems(
  shards: readonly ReceivedShard[],
  image: { name: string; platforms: readonly string[] },
): string[] {
  const problems: string[] = [];
  const pushers = new Map<string, ReceivedShard[]>();
  for (const shard of shards) {
    const pushed = shard.manifest.image;
    if (!pushed) continue;
    if (pushed.name !== image.name) {
      problems.push(
        `${shard.name} pushed its platforms to ${pushed.name}, but this job assembles ${image.name}. Give every job the same image input.`,
      );
    }
    for (const platform of pushed.platforms) pushers.set(platform, [...(pushers.get(platform) ?? []), shard]);
  }
  for (const platform of image.platforms) {
    const found = pushers.get(platform) ?? [];
    if (found.length === 0) {
      problems.push(
        `No shard pushed the ${platform} image (image-distribute). Set image, push and image-distribute: true in the shard job that builds ${platform}.`,
      );
    } else if (found.length > 1) {
      problems.push(`The ${platform} image was pushed by two shards: ${names(found)}.`);
    }
  }
  return problems;
}

/** What the shard's zip holds for one binary. */
export type FoundFile = { kind: 'file'; size: number } | { kind: 'missing' };

export function checkDownloadedFile(shardName: string, binary: ShardBinary, found: FoundFile): string[] {
  if (found.kind === 'missing')
    return [`${shardName}: ${binary.path} (${binary.target}) is not in the artifact.`];
  if (found.size !== binary.size) {
    return [`${shardName}: ${binary.target} is ${found.size} bytes, its manifest says ${binary.size}.`];
  }
  return [];
}

/** The binary as written to output-dir: the manifest's SHA-256 and size, or the shard was changed. */
export function checkPlacedBytes(
  shardName: string,
  binary: ShardBinary,
  placed: { size: number; sha256: string },
): string[] {
  const problems: string[] = [];
  if (placed.sha256 !== binary.sha256) {
    problems.push(
      `${shardName}: ${binary.target} has SHA-256 ${placed.sha256}, its manifest says ${binary.sha256}.`,
    );
  }
  if (placed.size !== binary.size) {
    problems.push(
      `${shardName}: ${binary.target} is ${placed.size} bytes, its manifest says ${binary.size}.`,
    );
  }
  return problems;
}

/**
 * The binary as placed in output-dir, read again: its SHA-256 and size must be the manifest's, it must be what its
 * target promises (checkInspection), and its build info must say what the shard's fingerprint claims.
 */
export function checkReinspection(
  shard: ReceivedShard,
  binary: ShardBinary,
  target: Target,
  inspection: Inspection,
): string[] {
  const problems: string[] = [];
  const name = shard.name;
  if (inspection.sha256 !== binary.sha256) {
    problems.push(
      `${name}: ${target.id} has SHA-256 ${inspection.sha256}, its manifest says ${binary.sha256}.`,
    );
  }
  if (inspection.size !== binary.size) {
    problems.push(`${name}: ${target.id} is ${inspection.size} bytes, its manifest says ${binary.size}.`);
  }
  const cgo = shard.manifest.fingerprint.settings['cgo'] === 'true';
  for (const problem of checkInspection(inspection, target, { cgo })) problems.push(`${name}: ${problem}`);
  if (inspection.static !== binary.static) {
    problems.push(
      `${name}: ${target.id} is ${inspection.static ? '' : 'not '}static, its manifest says otherwise.`,
    );
  }
  if (inspection.buildInfo) {
    const settings = inspection.buildInfo.settings;
    const unlike = differingKeys(settings, binary.buildSettings);
    if (unlike.length > 0) {
      problems.push(
        `${name}: ${target.id}'s build settings are not its manifest's: ${unlike
          .map(
            (key) => `${key} is ${show(settings[key])}, the manifest says ${show(binary.buildSettings[key])}`,
          )
          .join('; ')}.`,
      );
    }
    const found = buildInfoSettings(inspection.buildInfo);
    const claimed = Object.fromEntries(
      Object.entries(shard.manifest.fingerprint.settings).filter(([key]) => key.startsWith('buildinfo.')),
    );
    const differing = differingKeys(found, claimed);
    if (differing.length > 0) {
      problems.push(
        `${name}: ${target.id}'s build info does not match the shard's fingerprint: ${differing
          .map((key) => `${key} is ${show(found[key])}, the manifest says ${show(claimed[key])}`)
          .join('; ')}.`,
      );
    }
  }
  return problems;
}
