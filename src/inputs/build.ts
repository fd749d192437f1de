// What is built: the module, the targets, the names and the flags.
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTargets, TARGET_VARIABLES, TargetError } from '../build/targets.js';
import { InputError } from '../errors.js';
import type { Target } from '../types.js';
import { splitList } from '../util/text.js';
import { fileNameProblem, versionProblem } from './names.js';
import { args, bool, insidePath, keyValues, positiveInt, raw, template } from './read.js';

export interface BuildInputs {
  /** GITHUB_WORKSPACE (the current folder outside Actions), absolute: working-directory is relative to it. */
  workspace: string;
  /** Absolute. */
  workingDirectory: string;
  targets: Target[];
  main: string;
  binaryName: string;
  outputDir: string;
  binaryTemplate: string;
  version: string;
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

export function readBuildInputs(): BuildInputs {
  const workspace = path.resolve(process.env['GITHUB_WORKSPACE'] ?? process.cwd());
  const workingDirectory = path.resolve(workspace, raw('working-directory') || '.');
  let targets: Target[];
  try {
    targets = parseTargets(raw('targets'));
  } catch (error) {
    if (error instanceof TargetError) {
      throw new InputError(
        'targets',
        raw('targets'),
        `${error.message}. Allowed: GOOS/GOARCH[/variant] as listed by \`go tool dist list\`.`,
      );
    }
    throw error;
  }

  return {
    workspace,
    workingDirectory,
    targets,
    main: insidePath('main', raw('main') || '.'),
    binaryName: checked('binary-name', raw('binary-name'), fileNameProblem),
    outputDir: insidePath('output-dir', raw('output-dir') || 'dist'),
    binaryTemplate: template('binary-template'),
    version: checked('version', raw('version'), versionProblem),
    ldflags: args('ldflags'),
    versionVariable: raw('version-variable'),
    commitVariable: raw('commit-variable'),
    dateVariable: raw('date-variable'),
    buildTags: splitList(raw('build-tags').replace(/\s+/g, ',')),
    buildFlags: args('build-flags'),
    buildEnv: buildEnv(),
    cgo: bool('cgo'),
    parallelism: positiveInt('parallelism', Math.max(1, os.availableParallelism()), 256),
  };
}

/** An optional input whose value, when given, must pass `problem`. */
function checked(name: string, value: string, problem: (value: string) => string | undefined): string {
  const wrong = value === '' ? undefined : problem(value);
  if (wrong !== undefined) throw new InputError(name, value, wrong);
  return value;
}

/** build-env without the variables targets and cgo set: a GOARCH there would build every target for one arch. */
function buildEnv(): Array<[string, string]> {
  const pairs = keyValues('build-env');
  for (const [key, value] of pairs) {
    if (!TARGET_VARIABLES.includes(key)) continue;
    const instead =
      key === 'CGO_ENABLED'
        ? 'CGO_ENABLED comes from the cgo input (cgo: true or false)'
        : `${key} comes from targets (GOOS/GOARCH[/variant], e.g. linux/arm/v6, linux/amd64/v3)`;
    throw new InputError(
      'build-env',
      `${key}=${value}`,
      `${instead}. Allowed: any other KEY=VALUE; build-env may not set ${TARGET_VARIABLES.join(', ')}.`,
    );
  }
  return pairs;
}
