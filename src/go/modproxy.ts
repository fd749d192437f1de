// The Go module proxy protocol as far as toolchain downloads need it: module version names, GOPROXY and
// GOSUMDB settings, checksum database answers, the h1 formula and the rules a toolchain module zip obeys.
// Pure: no network, no files.
import { createHash } from 'node:crypto';
import { type GoPlatform, type GoRelease, type GoVersion, parseGoVersion } from './version.js';

export const TOOLCHAIN_MODULE = 'golang.org/toolchain';

/** `v0.0.1-go1.26.8.linux-amd64`: how the go command names a toolchain in the golang.org/toolchain module. */
export function toolchainModuleVersion(
  version: GoVersion,
  platform: Pick<GoPlatform, 'goos' | 'goarch'>,
): string {
  return `v0.0.1-go${version.text}.${platform.goos}-${platform.goarch}`;
}

/** The folder every file of the toolchain zip lives in; it becomes GOROOT. */
export function toolchainZipPrefix(moduleVersion: string): string {
  return `${TOOLCHAIN_MODULE}@${moduleVersion}/`;
}

/** The releases for one platform in the proxy's `/golang.org/toolchain/@v/list` answer. */
export function parseToolchainList(text: string, platform: Pick<GoPlatform, 'goos' | 'goarch'>): GoRelease[] {
  const suffix = `.${platform.goos}-${platform.goarch}`;
  const releases: GoRelease[] = [];
  for (const line of text.split('\n')) {
    const name = line.trim();
    if (!name.startsWith('v0.0.1-go') || !name.endsWith(suffix)) continue;
    const version = parseGoVersion(name.slice('v0.0.1-go'.length, -suffix.length));
    if (version) releases.push({ version, stable: version.pre === '' });
  }
  return releases;
}

/** One GOPROXY entry; `anyError` is true when the entry is followed by `|` (fall through on any failure). */
export type ProxyEntry =
  { kind: 'proxy'; url: string; anyError: boolean } | { kind: 'direct' } | { kind: 'off' };

/** Splits GOPROXY the way the go command does: `,` falls through on 404/410 only, `|` on any error. */
export function parseGoProxy(value: string): ProxyEntry[] {
  const entries: ProxyEntry[] = [];
  const pattern = /([^,|]+)([,|]?)/g;
  for (const match of value.matchAll(pattern)) {
    const item = match[1]!.trim();
    if (item === '') continue;
    if (item === 'direct') entries.push({ kind: 'direct' });
    else if (item === 'off') entries.push({ kind: 'off' });
    else entries.push({ kind: 'proxy', url: item.replace(/\/+$/, ''), anyError: match[2] === '|' });
  }
  return entries;
}

/** Whether the go command would try the next GOPROXY entry after this failure. */
export function fallsThrough(entry: ProxyEntry, httpStatus: number | undefined): boolean {
  if (entry.kind !== 'proxy') return true;
  return entry.anyError || httpStatus === 404 || httpStatus === 410;
}

export interface SumDb {
  /** The database's name, as used in `<proxy>/sumdb/<name>/...`. */
  name: string;
  /** Where to ask it directly. */
  url: string;
}

/** GOSUMDB: `off`, `sum.golang.org`, `name+key`, or `name+key url`. null when checking is off. */
export function parseGoSumDb(value: string): SumDb | null {
  const text = value.trim() || 'sum.golang.org';
  if (text === 'off') return null;
  // The go command's own alias: the same database, served from China.
  if (text === 'sum.golang.google.cn') return { name: 'sum.golang.org', url: 'https://sum.golang.google.cn' };
  const [nameAndKey = '', url] = text.split(/\s+/);
  const name = nameAndKey.split('+')[0]!;
  return { name, url: (url ?? `https://${name}`).replace(/\/+$/, '') };
}

/** The h1 hash of `module@version` in a checksum database `/lookup` answer or in go.sum text; null when absent. */
export function findModuleHash(text: string, module: string, version: string): string | null {
  for (const line of text.split('\n')) {
    const [path, ver, hash] = line.trim().split(/\s+/);
    if (path === module && ver === version && hash?.startsWith('h1:')) return hash;
  }
  return null;
}

/** Go's dirhash Hash1: sha256 over the sorted lines `<sha256 hex>  <name>\n`, base64, prefixed with `h1:`. */
export function hash1(files: ReadonlyArray<{ name: Buffer; sha256: string }>): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(a.name, b.name));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes(0x0a))
      throw new Error(`file name ${JSON.stringify(file.name.toString())} contains a newline`);
    summary.update(`${file.sha256}  `);
    summary.update(file.name);
    summary.update('\n');
  }
  return `h1:${summary.digest('base64')}`;
}

/**
 * Why a module zip must not be extracted, or null when it is fine: every file under `prefix`, no folder
 * entries, no `..`, backslash or empty path elements, no name twice. Keeps the extraction inside its folder.
 */
export function moduleZipProblem(names: readonly string[], prefix: string): string | null {
  const seen = new Set<string>();
  for (const name of names) {
    if (!name.startsWith(prefix)) return `${JSON.stringify(name)} is outside ${prefix}`;
    const rest = name.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) return `${JSON.stringify(name)} is a folder entry`;
    if (rest.includes('\\') || rest.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      return `${JSON.stringify(name)} is not a clean relative path`;
    }
    const key = name.toLowerCase();
    if (seen.has(key)) return `${JSON.stringify(name)} is in the zip twice`;
    seen.add(key);
  }
  return names.length === 0 ? 'the zip is empty' : null;
}

/** golang.org/x/mod/zip MaxZipFile: the go command refuses a module zip, or its content, larger than this. */
export const MAX_MODULE_ZIP_BYTES = 500 * 1024 * 1024;

/** Why a zip of this size, with entries of these declared sizes, is no module zip; null when it may be one. */
export function moduleZipSizeProblem(zipBytes: number, entrySizes: readonly number[]): string | null {
  const limit = `the ${MAX_MODULE_ZIP_BYTES / 1024 / 1024} MiB a module zip may hold`;
  if (zipBytes > MAX_MODULE_ZIP_BYTES) return `the zip has ${zipBytes} bytes, more than ${limit}`;
  const total = entrySizes.reduce((sum, size) => sum + size, 0);
  if (total > MAX_MODULE_ZIP_BYTES) return `its files add up to ${total} bytes, more than ${limit}`;
  return null;
}

/**
 * The mode a toolchain file gets once extracted, by its path relative to GOROOT: module zips carry no exec bits,
 * so the go command sets them after its own toolchain download on everything in pkg/tool and bin and on the
 * lib/.../go_*_*_exec wrappers (cmd/go/internal/toolchain), and so does this.
 */
export function toolchainFileMode(relative: string): 0o755 | 0o644 {
  const [top] = relative.split('/');
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  if (top === 'bin' || (top === 'pkg' && relative.startsWith('pkg/tool/'))) return 0o755;
  if (top === 'lib' && /^go_[^/]+_[^/]+_exec$/.test(name)) return 0o755;
  return 0o644;
}

/**
 * Where a file of the toolchain also has to exist: module zips cannot hold nested go.mod files, so Go stores
 * them as _go.mod and the go command copies each back beside itself (src/go.mod makes the std vendoring work).
 */
export function restoredGoMod(relative: string): string | null {
  const slash = relative.lastIndexOf('/');
  return relative.slice(slash + 1) === '_go.mod' ? `${relative.slice(0, slash + 1)}go.mod` : null;
}
