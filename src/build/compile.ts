// The cross-compile matrix: plans one `go build` per target (pure), checks the plan against the toolchain,
// and runs the builds in a bounded pool that reports every target's outcome.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import { InputError } from '../inputs.js';
import type { ReleaseInfo, Target } from '../types.js';
import { lastLines, splitLines } from '../util/text.js';
import { targetEnv, unsupportedTargets } from './targets.js';

export interface BuildOptions {
  workingDirectory: string;
  goBinary: string;
  targets: Target[];
  main: string;
  binaryName: string;
  /** Absolute. */
  outputDir: string;
  binaryTemplate: string;
  release: ReleaseInfo;
  ldflags: string[];
  versionVariable: string;
  commitVariable: string;
  dateVariable: string;
  buildTags: string[];
  buildFlags: string[];
  buildEnv: Array<[string, string]>;
  cgo: boolean;
  parallelism: number;
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

export interface BuildOutcome {
  plan: BuildPlan;
  ok: boolean;
  /** The go command's exit code; -1 when it could not be started. */
  exitCode: number;
  durationMs: number;
  /** The last lines of the build's combined output. */
  output: string;
}

/** Lines of build output kept for logs and annotations. */
export const OUTPUT_TAIL_LINES = 50;

export const TEMPLATE_PLACEHOLDERS = ['name', 'version', 'os', 'arch', 'variant', 'target', 'ext'] as const;
export type TemplateValues = Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>;

/**
 * The placeholder values for one target. `{variant}` carries its own separator (`_v7`, '' without a variant) so
 * `{name}_{os}_{arch}{variant}` reads well for every target; `{target}` is the id with `/` as `_`.
 */
export function templateValues(target: Target, name: string, version: string): TemplateValues {
  return {
    name,
    version,
    os: target.goos,
    arch: target.goarch,
    variant: target.variant ? `_${target.variant}` : '',
    target: target.id.replace(/\//g, '_'),
    ext: target.goos === 'windows' ? '.exe' : '',
  };
}

/** Replaces `{placeholder}`s; an unknown one is an error (inputs are checked earlier, so this is a bug guard). */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Unknown placeholder ${whole} in "${template}"`);
    return value;
  });
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
  const stamps: Array<[string, string, string]> = [
    ['version-variable', options.versionVariable, options.release.version],
    ['commit-variable', options.commitVariable, options.release.commit],
    ['date-variable', options.dateVariable, options.release.date],
  ];
  const args = ['-s', '-w'];
  for (const [input, variable, value] of stamps) {
    if (variable === '') continue;
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
      renderTemplate(options.binaryTemplate, values),
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

// Variables that select what a build targets. Inherited values (say GOARM=6 set for the whole job) would
// otherwise change a target that the plan left without a variant.
const TARGET_VARIABLES = [
  'GOOS',
  'GOARCH',
  'GOARM',
  'GOAMD64',
  'GOARM64',
  'GO386',
  'GOMIPS',
  'GOMIPS64',
  'GOPPC64',
  'GORISCV64',
  'GOWASM',
  'CGO_ENABLED',
];

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

/** The last element of an import path, skipping a major version suffix (example.com/app/v2 gives app), as `go build` names binaries. */
function lastImportElement(importPath: string): string {
  const parts = importPath.split('/').filter((p) => p !== '' && p !== '.');
  let last = parts.pop() ?? '';
  if (/^v\d+$/.test(last) && parts.length > 0) last = parts.pop()!;
  return last;
}

/** The module path from go.mod's `module` line, '' when there is no go.mod. */
async function modulePath(workingDirectory: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(path.join(workingDirectory, 'go.mod'), 'utf8');
  } catch {
    return '';
  }
  const line = splitLines(text).find((l) => /^module\s/.test(l));
  return line
    ? line
        .replace(/^module\s+/, '')
        .replace(/\/\/.*$/, '')
        .trim()
        .replace(/^"(.*)"$/, '$1')
    : '';
}

/** The default binary name: the main package's folder name, or for `.` the module path's last element. */
export async function defaultBinaryName(workingDirectory: string, main: string): Promise<string> {
  const mainDir = main.endsWith('.go')
    ? path.posix.dirname(main.replace(/\\/g, '/'))
    : main.replace(/\\/g, '/');
  const fromMain = lastImportElement(path.posix.normalize(mainDir));
  if (fromMain && fromMain !== '..') return fromMain;
  return (
    lastImportElement(await modulePath(workingDirectory)) || path.basename(path.resolve(workingDirectory))
  );
}

/** Rejects targets the toolchain cannot build, listing what it can for the same GOOS. */
export async function checkTargetsSupported(goBinary: string, targets: Target[]): Promise<void> {
  const result = await exec.getExecOutput(goBinary, ['tool', 'dist', 'list'], {
    ignoreReturnCode: true,
    silent: true,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `\`go tool dist list\` failed with exit code ${result.exitCode}:\n${lastLines(result.stderr + result.stdout, OUTPUT_TAIL_LINES)}`,
    );
  }
  const distList = splitLines(result.stdout);
  const missing = unsupportedTargets(targets, distList);
  if (missing.length === 0) return;
  const knownOs = [...new Set(distList.map((p) => p.split('/')[0]!))];
  const hints = [...new Set(missing.map((t) => t.goos))].map((goos) => {
    const sameOs = distList.filter((p) => p.startsWith(`${goos}/`));
    return sameOs.length > 0
      ? `For ${goos} this Go builds ${sameOs.join(', ')}.`
      : `${goos} is not a GOOS this Go knows (${knownOs.join(', ')}).`;
  });
  throw new InputError(
    'targets',
    missing.map((t) => t.id).join(', '),
    `Not in \`go tool dist list\`. ${hints.join(' ')}`,
  );
}

