// The functions and value rules of goreleaser templates: Go's text/template built-ins (eq, and, printf, index ...)
// and goreleaser v2's own (title, replace, trimprefix, incpatch ...), with Go's printing and truth. Functions that
// read files, hash them or need Go's escaping are refused with a message. Pure.
import { formatGoTime } from './gotime.js';
import { TemplateError } from './template-parse.js';

export type Value = string | number | boolean | null | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

/** What a template sees, plus the time `time "layout"` formats (pinned to the commit time, not the build's). */
export interface TemplateContext {
  data: ValueMap;
  /** Unix seconds. */
  epoch: number;
}

export type Fn = (args: Value[], context: TemplateContext) => Value;

export function typeName(value: Value): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return '[]string';
  if (typeof value === 'object') return 'map[string]string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** How Go's fmt prints a value with %v (and text/template prints an action's result). */
export function formatValue(value: Value): string {
  if (value === null) return '<no value>';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${formatValue(value[k]!)}`).join(' ')}]`;
  }
  return String(value);
}

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
export function truth(value: Value): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

function str(name: string, value: Value | undefined, position: number): string {
  if (typeof value !== 'string') {
    throw new TemplateError(
      `error calling ${name}: wrong type for value; expected string; got ${value === undefined ? 'nothing' : typeName(value)} (argument ${position})`,
    );
  }
  return value;
}

function arity(name: string, args: Value[], want: number): void {
  if (args.length !== want)
    throw new TemplateError(`wrong number of args for ${name}: want ${want} got ${args.length}`);
}

function strings(name: string, want: number, fn: (...values: string[]) => Value): Fn {
  return (args) => {
    arity(name, args, want);
    return fn(...args.map((value, i) => str(name, value, i + 1)));
  };
}

function compareBasic(name: string, a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean' && (name === 'eq' || name === 'ne'))
    return a === b ? 0 : 1;
  if (a === null && b === null && (name === 'eq' || name === 'ne')) return 0;
  throw new TemplateError(
    `error calling ${name}: incompatible types for comparison (${typeName(a)} and ${typeName(b)})`,
  );
}

/** Go's filepath.Clean for slash paths. */
function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !rooted) parts.push(part);
  }
  const joined = parts.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** Masterminds semver as goreleaser's incmajor/incminor/incpatch use it: `v` kept, pre-release dropped. */
