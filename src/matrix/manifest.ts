// The manifest a shard uploads next to its binaries: what was built from which commit with which Go and settings,
// each binary's SHA-256, size and smoke result, and who built it. The fingerprint covers every input that changes
// a binary's bytes, so shards built differently are refused at the merge rather than shipped side by side. Pure.
import { createHash } from 'node:crypto';
import { parseTarget, TARGET_VARIABLES, TargetError } from '../build/targets.js';
import type { GoBuildInfo } from '../build/buildinfo.js';
import type { ReleaseInfo, SmokeResult } from '../types.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SCHEMA = 'gin-release.shard.v1';

/** The job and machine a shard ran on, as the runner names them. */
export interface ShardRunner {
  /** RUNNER_OS: Linux, macOS, Windows. */
  os: string;
  /** RUNNER_ARCH: X64, ARM64, ... */
  arch: string;
  /** RUNNER_NAME. */
  name: string;
  /** GITHUB_JOB: the job id in the workflow. */
  job: string;
  /** What the action ran on, Go's spelling: linux/arm64. */
  platform: string;
}

export interface ShardBinary {
  target: string;
  /** Inside the artifact, `/`-separated: the same path the binary has inside output-dir. */
  path: string;
  size: number;
  sha256: string;
  static: boolean;
  /** Every `build` setting of the binary's own Go build info (GOOS, GOARCH, GOAMD64, -trimpath, CGO_ENABLED, ...). */
  buildSettings: Record<string, string>;
  smoke?: SmokeResult;
}

/** A shard's own platforms of the image, pushed by digest (image-distribute). */
export interface ShardImage {
  name: string;
  /** The pushed manifest (one platform) or index (several). */
  digest: string;
  platforms: string[];
}

export interface ShardManifest {
  schema: typeof MANIFEST_SCHEMA;
  /** The artifact name it was uploaded under. */
  name: string;
  service: { module: string; main: string; id: string };
  shard: { key: string; attempt: number; targets: string[] };
  runner: ShardRunner;
  release: ReleaseInfo;
  go: { version: string };
  fingerprint: { sha256: string; settings: Record<string, string> };
  binaries: ShardBinary[];
  image: ShardImage | null;
  /** Files whose checkout differs from the commit (CRLF conversion): the bytes of embedded files may differ. */
  checkout: { converted: string[] };
}

/** Build info settings that differ by target by design; everything else must be the same in every binary. */
const TARGET_SETTINGS = new Set([...TARGET_VARIABLES.filter((name) => name !== 'CGO_ENABLED'), '-buildmode']);
/**
 * What a binary's own build info says about how it was built, minus what differs by target: the Go release (with
 * its GOEXPERIMENTs), the main module, the dependencies and the build settings. Read from each binary again at the
 * merge, so a manifest cannot claim settings its binaries do not have.
 */
export function buildInfoSettings(info: GoBuildInfo): Record<string, string> {
  const settings: Record<string, string> = {
    'buildinfo.go': info.goVersion,
    'buildinfo.path': info.path,
    'buildinfo.mod': info.mainModule ? `${info.mainModule.path} ${info.mainModule.version}` : '',
    'buildinfo.deps': info.deps.map((d) => `${d.path}@${d.version}`).join(' '),
  };
  for (const [key, value] of Object.entries(info.settings)) {
    // With cgo, the C flags can be set per operating system on purpose; they are not compared across targets.
    if (!TARGET_SETTINGS.has(key) && !key.startsWith('CGO_')) settings[`buildinfo.${key}`] = value;
  }
  if (info.settings['CGO_ENABLED'] !== undefined)
    settings['buildinfo.CGO_ENABLED'] = info.settings['CGO_ENABLED'];
  return settings;
}

/** Keys in byte order, so the same settings always hash alike. */
export function canonicalSettings(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function fingerprintOf(settings: Record<string, string>): {
  sha256: string;
  settings: Record<string, string>;
} {
  const canonical = canonicalSettings(settings);
  return {
    sha256: createHash('sha256').update(JSON.stringify(canonical)).digest('hex'),
    settings: canonical,
  };
}

/** Keys whose values differ between two settings maps (a key missing from one counts). */
export function differingKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => a[key] !== b[key]).sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a manifest back: every field checked, so a merge never acts on a half-understood shard.

