// The parts of a .goreleaser.yaml this action applies: the first build, the first (non-meta) archive and the
// checksum name, read from the YAML text into typed values; every other key is listed so the user is told it was
// not applied. Values keep goreleaser's spellings (goarm "7", formats ["tar.gz"]). Pure.
import { parseDocument } from 'yaml';

export class ConfigError extends Error {}

export interface IgnoreRule {
  goos: string;
  goarch: string;
  goamd64: string;
  go386: string;
  goarm: string;
  goarm64: string;
  gomips: string;
  goppc64: string;
  goriscv64: string;
}

export interface GoreleaserBuild {
  id: string;
  goos: string[];
  goarch: string[];
  goamd64: string[];
  go386: string[];
  goarm: string[];
  goarm64: string[];
  gomips: string[];
  goppc64: string[];
  goriscv64: string[];
  /** `targets:` (goos_goarch[_variant]); when set goreleaser ignores goos/goarch/... and ignore. */
  targets: string[];
  ignore: IgnoreRule[];
  env: string[];
  flags: string[];
  tags: string[];
  ldflags: string[];
  /** Undefined when the key is missing (goreleaser then uses the project name). */
  binary?: string;
  main?: string;
}

export interface FormatOverride {
  goos: string;
  formats: string[];
}

export interface GoreleaserArchive {
  nameTemplate?: string;
  /** Empty when not set (goreleaser's default is tar.gz). */
  formats: string[];
  formatOverrides: FormatOverride[];
  /** Glob patterns (`files:` strings and the `src` of file objects); undefined when the key is missing. */
  files?: string[];
}

export interface GoreleaserConfig {
  projectName?: string;
  /** release.github.name (or gitlab, gitea): goreleaser's project name when project_name is not set. */
  releaseName?: string;
  dist?: string;
  /** Top-level `env:`, KEY=VALUE. */
  env: string[];
  /** The first build; goreleaser's defaults when the file has no `builds`. */
  build: GoreleaserBuild;
  /** The first archive that is not `meta: true`; all defaults when the file has none. */
  archive: GoreleaserArchive;
  checksum: { nameTemplate?: string };
  /** Keys present in the file that are not applied, with why (`dockers`, `builds[0].hooks`, ...). */
  unapplied: string[];
}

/** A goreleaser file as the goreleaser-config input found it. */
export interface GoreleaserSource {
  /** The file as named in messages, relative to working-directory. */
  file: string;
  config: GoreleaserConfig;
  /** Inputs whose value differs from their action.yml default. */
  explicit: ReadonlySet<string>;
}

type Yaml = unknown;

function isMap(value: Yaml): value is Record<string, Yaml> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A YAML scalar as Go's yaml reads it into a string field: numbers and booleans keep their spelling. */
function scalar(value: Yaml, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  throw new ConfigError(`${where} must be a single value, not ${Array.isArray(value) ? 'a list' : 'a map'}`);
}

/** goreleaser's StringArray / FlagArray: one string or a list of them. */
function list(value: Yaml, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item, i) => scalar(item, `${where}[${i}]`));
  return [scalar(value, where)];
}

function optional(value: Yaml, where: string): string | undefined {
  return value === undefined || value === null ? undefined : scalar(value, where);
}

const BUILD_KEYS = new Set([
  'id',
  'goos',
  'goarch',
  'goamd64',
  'go386',
  'goarm',
  'goarm64',
  'gomips',
  'goppc64',
  'goriscv64',
  'targets',
  'ignore',
  'env',
  'flags',
  'tags',
  'ldflags',
  'binary',
  'main',
]);
/** The variant fields of an ignore rule, one per GOARCH that has variants. */
export const IGNORE_VARIANT_KEYS = [
  'goamd64',
  'go386',
  'goarm',
  'goarm64',
  'gomips',
  'goppc64',
  'goriscv64',
] as const satisfies ReadonlyArray<keyof IgnoreRule>;
const IGNORE_KEYS = ['goos', 'goarch', ...IGNORE_VARIANT_KEYS] as const;

