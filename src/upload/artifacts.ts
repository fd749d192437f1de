// Which workflow artifacts the release files go into: names, grouping, compression. Pure; stage.ts does the
// talking to GitHub.
import * as path from 'node:path';
import { targetSetHash } from '../go/cache.js';
import { InputError } from '../errors.js';
import type { UploadMode } from '../inputs.js';

export interface UploadFile {
  /** Absolute, or relative to rootDirectory. */
  path: string;
  /** The target the file belongs to (binary, archive); none for shared files such as the checksums. */
  target?: string;
}

export interface UploadRequest {
  files: UploadFile[];
  /** The output folder: paths inside the artifacts are relative to it. */
  rootDirectory: string;
  mode: UploadMode;
  /** The artifact-name input; '' for a name unique to this job and target set. */
  name: string;
  retentionDays?: number;
  /** Delete an artifact of the same name in this run before uploading it (artifact-overwrite). */
  overwrite?: boolean;
  /** The deadline of the whole upload (upload-timeout); DEFAULT_UPLOAD_TIMEOUT_MS when not given. */
  timeoutMs?: number;
}

export interface PlannedUpload {
  name: string;
  /** Absolute paths. */
  files: string[];
  compressionLevel: number;
}

export interface UploadResult {
  uploads: Array<{ name: string; id?: number; size?: number; digest?: string }>;
  /** Why nothing was uploaded, when nothing was. */
  skipped?: string;
  /** Why the upload failed (an artifact refused, the deadline passed); the uploads before it are listed above. */
  problems?: string[];
}

export type Env = Record<string, string | undefined>;

/** zlib's default, the one @actions/artifact uses when given none. */
export const DEFAULT_COMPRESSION_LEVEL = 6;
/** upload-timeout's default. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 600_000;
const ALREADY_COMPRESSED = /\.(tar\.gz|tgz|zip|gz|zst|xz|bz2|7z)$/i;
// What @actions/artifact's validateArtifactName rejects.
const FORBIDDEN_NAME_CHARS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

function sanitizeNamePart(part: string): string {
  let clean = part.trim().toLowerCase();
  for (const ch of FORBIDDEN_NAME_CHARS) clean = clean.split(ch).join('-');
  return clean.replace(/\s+/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '');
}

/**
 * A name unique to this job and runner: job id, runner OS and arch, target-set hash, and from the second attempt of
 * a re-run job on (GITHUB_RUN_ATTEMPT) `attempt-N`, since the first attempt's artifacts stay in the run under their
 * names. A JS action cannot see the matrix, so two matrix entries of one job with the same targets on the same
 * OS/arch must set artifact-name.
 */
export function defaultArtifactName(targets: string[], env: Env): string {
  const parts = [env['GITHUB_JOB'] || 'gin-release', env['RUNNER_OS'] || '', env['RUNNER_ARCH'] || ''];
  const attempt = Number(env['GITHUB_RUN_ATTEMPT'] ?? '1');
  const rerun = Number.isInteger(attempt) && attempt > 1 ? [`attempt-${attempt}`] : [];
  return [...parts.filter((p) => p !== '').map(sanitizeNamePart), targetSetHash(targets, 8), ...rerun].join(
    '-',
  );
}

function checkArtifactName(name: string): void {
  const bad = FORBIDDEN_NAME_CHARS.filter((ch) => name.includes(ch));
  if (bad.length > 0) {
    throw new InputError(
      'artifact-name',
      name,
      `It contains ${bad.map((ch) => JSON.stringify(ch)).join(' ')}; not allowed: " : < > | * ? \\ / and line breaks.`,
    );
  }
}

// A target's SBOM is a few KiB beside its archive: too small to decide how the archive is compressed.
const SIDECAR = /\.sbom\.json$/i;

/** Level 0 when the target files are all archives already (deflating them again only costs time). */
export function compressionLevelFor(files: UploadFile[]): number {
  const targeted = files.filter((f) => f.target !== undefined && !SIDECAR.test(f.path));
  const deciding = targeted.length > 0 ? targeted : files;
  return deciding.length > 0 && deciding.every((f) => ALREADY_COMPRESSED.test(f.path))
    ? 0
    : DEFAULT_COMPRESSION_LEVEL;
}

/** Which artifacts to upload with which files. Pure: env is only read for the default name. */
export function planUploads(req: UploadRequest, env: Env): PlannedUpload[] {
  if (req.files.length === 0) return [];
  const root = path.resolve(req.rootDirectory);
  const absolute = req.files.map((f) => {
    const resolved = path.resolve(root, f.path);
    if (resolved !== root && !resolved.startsWith(root + path.sep)) {
      throw new Error(`Cannot upload ${resolved}: it is outside the output folder ${root}`);
    }
    return { ...f, path: resolved };
  });

  const targets = absolute.flatMap((f) => (f.target === undefined ? [] : [f.target]));
  if (req.name !== '') checkArtifactName(req.name);
  const base = req.name !== '' ? req.name : defaultArtifactName(targets, env);

  if (req.mode === 'single') {
    return [
      { name: base, files: absolute.map((f) => f.path), compressionLevel: compressionLevelFor(absolute) },
    ];
  }

  const groups = new Map<string, UploadFile[]>();
  for (const file of absolute) {
    const key = file.target ?? '';
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const plans: PlannedUpload[] = [];
  for (const [target, files] of groups) {
    if (target === '') continue;
    plans.push({
      name: `${base}-${sanitizeNamePart(target.replace(/\//g, '-'))}`,
      files: files.map((f) => f.path),
      compressionLevel: compressionLevelFor(files),
    });
  }
  const shared = groups.get('');
  if (shared) {
    plans.push({
      name: `${base}-checksums`,
      files: shared.map((f) => f.path),
      compressionLevel: DEFAULT_COMPRESSION_LEVEL,
    });
  }
  return plans;
}

export type UploadAvailability =
  { available: true } | { available: false; level: 'notice' | 'warning'; reason: string };

/** Whether this run can reach GitHub's artifact service at all. Pure. */
export function uploadAvailability(env: Env): UploadAvailability {
  if (!env['ACTIONS_RUNTIME_TOKEN'] || !env['ACTIONS_RESULTS_URL']) {
    return {
      available: false,
      level: 'notice',
      reason: 'not running in GitHub Actions (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set)',
    };
  }
  let host: string;
  try {
    host = new URL(env['GITHUB_SERVER_URL'] || 'https://github.com').hostname.toLowerCase();
  } catch {
    host = '';
  }
  // The same test @actions/artifact applies: it refuses to upload anywhere else (GitHub Enterprise Server).
  if (host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')) {
    return {
      available: false,
      level: 'warning',
      reason: `workflow artifacts through @actions/artifact v2+ are not supported on GitHub Enterprise Server (${host || 'unknown server'})`,
    };
  }
  return { available: true };
}

/** The upload stage as planned before the build: which artifacts, with which files. */
export interface UploadStagePlan {
  uploads: PlannedUpload[];
  /** The output folder: paths inside the artifacts are relative to it. */
  rootDirectory: string;
  retentionDays?: number;
  overwrite: boolean;
  timeoutMs: number;
}

export function planUploadStage(req: UploadRequest, env: Env): UploadStagePlan {
  return {
    uploads: planUploads(req, env),
    rootDirectory: path.resolve(req.rootDirectory),
    ...(req.retentionDays !== undefined ? { retentionDays: req.retentionDays } : {}),
    overwrite: req.overwrite ?? false,
    timeoutMs: req.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS,
  };
}
