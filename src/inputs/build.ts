// What is built: the module, the targets, the names and the flags.
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTargets, TargetError } from '../build/targets.js';
import { InputError } from '../errors.js';
import type { Target } from '../types.js';
import { splitList } from '../util/text.js';
import { args, bool, insidePath, keyValues, positiveInt, raw, template } from './read.js';

export interface BuildInputs {
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
  const workingDirectory = path.resolve(
    process.env['GITHUB_WORKSPACE'] ?? process.cwd(),
    raw('working-directory') || '.',
  );
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
    workingDirectory,
    targets,
    main: insidePath('main', raw('main') || '.'),
    binaryName: raw('binary-name'),
    outputDir: insidePath('output-dir', raw('output-dir') || 'dist'),
    binaryTemplate: template('binary-template'),
    version: raw('version'),
    ldflags: args('ldflags'),
    versionVariable: raw('version-variable'),
    commitVariable: raw('commit-variable'),
    dateVariable: raw('date-variable'),
    buildTags: splitList(raw('build-tags').replace(/\s+/g, ',')),
    buildFlags: args('build-flags'),
    buildEnv: keyValues('build-env'),
    cgo: bool('cgo'),
    parallelism: positiveInt('parallelism', Math.max(1, os.availableParallelism()), 256),
  };
}