/** Requires `main` to name a `package main`, before any target is built. */
export async function checkMainPackage(
  goBinary: string,
  workingDirectory: string,
  main: string,
  buildTags: string[] = [],
): Promise<void> {
  const tags = buildTags.length > 0 ? ['-tags', buildTags.join(',')] : [];
  const result = await exec.getExecOutput(goBinary, ['list', ...tags, '-f', '{{.Name}}', '--', main], {
    cwd: workingDirectory,
    ignoreReturnCode: true,
    silent: true,
  });
  const names = splitLines(result.stdout);
  if (result.exitCode !== 0) {
    throw new InputError(
      'main',
      main,
      `\`go list\` could not load it (exit code ${result.exitCode}). Give the folder of a package main relative to working-directory, e.g. . or ./cmd/server.\n${lastLines(result.stderr, OUTPUT_TAIL_LINES)}`,
    );
  }
  if (names.length !== 1 || names[0] !== 'main') {
    throw new InputError(
      'main',
      main,
      `It is package ${names.join(', ') || '(none)'}, not package main. Give the folder of a package main, e.g. ./cmd/server.`,
    );
  }
}

/** Keeps only the end of a stream so a noisy build cannot grow memory without bound. */
class Tail {
  private text = '';
  constructor(private readonly maxChars: number) {}
  add(chunk: Buffer): void {
    this.text += chunk.toString('utf8');
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  lines(max: number): string {
    return this.text.length > 0 ? lastLines(this.text.slice(-this.maxChars), max) : '';
  }
}

async function runOne(plan: BuildPlan, goBinary: string, cwd: string): Promise<BuildOutcome> {
  const tail = new Tail(64 * 1024);
  const started = performance.now();
  let exitCode: number;
  try {
    await fs.mkdir(path.dirname(plan.output), { recursive: true });
    exitCode = await exec.exec(goBinary, plan.args, {
      cwd,
      env: buildProcessEnv(plan.env, process.env),
      ignoreReturnCode: true,
      silent: true,
      listeners: { stdout: (data) => tail.add(data), stderr: (data) => tail.add(data) },
    });
  } catch (error) {
    tail.add(Buffer.from(`${(error as Error).message}\n`));
    exitCode = -1;
  }
  const durationMs = Math.round(performance.now() - started);
  return { plan, ok: exitCode === 0, exitCode, durationMs, output: tail.lines(OUTPUT_TAIL_LINES) };
}

/** A build as a copy-pasteable shell line for the log (only for reading: builds never go through a shell). */
function describePlan(plan: BuildPlan): string {
  const quote = (arg: string): string =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(plan.env).map(([k, v]) => `${k}=${quote(v)}`);
  return [...env, 'go', ...plan.args.map(quote)].join(' ');
}

/**
 * Runs the builds, at most `parallelism` at once. A failing target does not stop the others; every outcome is
 * returned in plan order. Each target's lines are printed together when it finishes, so parallel output never
 * interleaves; there are no log groups here because the caller already runs this stage inside one and the
 * Actions log does not nest groups.
 */
export async function runBuilds(
  plans: BuildPlan[],
  parallelism: number,
  goBinary: string,
  cwd: string,
): Promise<BuildOutcome[]> {
  const outcomes: BuildOutcome[] = new Array<BuildOutcome>(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const index = next++;
      const outcome = await runOne(plans[index]!, goBinary, cwd);
      outcomes[index] = outcome;
      const seconds = (outcome.durationMs / 1000).toFixed(1);
      const lines = [
        `${outcome.ok ? 'Built' : 'FAILED'} ${outcome.plan.target.id} in ${seconds}s: ${describePlan(outcome.plan)}`,
        ...(outcome.output ? [outcome.output] : []),
      ];
      core.info(lines.join('\n'));
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(parallelism) || 1, plans.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}

/** The message for a failed target: what failed, how, and the end of the compiler's output. */
export function formatBuildFailure(outcome: BuildOutcome): string {
  const how =
    outcome.exitCode === -1
      ? 'could not start the go command'
      : `go build exited with code ${outcome.exitCode}`;
  const output = outcome.output ? `:\n${outcome.output}` : ' and printed nothing.';
  return `Build for ${outcome.plan.target.id} failed: ${how} after ${(outcome.durationMs / 1000).toFixed(1)}s${output}`;
}
