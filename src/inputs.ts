import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { parseTargets, TargetError } from './build/targets.js';
import { InputError } from './errors.js';
import { TEMPLATE_PLACEHOLDERS } from './template.js';
import type { Target } from './types.js';
import { parseKeyValues, splitArgs, splitLines, splitList } from './util/text.js';

export type GoDownloadSource = 'go.dev' | 'module-proxy';
export type ArchiveFormat = 'auto' | 'tar.gz' | 'zip' | 'none';
export type UploadMode = 'single' | 'per-target';
/** `auto`, `native`, `none`, or an explicit list of target ids. */
export type SmokeTargets = { mode: 'auto' | 'native' | 'none' } | { mode: 'list'; targets: Target[] };

/** Every input of action.yml, read and validated once. Property names are the camelCase of the input names. */
export interface Inputs {
  workingDirectory: string;
  goVersion: string;
  goVersionFile: string;
  goDownloadSource: GoDownloadSource;
  goDownloadBaseUrl: string;
  goSkipChecksum: boolean;
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
  smokeTest: boolean;
  smokeTargets: SmokeTargets;
  healthPath: string;
  healthStatus: number;
  healthBodyRegex: RegExp | null;
  smokeEnv: Array<[string, string]>;
  smokeArgs: string[];
  readyTimeoutSeconds: number;
  shutdownTimeoutSeconds: number;
  archiveFormat: ArchiveFormat;
  archiveNameTemplate: string;
  archiveFiles: string[];
  checksumsFile: string;
  upload: boolean;
  uploadMode: UploadMode;
  artifactName: string;
  retentionDays: number | undefined;
  cache: boolean;
  cacheDependencyPath: string[];
  image: string[];
  platforms: string[];
  tags: string[];
  push: boolean;
  registry: string;
  registryUsername: string;
  registryPassword: string;
  baseImage: string;
  dockerfile: string;
  labels: Array<[string, string]>;
  provenance: boolean;
  sbom: boolean;
  builder: string;
  imageSmokeTest: boolean;
}

function raw(name: string): string {
  return core.getInput(name, { required: false, trimWhitespace: true });
}

function bool(name: string): boolean {
  const value = raw(name);
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0|)$/i.test(value)) return false;
  throw new InputError(name, value, 'Allowed: true or false.');
}

function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const value = raw(name);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, value, `Allowed: ${allowed.join(', ')}.`);
}

function positiveInt(name: string, fallback: number, max = 1_000_000): number {
  const value = raw(name);
  if (value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new InputError(name, value, `Allowed: a whole number from 1 to ${max}.`);
  }
  return Number(value);
}

function args(name: string): string[] {
  const value = raw(name);
  try {
    return splitArgs(value);
  } catch (error) {
    throw new InputError(
      name,
      value,
      `It must split into arguments like a shell line: ${(error as Error).message}.`,
    );
  }
}

function keyValues(name: string): Array<[string, string]> {
  const value = core.getInput(name);
  try {
    return parseKeyValues(value);
  } catch (error) {
    throw new InputError(name, value, `Allowed: one KEY=VALUE per line; ${(error as Error).message}.`);
  }
}

/** A relative path that must not climb out of the folder it is relative to. */
function insidePath(name: string, value: string): string {
  const normalised = path.posix.normalize(value.replace(/\\/g, '/'));
  if (path.isAbsolute(value) || normalised === '..' || normalised.startsWith('../')) {
    throw new InputError(name, value, 'Allowed: a relative path inside working-directory.');
  }
  return value;
}

const PLACEHOLDERS: readonly string[] = TEMPLATE_PLACEHOLDERS;

function template(name: string): string {
  const value = raw(name);
  if (value === '') throw new InputError(name, value, 'It must not be empty.');
  for (const match of value.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.includes(match[1]!)) {
      throw new InputError(
        name,
        value,
        `Unknown placeholder {${match[1]}}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`,
      );
    }
  }
  return insidePath(name, value);
}

