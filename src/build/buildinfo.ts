// Go build info as the linker embeds it (debug/buildinfo, runtime/debug.ParseBuildInfo), read from the binary's
// bytes. Pure: works on a Buffer, so it is tested without any binary on disk.

/** A module as a `mod`, `dep` or `=>` line names it. */
export interface BuildInfoModule {
  path: string;
  /** `(devel)` for the main module of a local build and for a folder replacement. */
  version: string;
  /** go.sum's `h1:` hash of the module's files; '' for the main module and for folder replacements. */
  sum: string;
}

export interface BuildInfoDep extends BuildInfoModule {
  /** The `=>` line after the dep: the module (or folder, version `(devel)`) that was built instead of it. */
  replace?: BuildInfoModule;
}

export interface GoBuildInfo {
  /** e.g. go1.26.8 */
  goVersion: string;
  /** Import path of the main package. */
  path: string;
  /** Main module path and version (`(devel)` for a local build). */
  mainModule?: BuildInfoModule;
  deps: BuildInfoDep[];
  /** `build` lines: CGO_ENABLED, GOOS, GOARCH, GOARM, GOAMD64, -trimpath, -ldflags, -tags, ... */
  settings: Record<string, string>;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAGS_VERSION_INLINE = 0x2;

/** Reads a uvarint; undefined when the bytes end first or it is too long. */
function uvarint(buffer: Buffer, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = offset; i < buffer.length && i < offset + 10; i++) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return Number.isSafeInteger(value) ? { value, next: i + 1 } : undefined;
    shift += 7;
  }
  return undefined;
}

function lengthPrefixed(buffer: Buffer, offset: number): { text: string; next: number } | undefined {
  const length = uvarint(buffer, offset);
  if (!length || length.next + length.value > buffer.length) return undefined;
  return {
    text: buffer.toString('utf8', length.next, length.next + length.value),
    next: length.next + length.value,
  };
}

/**
 * Finds and decodes the build info blob. Go 1.18+ writes the version and module info inline after a 32-byte
 * header; older binaries point at them instead, which this does not follow (undefined). Every
 * occurrence of the magic is tried, in case a string constant in the program happens to contain it.
 */
export function findBuildInfo(bytes: Buffer): GoBuildInfo | undefined {
  for (let at = bytes.indexOf(MAGIC); at !== -1; at = bytes.indexOf(MAGIC, at + 1)) {
    if (at + HEADER_SIZE > bytes.length) break;
    const flags = bytes[at + 15]!;
    if ((flags & FLAGS_VERSION_INLINE) === 0) continue;
    const version = lengthPrefixed(bytes, at + HEADER_SIZE);
    if (!version || !version.text.startsWith('go')) continue;
    const mod = lengthPrefixed(bytes, version.next);
    if (!mod) continue;
    let modinfo = mod.text;
    // The module text is wrapped in 16-byte sentinels (runtime/debug's modinfo markers).
    if (Buffer.byteLength(modinfo) >= 33 && modinfo[modinfo.length - 17] === '\n')
      modinfo = modinfo.slice(16, -16);
    return parseModInfo(version.text, modinfo);
  }
  return undefined;
}

/** Undoes strconv.Quote / backquotes as runtime/debug writes values with spaces or quotes. */
export function unquoteGo(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('`') && raw.endsWith('`')) return raw.slice(1, -1);
  if (!(raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))) return raw;
  const body = raw.slice(1, -1);
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  const bytes: number[] = [];
  const pushText = (text: string): void => {
    bytes.push(...Buffer.from(text, 'utf8'));
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      pushText(ch);
      continue;
    }
    const esc = body[++i] ?? '';
    if (esc in simple) pushText(simple[esc]!);
    else if (esc === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (esc === 'u' || esc === 'U') {
      const width = esc === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + width), 16)));
      i += width;
    } else if (/[0-7]/.test(esc)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else pushText(esc);
  }
  return Buffer.from(bytes).toString('utf8');
}

function moduleFields(rest: string[]): BuildInfoModule {
  return { path: rest[0] ?? '', version: rest[1] ?? '', sum: rest[2] ?? '' };
}

/**
 * Parses the module info text: `path`, `mod`, `dep`, `=>` and `build` lines (runtime/debug.BuildInfo.String's
 * format). A `=>` line belongs to the `mod` or `dep` line just before it.
 */
export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, path: '', deps: [], settings: {} };
  let last: BuildInfoDep | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...rest] = line.split('\t');
    if (kind === 'path') info.path = rest.join('\t');
    else if (kind === 'mod') last = info.mainModule = moduleFields(rest);
    else if (kind === 'dep') {
      last = moduleFields(rest);
      info.deps.push(last);
    } else if (kind === '=>') {
      if (last) last.replace = moduleFields(rest);
    } else if (kind === 'build') {
      const kv = rest.join('\t');
      let key: string;
      let value: string;
      const quotedKey = /^("(?:[^"\\]|\\.)*"|`[^`]*`)=/.exec(kv);
      if (quotedKey) {
        key = unquoteGo(quotedKey[1]!);
        value = kv.slice(quotedKey[0].length);
      } else {
        const eq = kv.indexOf('=');
        if (eq <= 0) continue;
        key = kv.slice(0, eq);
        value = kv.slice(eq + 1);
      }
      info.settings[key] = unquoteGo(value);
    }
  }
  return info;
}