export class ManifestError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly source: string) {}

  private fail(where: string, what: string): void {
    this.problems.push(`${where} ${what}`);
  }
  object(value: unknown, where: string): Json {
    if (isObject(value)) return value;
    this.fail(where, 'must be an object');
    return {};
  }
  string(value: unknown, where: string, pattern?: RegExp): string {
    if (typeof value !== 'string') {
      this.fail(where, 'must be a string');
      return '';
    }
    if (pattern && !pattern.test(value))
      this.fail(where, `is ${JSON.stringify(value)}, not of the form ${pattern}`);
    return value;
  }
  count(value: unknown, where: string, min = 0): number {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    this.fail(where, `must be a whole number of at least ${min}`);
    return min;
  }
  boolean(value: unknown, where: string): boolean {
    if (typeof value === 'boolean') return value;
    this.fail(where, 'must be true or false');
    return false;
  }
  strings(value: unknown, where: string): string[] {
    if (!Array.isArray(value)) {
      this.fail(where, 'must be a list');
      return [];
    }
    return value.map((item, index) => this.string(item, `${where}[${index}]`));
  }
  error(): ManifestError {
    return new ManifestError(`${this.source}: ${this.problems.join('; ')}`);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function readSmoke(r: Reader, value: unknown, where: string): SmokeResult | undefined {
  if (value === undefined) return undefined;
  const smoke = r.object(value, where);
  const status = r.string(smoke['status'], `${where}.status`, /^(passed|failed|skipped)$/);
  const result: SmokeResult = {
    status: status as SmokeResult['status'],
    reason: r.string(smoke['reason'] ?? '', `${where}.reason`),
  };
  for (const key of ['readyMs', 'shutdownMs', 'attempts', 'answeredPort'] as const) {
    if (smoke[key] !== undefined) result[key] = r.count(smoke[key], `${where}.${key}`);
  }
  for (const key of ['runner', 'healthPath'] as const) {
    if (smoke[key] !== undefined) result[key] = r.string(smoke[key], `${where}.${key}`);
  }
  for (const key of ['logTail', 'warnings', 'notices'] as const) {
    if (smoke[key] !== undefined) result[key] = r.strings(smoke[key], `${where}.${key}`);
  }
  return result;
}

/** The manifest of a downloaded shard, checked field by field. Throws ManifestError listing every problem. */
export function parseShardManifest(value: unknown, source: string): ShardManifest {
  const r = new Reader(source);
  const top = r.object(value, 'the manifest');
  if (top['schema'] !== MANIFEST_SCHEMA) {
    throw new ManifestError(
      `${source}: schema is ${JSON.stringify(top['schema'])}, not ${MANIFEST_SCHEMA}; was the shard made by another version of gin-release?`,
    );
  }
  const service = r.object(top['service'], 'service');
  const shard = r.object(top['shard'], 'shard');
  const runner = r.object(top['runner'], 'runner');
  const release = r.object(top['release'], 'release');
  const go = r.object(top['go'], 'go');
  const fingerprint = r.object(top['fingerprint'], 'fingerprint');
  const settings = r.object(fingerprint['settings'], 'fingerprint.settings');
  const checkout = r.object(top['checkout'], 'checkout');

  const manifest: ShardManifest = {
    schema: MANIFEST_SCHEMA,
    name: r.string(top['name'], 'name'),
    service: {
      module: r.string(service['module'], 'service.module'),
      main: r.string(service['main'], 'service.main'),
      id: r.string(service['id'], 'service.id', /^[0-9a-f]{10}$/),
    },
    shard: {
      key: r.string(shard['key'], 'shard.key', /^[0-9a-f]{10}$/),
      attempt: r.count(shard['attempt'], 'shard.attempt', 1),
      targets: r.strings(shard['targets'], 'shard.targets'),
    },
    runner: {
      os: r.string(runner['os'], 'runner.os'),
      arch: r.string(runner['arch'], 'runner.arch'),
      name: r.string(runner['name'], 'runner.name'),
      job: r.string(runner['job'], 'runner.job'),
      platform: r.string(runner['platform'], 'runner.platform'),
    },
    release: {
      version: r.string(release['version'], 'release.version'),
      commit: r.string(release['commit'], 'release.commit'),
      date: r.string(release['date'], 'release.date'),
      epoch: r.count(release['epoch'], 'release.epoch'),
      ref: r.string(release['ref'], 'release.ref'),
    },
    go: { version: r.string(go['version'], 'go.version', /^\d+\.\d+/) },
    fingerprint: {
      sha256: r.string(fingerprint['sha256'], 'fingerprint.sha256', SHA256),
      settings: Object.fromEntries(
        Object.entries(settings).map(([key, v]) => [key, r.string(v, `fingerprint.settings.${key}`)]),
      ),
    },
    binaries: [],
    image: null,
    checkout: { converted: r.strings(checkout['converted'] ?? [], 'checkout.converted') },
  };

  if (!Array.isArray(top['binaries']) || top['binaries'].length === 0) {
    r.problems.push('binaries must be a list of at least one binary');
  } else {
    top['binaries'].forEach((item: unknown, index) => {
      const where = `binaries[${index}]`;
      const binary = r.object(item, where);
      const target = r.string(binary['target'], `${where}.target`);
      try {
        if (parseTarget(target).id !== target)
          r.problems.push(`${where}.target ${target} is not in canonical form`);
      } catch (error) {
        if (!(error instanceof TargetError)) throw error;
        r.problems.push(`${where}.target: ${error.message}`);
      }
      const smoke = readSmoke(r, binary['smoke'], `${where}.smoke`);
      manifest.binaries.push({
        target,
        path: r.string(binary['path'], `${where}.path`),
        size: r.count(binary['size'], `${where}.size`),
        sha256: r.string(binary['sha256'], `${where}.sha256`, SHA256),
        static: r.boolean(binary['static'], `${where}.static`),
        buildSettings: Object.fromEntries(
          Object.entries(r.object(binary['buildSettings'], `${where}.buildSettings`)).map(([key, value]) => [
            key,
            r.string(value, `${where}.buildSettings.${key}`),
          ]),
        ),
        ...(smoke ? { smoke } : {}),
      });
    });
  }

  if (top['image'] !== null && top['image'] !== undefined) {
    const image = r.object(top['image'], 'image');
    manifest.image = {
      name: r.string(image['name'], 'image.name'),
      digest: r.string(image['digest'], 'image.digest', DIGEST),
      platforms: r.strings(image['platforms'], 'image.platforms'),
    };
  }

  const listed = [...manifest.shard.targets].sort().join(', ');
  const built = manifest.binaries
    .map((b) => b.target)
    .sort()
    .join(', ');
  if (r.problems.length === 0 && listed !== built) {
    r.problems.push(`shard.targets (${listed}) are not the targets of its binaries (${built})`);
  }
  if (
    r.problems.length === 0 &&
    fingerprintOf(manifest.fingerprint.settings).sha256 !== manifest.fingerprint.sha256
  ) {
    r.problems.push('fingerprint.sha256 is not the hash of fingerprint.settings (the manifest was edited)');
  }
  if (r.problems.length > 0) throw r.error();
  return manifest;
}

/** One shard as the `shards` output and the summary report it. */
export interface ShardRecord {
  name: string;
  id?: number;
  digest?: string;
  size?: number;
  attempt: number;
  targets: string[];
  job: string;
  runner: { os: string; arch: string; name: string };
  goVersion: string;
}

export function shardRecord(
  manifest: ShardManifest,
  artifact: { id?: number; digest?: string; size?: number },
): ShardRecord {
  return {
    name: manifest.name,
    ...(artifact.id !== undefined ? { id: artifact.id } : {}),
    ...(artifact.digest !== undefined ? { digest: artifact.digest } : {}),
    ...(artifact.size !== undefined ? { size: artifact.size } : {}),
    attempt: manifest.shard.attempt,
    targets: manifest.shard.targets,
    job: manifest.runner.job,
    runner: { os: manifest.runner.os, arch: manifest.runner.arch, name: manifest.runner.name },
    goVersion: manifest.go.version,
  };
}