export function getInputs(): Inputs {
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

  const smokeTargetsRaw = raw('smoke-targets');
  let smokeTargets: SmokeTargets;
  if (
    smokeTargetsRaw === 'auto' ||
    smokeTargetsRaw === 'native' ||
    smokeTargetsRaw === 'none' ||
    smokeTargetsRaw === ''
  ) {
    smokeTargets = { mode: smokeTargetsRaw === '' ? 'auto' : smokeTargetsRaw };
  } else {
    let listed: Target[];
    try {
      listed = parseTargets(smokeTargetsRaw);
    } catch (error) {
      throw new InputError(
        'smoke-targets',
        smokeTargetsRaw,
        `${(error as Error).message}. Allowed: auto, native, none, or targets from the targets input.`,
      );
    }
    const built = new Set(targets.map((t) => t.id));
    const notBuilt = listed.filter((t) => !built.has(t.id));
    if (notBuilt.length > 0) {
      throw new InputError(
        'smoke-targets',
        smokeTargetsRaw,
        `${notBuilt.map((t) => t.id).join(', ')} is not in targets; allowed: ${[...built].join(', ')}.`,
      );
    }
    smokeTargets = { mode: 'list', targets: listed };
  }

  const healthPath = raw('health-path') || '/healthz';
  if (!healthPath.startsWith('/') || /\s/.test(healthPath)) {
    throw new InputError(
      'health-path',
      healthPath,
      'Allowed: a URL path starting with "/" and without spaces.',
    );
  }
  const healthStatusRaw = raw('health-status') || '200';
  if (!/^[1-5]\d\d$/.test(healthStatusRaw)) {
    throw new InputError('health-status', healthStatusRaw, 'Allowed: an HTTP status code from 100 to 599.');
  }
  const regexRaw = core.getInput('health-body-regex');
  let healthBodyRegex: RegExp | null = null;
  if (regexRaw !== '') {
    try {
      healthBodyRegex = new RegExp(regexRaw);
    } catch (error) {
      throw new InputError(
        'health-body-regex',
        regexRaw,
        `It is not a valid regular expression: ${(error as Error).message}.`,
      );
    }
  }

  const retentionRaw = raw('retention-days');
  const retentionDays = retentionRaw === '' ? undefined : positiveInt('retention-days', 0, 90);

  const checksumsFile = raw('checksums-file') || 'checksums.txt';
  if (checksumsFile.includes('/') || checksumsFile.includes('\\') || checksumsFile.startsWith('.')) {
    throw new InputError(
      'checksums-file',
      checksumsFile,
      'Allowed: a plain file name (no folders, not hidden).',
    );
  }

  const registryPassword = core.getInput('registry-password');
  // Masked before anything else can print it, including our own error messages below.
  if (registryPassword) core.setSecret(registryPassword);

  const image = splitList(raw('image'));
  const push = bool('push');
  if (push && image.length === 0)
    throw new InputError('push', 'true', 'Pushing needs the image input to name the image.');

  const goVersion = raw('go-version');
  if (
    goVersion &&
    !/^(stable|oldstable|\d+(\.\d+){0,2}((rc|beta)\d+)?(\.x)?|go\d+(\.\d+){0,2})$/.test(goVersion)
  ) {
    throw new InputError(
      'go-version',
      goVersion,
      'Allowed: an exact release (1.26.8), a minor line (1.26), stable or oldstable.',
    );
  }

  return {
    workingDirectory,
    goVersion,
    goVersionFile: raw('go-version-file'),
    goDownloadSource: oneOf('go-download-source', ['go.dev', 'module-proxy'] as const),
    goDownloadBaseUrl: (raw('go-download-base-url') || 'https://go.dev/dl').replace(/\/+$/, ''),
    goSkipChecksum: bool('go-skip-checksum'),
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
    smokeTest: bool('smoke-test'),
    smokeTargets,
    healthPath,
    healthStatus: Number(healthStatusRaw),
    healthBodyRegex,
    smokeEnv: keyValues('smoke-env'),
    smokeArgs: args('smoke-args'),
    readyTimeoutSeconds: positiveInt('ready-timeout', 30, 3600),
    shutdownTimeoutSeconds: positiveInt('shutdown-timeout', 10, 3600),
    archiveFormat: oneOf('archive-format', ['auto', 'tar.gz', 'zip', 'none'] as const),
    archiveNameTemplate: template('archive-name-template'),
    archiveFiles: splitLines(core.getInput('archive-files')),
    checksumsFile,
    upload: bool('upload'),
    uploadMode: oneOf('upload-mode', ['single', 'per-target'] as const),
    artifactName: raw('artifact-name'),
    retentionDays,
    cache: bool('cache'),
    cacheDependencyPath: splitLines(core.getInput('cache-dependency-path')),
    image,
    platforms: splitList(raw('platforms')),
    tags: splitList(raw('tags')),
    push,
    registry: raw('registry'),
    registryUsername: raw('registry-username'),
    registryPassword,
    baseImage: raw('base-image') || 'scratch',
    dockerfile: raw('dockerfile') ? insidePath('dockerfile', raw('dockerfile')) : '',
    labels: keyValues('labels'),
    provenance: bool('provenance'),
    sbom: bool('sbom'),
    builder: raw('builder'),
    imageSmokeTest: bool('image-smoke-test'),
  };
}
