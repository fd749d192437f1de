// The Go version a file asks for: go.mod / go.work (`toolchain` and `go` lines, read as the go command reads
// them), .go-version and .tool-versions. Pure: text in, a spec or an InputError out.
import * as path from 'node:path';
import { InputError } from '../errors.js';
import {
  compareGoVersions,
  type GoVersion,
  type GoVersionSpec,
  type ModuleRequirement,
  parseGoVersion,
  parseVersionInput,
} from './version.js';

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

/** One `go` or `toolchain` directive, with its 1-based line number. */
export interface GoModDirective {
  version: GoVersion;
  line: number;
}

export type GoModVersions =
  | {
      go?: GoModDirective;
      /** Absent for `toolchain default`, which names no release (the go command then keeps its own). */
      toolchain?: GoModDirective;
      toolchainDefault: boolean;
    }
  | { problem: string };

// The go command's own rule for the go line (golang.org/x/mod/modfile GoVersionRE); the main module's go.mod is
// parsed strictly, so anything else stops every go command in the module.
const GO_LINE = /^[1-9][0-9]*\.(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))?(?:[a-z]+[0-9]+)?$/;

/**
 * The `go` and `toolchain` directives of a go.mod or go.work text (`base` names the file in messages), or what
 * is wrong with them, naming the line: a bad version, a repeated directive, a wrong argument count.
 */
export function readGoModVersions(base: string, content: string): GoModVersions {
  const found: { go?: GoModDirective; toolchain?: GoModDirective } = {};
  let toolchainDefault = false;
  let toolchainLine = 0;
  let inBlock = false;
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const number = index + 1;
    const text = lines[index]!.replace(/\/\/.*$/, '').trim();
    if (text === '') continue;
    // Inside `require (` ... `)` every line is an argument list, not a directive.
    if (inBlock) {
      if (text === ')') inBlock = false;
      continue;
    }
    if (/^\S+\s*\($/.test(text)) {
      inBlock = true;
      continue;
    }
    const [verb, ...args] = text.split(/\s+/);
    if (verb !== 'go' && verb !== 'toolchain') continue;
    const earlier = verb === 'go' ? found.go?.line : toolchainLine || undefined;
    if (earlier !== undefined) {
      return { problem: `${base} line ${number} repeats the ${verb} directive of line ${earlier}.` };
    }
    if (args.length !== 1) {
      return {
        problem: `${base} line ${number} has "${text}", but a ${verb} line takes exactly one version.`,
      };
    }
    const name = args[0]!;
    if (verb === 'go') {
      const version = GO_LINE.test(name) ? parseGoVersion(name) : null;
      if (!version) {
        return {
          problem: `${base} line ${number} has "go ${name}", which is not a Go version such as 1.26 or 1.26.3.`,
        };
      }
      found.go = { version, line: number };
      continue;
    }
    toolchainLine = number;
    if (name === 'default') {
      toolchainDefault = true;
      continue;
    }
    const version = name.startsWith('go') ? parseGoVersion(name) : null;
    // Since 1.21 `go1.26` names the language, not a release (the go command cannot switch to it either).
    const languageOnly =
      version !== null && version.pre === '' && !/^go\d+\.\d+\.\d+$/.test(name) && version.minor >= 21;
    if (!version || languageOnly) {
      return {
        problem: `${base} line ${number} has "toolchain ${name}", which is not a Go release such as go1.26.8.`,
      };
    }
    found.toolchain = { version, line: number };
  }
  return { ...found, toolchainDefault };
}

/** The requirement a go.mod/go.work `go` line states, for requests that do not come from that file. */
export function moduleRequirement(base: string, versions: GoModVersions): ModuleRequirement | undefined {
  if ('problem' in versions || !versions.go) return undefined;
  return { version: versions.go.version, file: base, line: versions.go.line };
}

/**
 * Reads the Go version out of a version file's text. `value` is the go-version-file input (for the error).
 * go.mod: the `toolchain` line is a minimum that names the release to download; a `go` line newer than it (or
 * `toolchain default`, or no toolchain line) makes the `go` line decide: at least that, the newest of its line.
 */
export function parseVersionFile(
  value: string,
  fileName: string,
  content: string,
): { spec: GoVersionSpec; origin: string; requires?: ModuleRequirement } {
  const fail = (why: string): never => {
    throw new InputError('go-version-file', value, `${why} ${FILE_ALLOWED}`);
  };
  const base = path.basename(fileName);
  const format = versionFileFormat(fileName);
  if (format === 'go.mod') {
    const versions = readGoModVersions(base, content);
    if ('problem' in versions) return fail(versions.problem);
    const { go, toolchain } = versions;
    const requires = moduleRequirement(base, versions);
    if (toolchain && (!go || compareGoVersions(toolchain.version, go.version) >= 0)) {
      const spec: GoVersionSpec = { kind: 'exact', version: toolchain.version, orNewer: true };
      return { spec, origin: `${base} toolchain line`, ...(requires ? { requires } : {}) };
    }
    if (!go) {
      return fail(
        versions.toolchainDefault
          ? `${base} has "toolchain default" and no go line, so it names no Go version.`
          : `${base} has neither a toolchain nor a go line.`,
      );
    }
    const minimum = go.version;
    return {
      spec: { kind: 'line', major: minimum.major, minor: minimum.minor, minimum, orNewer: true },
      origin: `${base} go ${minimum.text} line`,
      ...(requires ? { requires } : {}),
    };
  }
  const lines = content
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0);
  if (format === '.tool-versions') {
    const entry = lines.map((line) => /^(?:golang|go)\s+(\S+)/.exec(line)).find((m) => m !== null);
    if (!entry) return fail(`${base} has no golang line.`);
    return { spec: fileVersion(entry[1]!, fail), origin: `${base} golang line` };
  }
  if (lines.length === 0) return fail(`${base} is empty.`);
  return { spec: fileVersion(lines[0]!, fail), origin: base };
}

/** A version written in .go-version or .tool-versions: what the go-version input accepts, `latest` included. */
function fileVersion(text: string, fail: (why: string) => never): GoVersionSpec {
  try {
    return parseVersionInput(text);
  } catch {
    return fail(`"${text}" is not a Go version.`);
  }
}
