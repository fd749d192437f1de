// Which Go the workflow asks for, read once from the inputs and files: go-version, else go-version-file, else the
// module's go.mod; and the module's go line, which any Go chosen must reach. Refusals name the input to change.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import { errorMessage, InputError } from '../errors.js';
import type { GoSetupOptions } from './types.js';
import { moduleRequirement, parseVersionFile, readGoModVersions } from './version-file.js';
import {
  compareGoVersions,
  type GoVersion,
  type GoVersionRequest,
  type ModuleRequirement,
  parseVersionInput,
  requirementProblem,
} from './version.js';

/** Which input decides the version: go-version, then go-version-file, then go.mod if present, else stable. */
export async function readVersionRequest(options: GoSetupOptions): Promise<GoVersionRequest> {
  const goMod = path.resolve(options.workingDirectory, 'go.mod');
  if (options.goVersion) {
    if (options.goVersionFile) {
      core.warning(`Both go-version and go-version-file are set; using go-version (${options.goVersion}).`);
    }
    const spec = parseVersionInput(options.goVersion);
    const requires = await readModuleRequirement(goMod, options.workingDirectory);
    return {
      spec,
      input: 'go-version',
      value: options.goVersion,
      origin: 'go-version input',
      ...(requires ? { requires } : {}),
    };
  }
  const explicit = options.goVersionFile !== '';
  const file = path.resolve(options.workingDirectory, explicit ? options.goVersionFile : 'go.mod');
  if (!explicit && !existsSync(file)) {
    return {
      spec: { kind: 'stable' },
      input: 'go-version',
      value: '',
      origin: 'no go.mod, so the newest stable',
    };
  }
  const value = explicit ? options.goVersionFile : 'go.mod';
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'go-version-file',
      value,
      `It cannot be read at ${file}: ${errorMessage(error)}. It is relative to working-directory; ` +
        'allowed: go.mod, go.work, .go-version or .tool-versions.',
    );
  }
  const parsed = parseVersionFile(value, file, content);
  // Another version file (.go-version, go.work) does not lift the go line of the module itself.
  const moduleLine =
    file === goMod ? undefined : await readModuleRequirement(goMod, options.workingDirectory);
  const requires = newer(parsed.requires, moduleLine);
  return {
    spec: parsed.spec,
    input: 'go-version-file',
    value,
    origin: parsed.origin,
    ...(requires ? { requires } : {}),
  };
}

/**
 * The go line of the module in working-directory; a go.mod the go command could not read is refused now,
 * naming the file and the line, rather than by the first go command of the build.
 */
async function readModuleRequirement(
  goMod: string,
  workingDirectory: string,
): Promise<ModuleRequirement | undefined> {
  if (!existsSync(goMod)) return undefined;
  let content: string;
  try {
    content = await fs.readFile(goMod, 'utf8');
  } catch (error) {
    throw new InputError(
      'working-directory',
      workingDirectory,
      `Its go.mod cannot be read: ${errorMessage(error)}.`,
    );
  }
  const versions = readGoModVersions('go.mod', content);
  if ('problem' in versions) {
    throw new InputError(
      'working-directory',
      workingDirectory,
      `${versions.problem} Fix go.mod: every go command refuses a module whose go.mod it cannot parse.`,
    );
  }
  return moduleRequirement('go.mod', versions);
}

function newer(
  a: ModuleRequirement | undefined,
  b: ModuleRequirement | undefined,
): ModuleRequirement | undefined {
  if (!a || !b) return a ?? b;
  return compareGoVersions(a.version, b.version) >= 0 ? a : b;
}

/** Refuses a Go older than the module's go line: the first go command of the build would refuse it anyway. */
export function refuseOlderThanModule(request: GoVersionRequest, version: GoVersion): void {
  const problem = requirementProblem(version, request.requires);
  if (!problem || !request.requires) return;
  const least = request.requires.version.text;
  const fix =
    request.input === 'go-version'
      ? `Set go-version to ${least} or newer, or leave it empty to follow go.mod.`
      : `Name Go ${least} or newer in it, or set go-version-file: go.mod.`;
  throw new InputError(request.input, request.value, `${problem} ${fix}`);
}
