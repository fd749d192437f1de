// Readers for the text forms inputs come in. Each reads one input once and throws an InputError naming the input,
// the value given and what is allowed.
import * as path from 'node:path';
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { TEMPLATE_PLACEHOLDERS } from '../template.js';
import { parseKeyValues, splitArgs } from '../util/text.js';

/** The input as given, trimmed; '' when unset. */
export function raw(name: string): string {
  return core.getInput(name, { required: false, trimWhitespace: true });
}

export function bool(name: string): boolean {
  const value = raw(name);
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0|)$/i.test(value)) return false;
  throw new InputError(name, value, 'Allowed: true or false.');
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const value = raw(name);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, value, `Allowed: ${allowed.join(', ')}.`);
}

export function positiveInt(name: string, fallback: number, max = 1_000_000): number {
  const value = raw(name);
  if (value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new InputError(name, value, `Allowed: a whole number from 1 to ${max}.`);
  }
  return Number(value);
}

export function args(name: string): string[] {
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

export function keyValues(name: string): Array<[string, string]> {
  const value = core.getInput(name);
  try {
    return parseKeyValues(value);
  } catch (error) {
    throw new InputError(name, value, `Allowed: one KEY=VALUE per line; ${(error as Error).message}.`);
  }
}

/** A relative path that must not climb out of the folder it is relative to. */
export function insidePath(name: string, value: string): string {
  const normalised = path.posix.normalize(value.replace(/\\/g, '/'));
  if (path.isAbsolute(value) || normalised === '..' || normalised.startsWith('../')) {
    throw new InputError(name, value, 'Allowed: a relative path inside working-directory.');
  }
  return value;
}

const PLACEHOLDERS: readonly string[] = TEMPLATE_PLACEHOLDERS;

/** A name template: not empty, known placeholders only, inside the folder it names files in. */
export function template(name: string): string {
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
