// The names of shard artifacts, and which of a run's artifacts a merge job takes. A name carries the service (module
// and main package), the shard (its target set) and the run attempt, so two calls of a reusable workflow in one run,
// or two shards of one matrix, never collide; a re-run's shard supersedes the earlier attempt's. Pure.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Target } from '../types.js';

export const SHARD_PREFIX = 'gin-release-shard';

const HASH_LENGTH = 10;
// `_` only separates the parts; the label is for people and never parsed.
const NAME_PATTERN = new RegExp(
  `^${SHARD_PREFIX}_([a-z0-9.+-]*)_([0-9a-f]{${HASH_LENGTH}})_([0-9a-f]{${HASH_LENGTH}})_a([1-9]\\d{0,5})$`,
);
const MAX_LABEL = 48;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** `./cmd/server/`, `cmd/server` and `cmd\server` are one package; `.` is the module root. */
export function normaliseMain(main: string): string {
  const posix = path.posix.normalize(main.trim().replace(/\\/g, '/')).replace(/\/+$/, '');
  return posix === '' ? '.' : posix.replace(/^\.\//, '');
}

/** Which service a shard belongs to: the module path and the main package. */
export function serviceId(modulePath: string, main: string): string {
  return shortHash(`${modulePath}\n${normaliseMain(main)}`);
}

/** Which part of the release a shard is: its target set, in any order. */
export function shardKey(targets: readonly Pick<Target, 'id'>[]): string {
  return shortHash([...new Set(targets.map((t) => t.id))].sort().join(','));
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** `app-linux-amd64.linux-arm64`, shortened to `app-linux-amd64.linux-arm64.+3` when long. */
function label(binaryName: string, targets: readonly Pick<Target, 'id'>[]): string {
  const ids = targets.map((t) => slug(t.id.replace(/\//g, '-')));
  let shown = ids.length;
  const text = (count: number): string =>
    slug(
      `${binaryName}-${ids.slice(0, count).join('.')}${count < ids.length ? `.+${ids.length - count}` : ''}`,
    );
  while (shown > 1 && text(shown).length > MAX_LABEL) shown--;
  return text(shown).slice(0, MAX_LABEL);
}

export interface ShardName {
  /** The whole artifact name. */
  name: string;
  service: string;
  key: string;
  attempt: number;
}

export function shardArtifactName(options: {
  binaryName: string;
  modulePath: string;
  main: string;
  targets: readonly Pick<Target, 'id'>[];
  attempt: number;
}): ShardName {
  const service = serviceId(options.modulePath, options.main);
  const key = shardKey(options.targets);
  const name = `${SHARD_PREFIX}_${label(options.binaryName, options.targets)}_${service}_${key}_a${options.attempt}`;
  return { name, service, key, attempt: options.attempt };
}

/** The parts of a shard artifact's name; null for any other artifact. */
export function parseShardArtifactName(name: string): ShardName | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  return { name, service: match[2]!, key: match[3]!, attempt: Number(match[4]) };
}

/** GITHUB_RUN_ATTEMPT as a number; 1 outside Actions or when it is not a positive number. */
export function runAttempt(value: string | undefined): number {
  return value !== undefined && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : 1;
}

export interface ListedArtifact {
  name: string;
  id: number;
  size: number;
  digest?: string;
}

export interface ShardSelection<A extends ListedArtifact> {
  /** One artifact per shard key: the newest attempt's. */
  chosen: Array<A & { shard: ShardName }>;
  /** Earlier attempts of a chosen shard, left out. */
  superseded: Array<A & { shard: ShardName }>;
  /** Shards of this service from attempts after this one (a merge cannot see its own future; reported, not used). */
  later: Array<A & { shard: ShardName }>;
}

/**
 * The shards of one service among a run's artifacts. A re-run of failed jobs keeps the successful shards of the
 * earlier attempt and adds new ones, so per shard key the newest attempt up to this one wins. The list should come
 * from listArtifacts({ latest: true }); when a name is still listed twice, the higher id (the newer upload) wins.
 */
export function selectShards<A extends ListedArtifact>(
  listed: readonly A[],
  service: string,
  currentAttempt: number,
): ShardSelection<A> {
  const byKey = new Map<string, A & { shard: ShardName }>();
  const superseded: Array<A & { shard: ShardName }> = [];
  const later: Array<A & { shard: ShardName }> = [];
  for (const artifact of listed) {
    const shard = parseShardArtifactName(artifact.name);
    if (!shard || shard.service !== service) continue;
    const entry = { ...artifact, shard };
    if (shard.attempt > currentAttempt) {
      later.push(entry);
      continue;
    }
    const held = byKey.get(shard.key);
    const newer =
      !held ||
      shard.attempt > held.shard.attempt ||
      (shard.attempt === held.shard.attempt && artifact.id > held.id);
    if (!held) byKey.set(shard.key, entry);
    else if (newer) {
      superseded.push(held);
      byKey.set(shard.key, entry);
    } else superseded.push(entry);
  }
  const chosen = [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { chosen, superseded, later };
}
