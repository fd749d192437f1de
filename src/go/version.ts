// Which Go a workflow asks for, and which release that is. Pure: text and lists in, decisions out.
import { InputError } from '../errors.js';
import { goPlatformOf } from '../util/platform.js';

/** A Go release name taken apart: 1.26.8, 1.26rc1, 1.20 (releases before 1.21 had no `.0`). */
export interface GoVersion {
  major: number;
  minor: number;
  patch: number;
  /** '' for a release; otherwise a pre-release of major.minor.0. */
  pre: '' | 'beta' | 'rc';
  preNumber: number;
  /** Go's own spelling without the `go` prefix: `1.26.8`, `1.26rc1`, `1.20`. */
  text: string;
}

/** What the workflow asked for. */
export type GoVersionSpec =
  | {
      kind: 'exact';
      version: GoVersion;
      /**
       * go.mod's `toolchain` line is a minimum, as the go command reads it: a Go at hand that is not older
       * satisfies it; only when there is none is exactly this release downloaded (as the go command would).
       */
      orNewer?: boolean;
    }
  /** The newest stable release of a line (`1.26` or just `1`), not older than `minimum` (go.mod's `go 1.26.3`). */
  | {
      kind: 'line';
      major: number;
      minor: number | undefined;
      minimum: GoVersion | undefined;
      /**
       * go.mod's `go` line states a minimum, as the go command reads it: any Go already at hand that is not
       * older (say 1.26.8 for `go 1.25.0`) builds the module, so it is used before anything is downloaded.
       */
      orNewer?: boolean;
    }
  | { kind: 'stable' }
  | { kind: 'oldstable' };

/** A spec plus where it came from, so that errors can name the input the user has to change. */
export interface GoVersionRequest {
  spec: GoVersionSpec;
  input: 'go-version' | 'go-version-file';
  /** The input's value as the user wrote it. */
  value: string;
  /** Human description of the origin, e.g. `go.mod toolchain line`, for logs. */
  origin: string;
  /**
   * The module's `go` line: the go command refuses an older Go even with GOTOOLCHAIN=local, so a Go the
   * workflow picks through go-version must reach it. Undefined when there is no go.mod to read.
   */
  requires?: ModuleRequirement;
}

/** A `go` line of go.mod or go.work, with where it was read. */
export interface ModuleRequirement {
  version: GoVersion;
  /** The file's name: go.mod or go.work. */
  file: string;
  line: number;
}

/** `go.mod line 3 (go 1.26.3)`, for messages. */
export function describeRequirement(requires: ModuleRequirement): string {
  return `${requires.file} line ${requires.line} (go ${requires.version.text})`;
}

/** One release as a catalogue (the go.dev index or the proxy's version list) knows it. */
export interface GoRelease {
  version: GoVersion;
  stable: boolean;
}

/** One file of a release in the go.dev JSON index. */
export interface GoDownloadFile {
  filename: string;
  os: string;
  arch: string;
  version: string;
  /** '' when the index publishes none (very old releases). */
  sha256: string;
  size: number;
  kind: string;
}

export interface GoIndexRelease extends GoRelease {
  files: GoDownloadFile[];
}

/** The host as Go and go.dev name it. */
export interface GoPlatform {
  goos: string;
  goarch: string;
  /** The arch spelling in go.dev file names (`armv6l` for arm). */
  indexArch: string;
  archiveExtension: 'tar.gz' | 'zip';
}

const VERSION_PATTERN = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(beta|rc)(\d+))?$/;

/** Parses a release name (`go1.26.8`, `1.26rc1`, `1.20`); null when it is not one. */
export function parseGoVersion(text: string): GoVersion | null {
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, major, minor, patch, pre, preNumber] = match;
  // A pre-release is always of x.y.0 (go1.26rc1); `1.26.1rc1` is not a Go version.
  if (pre && patch !== undefined) return null;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: patch === undefined ? 0 : Number(patch),
    pre: (pre ?? '') as GoVersion['pre'],
    preNumber: pre ? Number(preNumber) : 0,
    text: text.trim().replace(/^go/, ''),
  };
}