function increment(which: 'major' | 'minor' | 'patch'): Fn {
  return (args) => {
    arity(`inc${which}`, args, 1);
    const version = str(`inc${which}`, args[0], 1);
    const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(
      version,
    );
    if (!match) throw new TemplateError(`error calling inc${which}: Invalid Semantic Version: ${version}`);
    let [major, minor, patch] = [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
    const hasExtra = match[4] !== undefined || match[5] !== undefined;
    if (which === 'major') [major, minor, patch] = [major + 1, 0, 0];
    else if (which === 'minor') [minor, patch] = [minor + 1, 0];
    else if (!hasExtra) patch += 1;
    return `${version.startsWith('v') ? 'v' : ''}${major}.${minor}.${patch}`;
  };
}

/**
 * golang.org/x/text/cases Title for English: in each word the first letter is upper-cased (digits before it do not
 * count: `1st` gives `1St`) and every other letter lower-cased. Letters, digits and `_` make words; an apostrophe,
 * dot or colon between two letters keeps a word going (Unicode word breaking).
 */
export function titleCase(text: string): string {
  let out = '';
  let inWord = false;
  let letterSeen = false;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const joiner =
      /['.:’]/.test(ch) && inWord && /\p{L}/u.test(chars[i - 1] ?? '') && /\p{L}/u.test(chars[i + 1] ?? '');
    if (joiner) {
      out += ch;
      continue;
    }
    if (!/[\p{L}\p{N}_]/u.test(ch)) {
      inWord = false;
      letterSeen = false;
      out += ch;
      continue;
    }
    inWord = true;
    if (/\p{L}/u.test(ch)) {
      out += letterSeen ? ch.toLowerCase() : ch.toUpperCase();
      letterSeen = true;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Go's fmt verbs as printf uses them in names: %s %v %d %q %x %X %t %c %f and %%, with flags and width. */
export function sprintf(format: string, args: Value[]): string {
  let next = 0;
  return (
    format.replace(
      /%([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
      (_all, flags: string, width?: string, precision?: string, verb?: string) => {
        if (verb === '%') return '%';
        if (next >= args.length) return `%!${verb}(MISSING)`;
        const value = args[next++]!;
        let text: string;
        switch (verb) {
          case 'v':
          case 's':
            text = formatValue(value);
            if (precision !== undefined && typeof value === 'string') text = text.slice(0, Number(precision));
            break;
          case 'q':
            text = JSON.stringify(formatValue(value));
            break;
          case 'd':
            if (typeof value !== 'number') return `%!d(${typeName(value)}=${formatValue(value)})`;
            text = String(Math.trunc(value));
            break;
          case 'x':
          case 'X':
            text =
              typeof value === 'number'
                ? Math.trunc(value).toString(16)
                : Buffer.from(formatValue(value), 'utf8').toString('hex');
            if (verb === 'X') text = text.toUpperCase();
            break;
          case 'f':
            if (typeof value !== 'number') return `%!f(${typeName(value)}=${formatValue(value)})`;
            text = value.toFixed(precision === undefined ? 6 : Number(precision));
            break;
          case 't':
            text =
              typeof value === 'boolean' ? String(value) : `%!t(${typeName(value)}=${formatValue(value)})`;
            break;
          case 'c':
            text =
              typeof value === 'number'
                ? String.fromCodePoint(value)
                : `%!c(${typeName(value)}=${formatValue(value)})`;
            break;
          default:
            return `%!${verb}(${typeName(value)}=${formatValue(value)})`;
        }
        if (width !== undefined && text.length < Number(width)) {
          const pad = Number(width) - text.length;
          if (flags.includes('-')) text += ' '.repeat(pad);
          else if (flags.includes('0') && /[dxXf]/.test(verb!))
            text = text.replace(/^(-?)/, `$1${'0'.repeat(pad)}`);
          else text = ' '.repeat(pad) + text;
        }
        return text;
      },
    ) +
    (next < args.length
      ? `%!(EXTRA ${args
          .slice(next)
          .map((v) => `${typeName(v)}=${formatValue(v)}`)
          .join(', ')})`
      : '')
  );
}

function goSprint(args: Value[]): string {
  let out = '';
  args.forEach((value, i) => {
    if (i > 0 && typeof value !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(value);
  });
  return out;
}

function envMap(context: TemplateContext): ValueMap {
  const env = context.data['Env'];
  return env !== null && typeof env === 'object' && !Array.isArray(env) ? env : {};
}

/** Go's built-in template functions and goreleaser's, as far as names can use them. */
export const FUNCTIONS: Record<string, Fn> = {
  not: (args) => (arity('not', args, 1), !truth(args[0]!)),
  len: (args) => {
    arity('len', args, 1);
    const value = args[0]!;
    if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
    if (Array.isArray(value)) return value.length;
    if (value !== null && typeof value === 'object') return Object.keys(value).length;
    throw new TemplateError(`error calling len: len of type ${typeName(value)}`);
  },
  index: (args) => {
    if (args.length === 0) throw new TemplateError('wrong number of args for index: want at least 1 got 0');
    let item = args[0]!;
    for (const key of args.slice(1)) {
      if (Array.isArray(item)) {
        if (typeof key !== 'number' || key < 0 || key >= item.length)
          throw new TemplateError(`error calling index: index out of range: ${formatValue(key)}`);
        item = item[key]!;
      } else if (item !== null && typeof item === 'object') {
        item = item[str('index', key, 2)] ?? '';
      } else {
        throw new TemplateError(`error calling index: can't index item of type ${typeName(item)}`);
      }
    }
    return item;
  },
  slice: (args) => {
    const value = args[0];
    const from = args[1] ?? 0;
    const text = str('slice', value, 1);
    const to = args[2] ?? text.length;
    if (typeof from !== 'number' || typeof to !== 'number' || from < 0 || to > text.length || from > to)
      throw new TemplateError(`error calling slice: index out of range`);
    return text.slice(from, to);
  },
  print: (args) => goSprint(args),
  println: (args) => `${args.map(formatValue).join(' ')}\n`,
  printf: (args) => sprintf(str('printf', args[0], 1), args.slice(1)),
  eq: (args) => {
    if (args.length < 2) throw new TemplateError('missing argument for comparison');
    return args.slice(1).some((other) => compareBasic('eq', args[0]!, other) === 0);
  },
  ne: (args) => (arity('ne', args, 2), compareBasic('ne', args[0]!, args[1]!) !== 0),
  lt: (args) => (arity('lt', args, 2), compareBasic('lt', args[0]!, args[1]!) < 0),
  le: (args) => (arity('le', args, 2), compareBasic('le', args[0]!, args[1]!) <= 0),
  gt: (args) => (arity('gt', args, 2), compareBasic('gt', args[0]!, args[1]!) > 0),
  ge: (args) => (arity('ge', args, 2), compareBasic('ge', args[0]!, args[1]!) >= 0),
  replace: strings('replace', 3, (s, old, replacement) => s.split(old).join(replacement)),
  split: strings('split', 2, (s, sep) => (sep === '' ? [...s] : s.split(sep))),
  contains: strings('contains', 2, (s, sub) => s.includes(sub)),
  tolower: strings('tolower', 1, (s) => s.toLowerCase()),
  toupper: strings('toupper', 1, (s) => s.toUpperCase()),
  trim: strings('trim', 1, (s) => s.trim()),
  trimprefix: strings('trimprefix', 2, (s, prefix) =>
    prefix !== '' && s.startsWith(prefix) ? s.slice(prefix.length) : s,
  ),
  trimsuffix: strings('trimsuffix', 2, (s, suffix) =>
    suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s,
  ),
  title: strings('title', 1, titleCase),
  dir: strings('dir', 1, (p) => cleanPath(p.slice(0, p.lastIndexOf('/') + 1))),
  base: strings('base', 1, (p) => {
    if (p === '') return '.';
    const stripped = p.replace(/\/+$/, '');
    return stripped === '' ? '/' : stripped.slice(stripped.lastIndexOf('/') + 1);
  }),
  incmajor: increment('major'),
  incminor: increment('minor'),
  incpatch: increment('patch'),
  mdv2escape: strings('mdv2escape', 1, (s) => s.replace(/[_*[\]()~`>#+\-=|{}.!]/g, '\\$&')),
  // Go's url.PathEscape: unreserved characters and $&+:=@ stay, everything else is %XX of its UTF-8 bytes.
  urlPathEscape: strings('urlPathEscape', 1, (s) =>
    [...Buffer.from(s, 'utf8')]
      .map((b) => {
        const c = String.fromCharCode(b);
        return /[A-Za-z0-9\-_.~$&+:=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join(''),
  ),
  envOrDefault: (args, context) => {
    arity('envOrDefault', args, 2);
    return envMap(context)[str('envOrDefault', args[0], 1)] ?? str('envOrDefault', args[1], 2);
  },
  isEnvSet: (args, context) => {
    arity('isEnvSet', args, 1);
    const value = envMap(context)[str('isEnvSet', args[0], 1)];
    return value !== undefined && value !== '';
  },
  map: (args) => {
    if (args.length % 2 !== 0)
      throw new TemplateError(`error calling map: map expects even number of arguments, got ${args.length}`);
    const out: ValueMap = {};
    for (let i = 0; i < args.length; i += 2) out[str('map', args[i], i + 1)] = str('map', args[i + 1], i + 2);
    return out;
  },
  indexOrDefault: (args) => {
    arity('indexOrDefault', args, 3);
    const map = args[0];
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new TemplateError(
        'error calling indexOrDefault: wrong type for value; expected map[string]string',
      );
    return map[str('indexOrDefault', args[1], 2)] ?? str('indexOrDefault', args[2], 3);
  },
  list: (args) => args.map((value, i) => str('list', value, i + 1)),
  englishJoin: (args) => {
    arity('englishJoin', args, 1);
    const items = args[0];
    if (!Array.isArray(items))
      throw new TemplateError('error calling englishJoin: wrong type for value; expected []string');
    const kept = items.map((v, i) => str('englishJoin', v, i + 1)).filter((s) => s.trim() !== '');
    if (kept.length <= 1) return kept.join('');
    return `${kept.slice(0, -1).join(', ')}${kept.length > 2 ? ',' : ''} and ${kept[kept.length - 1]}`;
  },
  time: (args, context) => (arity('time', args, 1), formatGoTime(str('time', args[0], 1), context.epoch)),
};

// Defined by Go or goreleaser, but they read files or need Go runtime behaviour a name should not depend on.
export const REFUSED: Record<string, string> = {
  html: 'html escaping',
  js: 'JavaScript escaping',
  urlquery: 'query escaping',
  call: 'calling Go functions',
  abs: "the builder machine's absolute paths",
  readFile: 'reading files',
  mustReadFile: 'reading files',
  filter: 'POSIX regular expressions',
  reverseFilter: 'POSIX regular expressions',
};
for (const sum of [
  'blake2b',
  'blake2s',
  'blake3',
  'crc32',
  'md5',
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'sha3_224',
  'sha3_256',
  'sha3_384',
  'sha3_512',
])
  REFUSED[sum] = 'hashing files';

export const KNOWN = new Set([...Object.keys(FUNCTIONS), ...Object.keys(REFUSED), 'and', 'or']);
