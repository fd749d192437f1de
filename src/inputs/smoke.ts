// How the built binaries are smoke-tested.
import * as core from '@actions/core';
import { parseTargets } from '../build/targets.js';
import { InputError } from '../errors.js';
import type { Target } from '../types.js';
import { args, bool, keyValues, positiveInt, raw } from './read.js';

/** `auto`, `native`, `none`, or an explicit list of target ids. */
export type SmokeTargets = { mode: 'auto' | 'native' | 'none' } | { mode: 'list'; targets: Target[] };

export interface SmokeInputs {
  smokeTest: boolean;
  smokeTargets: SmokeTargets;
  /** `/healthz` when health-path is empty. */
  healthPath: string;
  /** Whether health-path was set; a default route may be replaced by a common one that answers. */
  healthPathExplicit: boolean;
  healthStrict: boolean;
  healthStatus: number;
  healthBodyRegex: RegExp | null;
  smokeEnv: Array<[string, string]>;
  smokeArgs: string[];
  readyTimeoutSeconds: number;
  shutdownTimeoutSeconds: number;
}

/** `targets` is what is built: smoke-targets may only name those. */
export function readSmokeInputs(targets: Target[]): SmokeInputs {
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

  const healthPathRaw = raw('health-path');
  const healthPath = healthPathRaw || '/healthz';
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

  return {
    smokeTest: bool('smoke-test'),
    smokeTargets,
    healthPath,
    healthPathExplicit: healthPathRaw !== '',
    healthStrict: bool('health-strict'),
    healthStatus: Number(healthStatusRaw),
    healthBodyRegex,
    smokeEnv: keyValues('smoke-env'),
    smokeArgs: args('smoke-args'),
    readyTimeoutSeconds: positiveInt('ready-timeout', 30, 3600),
    shutdownTimeoutSeconds: positiveInt('shutdown-timeout', 10, 3600),
  };
}
