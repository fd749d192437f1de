// One `go build` per target: the argv, the environment and the output path, decided before anything runs. Pure.
import * as path from 'node:path';
import { InputError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { renderTemplate, templateValues } from '../template.js';
import type { ReleaseInfo, Target } from '../types.js';
import { stampSources } from './stamps.js';
import { TARGET_VARIABLES, targetEnv } from './targets.js';

/** The build inputs that change a binary's bytes (a shard's fingerprint covers them). */
export type ByteChangingBuildInputs = Pick<
  Inputs,
  | 'main'
  | 'binaryTemplate'
  | 'ldflags'
  | 'versionVariable'
  | 'commitVariable'
  | 'dateVariable'
  | 'buildTags'
  | 'buildFlags'
  | 'buildEnv'
  | 'cgo'
>;

/** The build inputs as they were read, plus what was resolved for this run. */
export interface BuildOptions extends ByteChangingBuildInputs, Pick<Inputs, 'targets' | 'parallelism'> {
  workingDirectory: string;
  goBinary: string;
  binaryName: string;
  /** Absolute. */
  outputDir: string;
  release: ReleaseInfo;
  /** Per target id, the binary's path inside outputDir, instead of binaryTemplate (names from a goreleaser file). */
  binaryPaths?: ReadonlyMap<string, string>;
}

export interface BuildPlan {
  target: Target;
  /** Absolute path of the binary. */
  output: string;
  /** Arguments after `go`. */
  args: string[];
  /** Variables set for this build on top of the inherited environment. */
  env: Record<string, string>;
}

/**
 * Quotes arguments the way the go command's `quoted.Split` reads them back (cmd/internal/quoted.Join): a word
 * with spaces or quotes is wrapped in the quote it does not contain; no escapes exist inside quotes.
 */
export function joinQuoted(args: string[], input: string): string {
  return args
    .map((arg) => {
      const hasSpace = /[ \t\n\r]/.test(arg);
      const hasSingle = arg.includes("'");
      const hasDouble = arg.includes('"');
      if (arg === '') return "''";
      if (!hasSpace && !hasSingle && !hasDouble) return arg;
      if (!hasSingle) return `'${arg}'`;
      if (!hasDouble) return `"${arg}"`;
      throw new InputError(
        input,
        arg,
        'A linker argument cannot hold both single and double quotes; the go command cannot read it back.',
      );
    })
    .join(' ');
}

/** The single `-ldflags` value: stripped symbols, the -X stamps, then the user's own flags (which can override). */
export function ldflagsValue(options: BuildOptions): string {
  const args = ['-s', '-w'];
  for (const { input, variable, value } of stampSources(options)) {
    // -X only accepts importpath.name; anything else is silently ignored by the linker, so catch it here.
    if (!/^\S+\.[^\s.=/]+$/.test(variable)) {
      throw new InputError(
        input,
        variable,
        'Allowed: a package-level string variable as importpath.name, e.g. main.version.',
      );
    }
    args.push('-X', `${variable}=${value}`);
  }
  // Quoted per source so that a value go cannot read back is blamed on the input it came from.
  return [
    joinQuoted(args, 'version'),
    ...(options.ldflags.length > 0 ? [joinQuoted(options.ldflags, 'ldflags')] : []),
  ].join(' ');
}

/** Normalises a rendered binary path and rejects one that leaves output-dir. */
function insideOutputDir(rendered: string, target: Target, template: string): string {
  const normalised = path.posix.normalize(rendered.replace(/\\/g, '/'));
  if (rendered.trim() === '' || normalised === '.' || normalised.endsWith('/')) {
    throw new InputError(
      'binary-template',
      template,
      `For ${target.id} it renders to "${rendered}", which is not a file path inside output-dir.`,
    );
  }
  if (
    path.posix.isAbsolute(normalised) ||
    path.win32.isAbsolute(rendered) ||
    normalised === '..' ||
    normalised.startsWith('../')
  ) {
    throw new InputError(
      'binary-template',
      template,
      `For ${target.id} it renders to "${rendered}", which is outside output-dir. Allowed: a relative path inside output-dir.`,
    );
  }
  return normalised;
}

/** One `go build` per target. Pure: throws InputError for templates that escape output-dir or collide. */
export function planBuilds(options: BuildOptions): BuildPlan[] {
  const ldflags = ldflagsValue(options);
  const common = [
    'build',
    // -trimpath: no runner paths in the binary. -buildvcs=false: the commit is stamped by -X instead, and
    // go's own VCS stamp breaks builds without git and differs between a clean and a dirty checkout.
    '-trimpath',
    '-buildvcs=false',
    '-ldflags',
    ldflags,
    ...(options.buildTags.length > 0 ? ['-tags', options.buildTags.join(',')] : []),
    ...options.buildFlags,
  ];
  const claimed = new Map<string, string>();
  return options.targets.map((target) => {
    const values = templateValues(target, options.binaryName, options.release.version);
    const relative = insideOutputDir(
      options.binaryPaths?.get(target.id) ?? renderTemplate(options.binaryTemplate, values),
      target,
      options.binaryTemplate,
    );
    const other = claimed.get(relative);
    if (other !== undefined) {
      throw new InputError(
        'binary-template',
        options.binaryTemplate,
        `${other} and ${target.id} both render to "${relative}"; add {os}, {arch} and {variant} (or {target}) so each target gets its own path.`,
      );
    }
    claimed.set(relative, target.id);
    const output = path.join(options.outputDir, ...relative.split('/'));
    const env: Record<string, string> = { CGO_ENABLED: options.cgo ? '1' : '0', ...targetEnv(target) };
    for (const [key, value] of options.buildEnv) env[key] = value;
    return { target, output, args: [...common, '-o', output, options.main], env };
  });
}

/** The full environment of one build: the inherited one without target selectors, then the plan's variables. */
export function buildProcessEnv(
  planEnv: Record<string, string>,
  inherited: NodeJS.ProcessEnv,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) {
    if (value !== undefined && !TARGET_VARIABLES.includes(key)) env[key] = value;
  }
  return { ...env, ...planEnv };
}