const PRE_RANK: Record<GoVersion['pre'], number> = { beta: 0, rc: 1, '': 2 };

/** Orders releases the way Go does: 1.26beta1 < 1.26rc1 < 1.26.0 (= 1.26 before 1.21) < 1.26.1. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    PRE_RANK[a.pre] - PRE_RANK[b.pre] ||
    a.preNumber - b.preNumber
  );
}

/** The semver spelling @actions/tool-cache files versions under (as actions/setup-go does): 1.26.0-rc.1. */
export function toolCacheVersion(version: GoVersion): string {
  const base = `${version.major}.${version.minor}.${version.patch}`;
  return version.pre ? `${base}-${version.pre}.${version.preNumber}` : base;
}

/** Reverses toolCacheVersion for the folder names the tool cache lists; null for foreign names. */
export function fromToolCacheVersion(text: string): GoVersion | null {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-(beta|rc)\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, major, minor, patch, pre, preNumber] = match;
  if (pre) return parseGoVersion(`${major}.${minor}${pre}${preNumber}`);
  // Releases before 1.21 were called 1.20, not 1.20.0.
  const name =
    patch === '0' && Number(major) === 1 && Number(minor) < 21
      ? `${major}.${minor}`
      : `${major}.${minor}.${patch}`;
  return parseGoVersion(name);
}

/** `go env GOVERSION` prints `go1.26.8`, sometimes with ` X:experiment` after; devel builds match nothing. */
export function parseGoEnvVersion(output: string): GoVersion | null {
  const first = output.trim().split(/\s+/)[0] ?? '';
  return first.startsWith('go') ? parseGoVersion(first) : null;
}

export function describeSpec(spec: GoVersionSpec): string {
  switch (spec.kind) {
    case 'exact':
      return spec.version.text;
    case 'line': {
      const line = spec.minor === undefined ? `${spec.major}.x` : `${spec.major}.${spec.minor}.x`;
      return spec.minimum && (spec.minimum.patch > 0 || spec.minimum.pre)
        ? `${line} >= ${spec.minimum.text}`
        : line;
    }
    default:
      return spec.kind;
  }
}

function lineStart(spec: { major: number; minor: number | undefined }): GoVersion {
  return { major: spec.major, minor: spec.minor ?? 0, patch: 0, pre: 'beta', preNumber: 0, text: '' };
}

/** Whether a release already at hand fulfils a spec that needs no catalogue (exact and line specs). */
export function satisfiesSpec(spec: GoVersionSpec, version: GoVersion): boolean {
  switch (spec.kind) {
    case 'exact':
      return compareGoVersions(spec.version, version) === 0;
    case 'line':
      if (version.major !== spec.major) return false;
      if (spec.minor !== undefined && version.minor !== spec.minor) return false;
      if (spec.minimum) return compareGoVersions(version, spec.minimum) >= 0;
      return version.pre === '';
    default:
      return false;
  }
}

const INPUT_ALLOWED =
  'Allowed: an exact release (1.26.8, 1.26rc1), a minor line (1.26 or 1.26.x), stable (alias latest) or oldstable.';

/**
 * Parses the go-version input. `latest` is accepted as an alias of `stable` (asdf and mise spell it so in
 * .tool-versions, which is read with this same parser), so the input and the files agree.
 */
export function parseVersionInput(value: string): GoVersionSpec {
  const text = value.trim();
  if (text === 'stable' || text === 'latest') return { kind: 'stable' };
  if (text === 'oldstable') return { kind: 'oldstable' };
  const line = /^(?:go)?(\d+)(?:\.(\d+))?(?:\.x)?$/.exec(text);
  if (line) {
    return {
      kind: 'line',
      major: Number(line[1]),
      minor: line[2] === undefined ? undefined : Number(line[2]),
      minimum: undefined,
    };
  }
  const version = parseGoVersion(text);
  if (!version) throw new InputError('go-version', value, INPUT_ALLOWED);
  return { kind: 'exact', version };
}