function readBuild(raw: Yaml, where: string, unapplied: string[]): GoreleaserBuild {
  const build = isMap(raw) ? raw : {};
  if (!isMap(raw) && raw !== undefined) throw new ConfigError(`${where} must be a map`);
  for (const key of Object.keys(build)) {
    if (BUILD_KEYS.has(key)) continue;
    // Defaults that change nothing are not worth a warning.
    if (key === 'dir' && ['.', './', ''].includes(scalar(build[key], `${where}.dir`))) continue;
    if (key === 'builder' && build[key] === 'go') continue;
    if (key === 'skip' && build[key] === false) continue;
    unapplied.push(`${where}.${key}`);
  }
  const ignore = (
    Array.isArray(build['ignore']) ? build['ignore'] : list(build['ignore'], `${where}.ignore`)
  ).map((rule, i): IgnoreRule => {
    if (!isMap(rule)) throw new ConfigError(`${where}.ignore[${i}] must be a map of goos/goarch/...`);
    const read = (key: (typeof IGNORE_KEYS)[number]): string =>
      scalar(rule[key], `${where}.ignore[${i}].${key}`);
    return Object.fromEntries(IGNORE_KEYS.map((key) => [key, read(key)])) as unknown as IgnoreRule;
  });
  const binary = optional(build['binary'], `${where}.binary`);
  const main = optional(build['main'], `${where}.main`);
  return {
    id: optional(build['id'], `${where}.id`) ?? '',
    goos: list(build['goos'], `${where}.goos`),
    goarch: list(build['goarch'], `${where}.goarch`),
    goamd64: list(build['goamd64'], `${where}.goamd64`),
    go386: list(build['go386'], `${where}.go386`),
    goarm: list(build['goarm'], `${where}.goarm`),
    goarm64: list(build['goarm64'], `${where}.goarm64`),
    gomips: list(build['gomips'], `${where}.gomips`),
    goppc64: list(build['goppc64'], `${where}.goppc64`),
    goriscv64: list(build['goriscv64'], `${where}.goriscv64`),
    targets: list(build['targets'], `${where}.targets`),
    ignore,
    env: list(build['env'], `${where}.env`),
    flags: list(build['flags'], `${where}.flags`),
    tags: list(build['tags'], `${where}.tags`),
    ldflags: list(build['ldflags'], `${where}.ldflags`),
    ...(binary !== undefined ? { binary } : {}),
    ...(main !== undefined ? { main } : {}),
  };
}

const ARCHIVE_KEYS = new Set([
  'id',
  'ids',
  'builds',
  'name_template',
  'format',
  'formats',
  'format_overrides',
  'files',
]);

function readArchive(archive: Record<string, Yaml>, where: string, unapplied: string[]): GoreleaserArchive {
  for (const key of Object.keys(archive)) {
    if (ARCHIVE_KEYS.has(key)) continue;
    const value = archive[key];
    if (
      (key === 'wrap_in_directory' && (value === false || value === 'false')) ||
      (key === 'meta' && value === false)
    )
      continue;
    unapplied.push(`${where}.${key}`);
  }
  // `format` is the deprecated spelling; goreleaser appends it to `formats`.
  const formats = [
    ...list(archive['formats'], `${where}.formats`),
    ...list(archive['format'], `${where}.format`),
  ];
  const overrides = Array.isArray(archive['format_overrides']) ? archive['format_overrides'] : [];
  const formatOverrides = overrides.map((raw, i): FormatOverride => {
    const at = `${where}.format_overrides[${i}]`;
    if (!isMap(raw)) throw new ConfigError(`${at} must be a map with goos and formats`);
    return {
      goos: scalar(raw['goos'], `${at}.goos`),
      formats: [...list(raw['formats'], `${at}.formats`), ...list(raw['format'], `${at}.format`)],
    };
  });
  let files: string[] | undefined;
  if (archive['files'] !== undefined && archive['files'] !== null) {
    const entries = Array.isArray(archive['files']) ? archive['files'] : [archive['files']];
    files = entries.map((entry, i) => {
      const at = `${where}.files[${i}]`;
      if (!isMap(entry)) return scalar(entry, at);
      // Only where a file comes from can be applied: every file sits at the archive root here.
      for (const key of Object.keys(entry)) if (key !== 'src') unapplied.push(`${at}.${key}`);
      return scalar(entry['src'], `${at}.src`);
    });
  }
  const nameTemplate = optional(archive['name_template'], `${where}.name_template`);
  return {
    ...(nameTemplate !== undefined ? { nameTemplate } : {}),
    formats,
    formatOverrides,
    ...(files ? { files } : {}),
  };
}

