// Which Go a workflow asks for, and which release that is. Pure: text and lists in, decisions out.
import * as path from 'node:path';
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
  | { kind: 'exact'; version: GoVersion }
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
  'Allowed: an exact release (1.26.8, 1.26rc1), a minor line (1.26 or 1.26.x), stable or oldstable.';

/** Parses the go-version input. */
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

const FILE_ALLOWED =
  'Allowed: go.mod or go.work (a `toolchain go1.26.8` or `go 1.26` line), .go-version (a version such as 1.26.8 ' +
  'or 1.26) or .tool-versions (a `golang 1.26.8` line).';

export type VersionFileFormat = 'go.mod' | '.tool-versions' | '.go-version';

/** The format a version file is read in, from its name, as actions/setup-go decides it. */
export function versionFileFormat(fileName: string): VersionFileFormat {
  const base = path.basename(fileName);
  if (base === 'go.mod' || base === 'go.work') return 'go.mod';
  if (base === '.tool-versions') return '.tool-versions';
  return '.go-version';
}

/**
 * Reads the Go version out of a version file's text. `value` is the go-version-file input (for the error).
 * go.mod: the `toolchain` line wins (an exact release); else the `go` line is a minimum within its minor line.
 */
export function parseVersionFile(
  value: string,
  fileName: string,
  content: string,
): { spec: GoVersionSpec; origin: string } {
  const fail = (why: string): never => {
    throw new InputError('go-version-file', value, `${why} ${FILE_ALLOWED}`);
  };
  const base = path.basename(fileName);
  const lines = content
    .split(/\r?\n/)
    .map((line) => line.replace(versionFileFormat(fileName) === 'go.mod' ? /\/\/.*$/ : /#.*$/, '').trim())
    .filter((line) => line.length > 0);

  switch (versionFileFormat(fileName)) {
    case 'go.mod': {
      const toolchain = lines.map((line) => /^toolchain\s+(\S+)$/.exec(line)).find((m) => m !== null);
      if (toolchain) {
        const name = toolchain[1]!;
        const version = name.startsWith('go') ? parseGoVersion(name) : null;
        // Since 1.21 `go1.26` names the language, not a release (the go command rejects it as a toolchain too).
        const languageOnly =
          version !== null && version.pre === '' && !/^go\d+\.\d+\.\d+$/.test(name) && version.minor >= 21;
        if (!version || languageOnly) {
          return fail(`${base} has "toolchain ${name}", which is not a Go release such as go1.26.8.`);
        }
        return { spec: { kind: 'exact', version }, origin: `${base} toolchain line` };
      }
      const goLine = lines.map((line) => /^go\s+(\S+)$/.exec(line)).find((m) => m !== null);
      if (!goLine) return fail(`${base} has neither a toolchain nor a go line.`);
      const minimum = parseGoVersion(goLine[1]!);
      if (!minimum || goLine[1]!.startsWith('go'))
        return fail(`${base} has "go ${goLine[1]}", which is not a Go version such as 1.26 or 1.26.3.`);
      return {
        spec: { kind: 'line', major: minimum.major, minor: minimum.minor, minimum, orNewer: true },
        origin: `${base} go ${goLine[1]} line`,
      };
    }
    case '.tool-versions': {
      const entry = lines.map((line) => /^(?:golang|go)\s+(\S+)/.exec(line)).find((m) => m !== null);
      if (!entry) return fail(`${base} has no golang line.`);
      return { spec: fileVersion(entry[1]!, fail), origin: `${base} golang line` };
    }
    case '.go-version': {
      if (lines.length === 0) return fail(`${base} is empty.`);
      return { spec: fileVersion(lines[0]!, fail), origin: base };
    }
  }
}

function fileVersion(text: string, fail: (why: string) => never): GoVersionSpec {
  if (text === 'latest') return { kind: 'stable' };
  try {
    return parseVersionInput(text);
  } catch {
    return fail(`"${text}" is not a Go version.`);
  }
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