/**
 * The go-version check for the input reader: the parser setupGo resolves the value with, so that what passes
 * here resolves there. Empty means "read it from a file". Throws InputError('go-version', ...) otherwise.
 */
export function checkGoVersionInput(value: string): GoVersionSpec | undefined {
  return value.trim() === '' ? undefined : parseVersionInput(value);
}

/**
 * The oldest Go already at hand that serves a spec read as a minimum (go.mod's `toolchain` and `go` lines);
 * undefined for specs that want exactly one release or the newest of a line.
 */
export function localMinimum(spec: GoVersionSpec): GoVersion | undefined {
  if (spec.kind === 'exact' && spec.orNewer) return spec.version;
  if (spec.kind === 'line' && spec.orNewer) return spec.minimum;
  return undefined;
}

/**
 * The newest release a spec can resolve to, when the spec alone bounds it (an exact release, a minor line), so
 * that one too old for the module is refused before any download; undefined when only the catalogue can tell.
 */
export function specCeiling(spec: GoVersionSpec): GoVersion | undefined {
  if (spec.kind === 'exact') return spec.orNewer ? undefined : spec.version;
  if (spec.kind !== 'line' || spec.minor === undefined || spec.orNewer) return undefined;
  const { major, minor } = spec;
  return { major, minor, patch: Number.MAX_SAFE_INTEGER, pre: '', preNumber: 0, text: `${major}.${minor}.x` };
}

/** Why a Go cannot build a module whose `go` line asks for more; null when it can. */
export function requirementProblem(
  version: GoVersion,
  requires: ModuleRequirement | undefined,
): string | null {
  if (!requires) return null;
  const least = requires.version;
  // Since 1.21 `go 1.26` is the language version, which sorts before 1.26rc1: any 1.26 release meets it.
  const language = least.major === 1 && least.minor >= 21 && /^\d+\.\d+$/.test(least.text);
  const meets = language
    ? version.major > least.major || (version.major === least.major && version.minor >= least.minor)
    : compareGoVersions(version, least) >= 0;
  if (meets) return null;
  return (
    `Go ${version.text} is older than ${describeRequirement(requires)}, and the go command refuses to build ` +
    'the module with it (GOTOOLCHAIN=local).'
  );
}

function newest<T extends GoRelease>(releases: readonly T[], keep: (release: T) => boolean): T | undefined {
  let best: T | undefined;
  for (const release of releases) {
    if (keep(release) && (!best || compareGoVersions(release.version, best.version) > 0)) best = release;
  }
  return best;
}

/** The release a spec means in a catalogue; undefined when there is none. */
export function resolveRelease<T extends GoRelease>(
  spec: GoVersionSpec,
  releases: readonly T[],
): T | undefined {
  switch (spec.kind) {
    case 'exact':
      return releases.find((release) => compareGoVersions(release.version, spec.version) === 0);
    case 'stable':
      return newest(releases, (release) => release.stable);
    case 'oldstable': {
      const stable = newest(releases, (release) => release.stable);
      if (!stable) return undefined;
      return newest(
        releases,
        (release) =>
          release.stable &&
          (release.version.major < stable.version.major ||
            (release.version.major === stable.version.major && release.version.minor < stable.version.minor)),
      );
    }
    case 'line': {
      const inLine = (release: T): boolean =>
        release.version.major === spec.major &&
        (spec.minor === undefined || release.version.minor === spec.minor) &&
        (!spec.minimum || compareGoVersions(release.version, spec.minimum) >= 0);
      // A pre-release is only acceptable when the minimum is one itself (go.mod `go 1.27rc1`).
      return (
        newest(releases, (release) => inLine(release) && release.stable) ??
        (spec.minimum?.pre ? newest(releases, inLine) : undefined)
      );
    }
  }
}