const TOP_KEYS = new Set(['version', 'project_name', 'dist', 'env', 'builds', 'archives', 'checksum']);

/** Reads a goreleaser configuration; throws ConfigError (or the YAML error) naming where it is wrong. */
export function parseGoreleaserConfig(text: string): GoreleaserConfig {
  const document = parseDocument(text, { merge: true, prettyErrors: true });
  if (document.errors.length > 0) throw new ConfigError(document.errors.map((e) => e.message).join('\n'));
  const root: Yaml = document.toJS({ maxAliasCount: 1000 });
  if (root === null || root === undefined)
    return {
      env: [],
      build: readBuild(undefined, 'builds[0]', []),
      archive: { formats: [], formatOverrides: [] },
      checksum: {},
      unapplied: [],
    };
  if (!isMap(root))
    throw new ConfigError('the file must be a YAML map (project_name, builds, archives, ...)');
  const unapplied: string[] = [];
  for (const key of Object.keys(root)) if (!TOP_KEYS.has(key)) unapplied.push(key);

  const builds = root['builds'] === undefined || root['builds'] === null ? [] : root['builds'];
  if (!Array.isArray(builds)) throw new ConfigError('builds must be a list');
  builds.slice(1).forEach((_b, i) => unapplied.push(`builds[${i + 1}] (only the first build is applied)`));

  const archives = root['archives'] === undefined || root['archives'] === null ? [] : root['archives'];
  if (!Array.isArray(archives)) throw new ConfigError('archives must be a list');
  let archive: GoreleaserArchive = { formats: [], formatOverrides: [] };
  let chosen = -1;
  archives.forEach((raw, i) => {
    if (!isMap(raw)) throw new ConfigError(`archives[${i}] must be a map`);
    if (raw['meta'] === true) {
      unapplied.push(`archives[${i}] (meta archive)`);
    } else if (chosen === -1) {
      chosen = i;
      archive = readArchive(raw, `archives[${i}]`, unapplied);
    } else {
      unapplied.push(`archives[${i}] (only the first archive is applied)`);
    }
  });

  const checksum = isMap(root['checksum']) ? root['checksum'] : {};
  for (const key of Object.keys(checksum)) {
    if (key === 'name_template') continue;
    if (key === 'algorithm' && checksum[key] === 'sha256') continue;
    if (key === 'disable' && checksum[key] === false) continue;
    unapplied.push(
      `checksum.${key}${key === 'algorithm' ? ` (${scalar(checksum[key], 'checksum.algorithm')}: the checksums file holds SHA-256)` : ''}`,
    );
  }
  const checksumName = optional(checksum['name_template'], 'checksum.name_template');
  const projectName = optional(root['project_name'], 'project_name');
  const release = isMap(root['release']) ? root['release'] : {};
  const releaseName = ['github', 'gitlab', 'gitea']
    .map((scm) => (isMap(release[scm]) ? optional(release[scm]['name'], `release.${scm}.name`) : undefined))
    .find((name) => name);
  const dist = optional(root['dist'], 'dist');
  return {
    ...(projectName ? { projectName } : {}),
    ...(releaseName ? { releaseName } : {}),
    ...(dist ? { dist } : {}),
    env: list(root['env'], 'env'),
    build: readBuild(builds[0], 'builds[0]', unapplied),
    archive,
    checksum: checksumName !== undefined ? { nameTemplate: checksumName } : {},
    unapplied,
  };
}