/** Up to `count` existing releases closest to what was asked for, newest first, for an error message. */
export function nearbyVersions(spec: GoVersionSpec, releases: readonly GoRelease[], count = 6): string[] {
  const sorted = [...releases].sort((a, b) => compareGoVersions(b.version, a.version));
  if (spec.kind === 'exact' || spec.kind === 'line') {
    const major = spec.kind === 'exact' ? spec.version.major : spec.major;
    const minor = spec.kind === 'exact' ? spec.version.minor : spec.minor;
    const sameLine = sorted.filter(
      (r) => r.version.major === major && (minor === undefined || r.version.minor === minor),
    );
    if (sameLine.length > 0) return sameLine.slice(0, count).map((r) => r.version.text);
    // No such line: the releases around where it would sort.
    const probe: GoVersion = spec.kind === 'exact' ? spec.version : lineStart(spec);
    const index = sorted.findIndex((r) => compareGoVersions(r.version, probe) < 0);
    const at = index === -1 ? sorted.length : index;
    const start = Math.max(0, Math.min(at - Math.floor(count / 2), sorted.length - count));
    return sorted.slice(start, start + count).map((r) => r.version.text);
  }
  return sorted
    .filter((r) => r.stable)
    .slice(0, count)
    .map((r) => r.version.text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates and reads the go.dev `?mode=json&include=all` index; entries it cannot read are dropped. */
export function parseGoIndex(json: unknown): GoIndexRelease[] {
  if (!Array.isArray(json)) throw new Error('the Go download index is not a JSON array of releases');
  const releases: GoIndexRelease[] = [];
  for (const entry of json) {
    if (!isRecord(entry) || typeof entry['version'] !== 'string' || !Array.isArray(entry['files'])) continue;
    const version = parseGoVersion(entry['version']);
    if (!version) continue;
    const files: GoDownloadFile[] = [];
    for (const file of entry['files']) {
      if (!isRecord(file) || typeof file['filename'] !== 'string') continue;
      files.push({
        filename: file['filename'],
        os: typeof file['os'] === 'string' ? file['os'] : '',
        arch: typeof file['arch'] === 'string' ? file['arch'] : '',
        version: typeof file['version'] === 'string' ? file['version'] : entry['version'],
        sha256: typeof file['sha256'] === 'string' ? file['sha256'].toLowerCase() : '',
        size: typeof file['size'] === 'number' ? file['size'] : 0,
        kind: typeof file['kind'] === 'string' ? file['kind'] : '',
      });
    }
    releases.push({ version, stable: entry['stable'] === true, files });
  }
  return releases;
}

/** The binary archive of a release for a platform (tar.gz, or zip on Windows); never an installer or source. */
export function findArchive(release: GoIndexRelease, platform: GoPlatform): GoDownloadFile | undefined {
  return release.files.find(
    (file) =>
      file.kind === 'archive' &&
      file.os === platform.goos &&
      file.arch === platform.indexArch &&
      file.filename.endsWith(`.${platform.archiveExtension}`) &&
      // A file name is joined to the base URL: it must not be able to point anywhere else.
      /^[A-Za-z0-9._-]+$/.test(file.filename),
  );
}

/** Go's names for a Node process.platform / os.arch() / os.endianness(), with what the download index calls them. */
export function goPlatform(nodePlatform: string, nodeArch: string, endianness: 'BE' | 'LE'): GoPlatform {
  const { goos, goarch } = goPlatformOf(nodePlatform, nodeArch, endianness);
  return {
    goos,
    goarch,
    indexArch: goarch === 'arm' ? 'armv6l' : goarch,
    archiveExtension: goos === 'windows' ? 'zip' : 'tar.gz',
  };
}
