// Sets inputs the way the runner does: every action.yml default as INPUT_* first, then the test's own values.
import * as path from 'node:path';
import { inputEnvName, readActionYml } from '../../src/local/action-yml.js';
import { applyEnv } from './env.js';

export const ACTION_YML = path.resolve(import.meta.dirname, '../../action.yml');

export function actionDefaults(): Record<string, string> {
  return Object.fromEntries(
    readActionYml(ACTION_YML).inputs.map((input) => [input.name, input.default ?? '']),
  );
}

/** Applies defaults plus overrides to process.env; returns a function that restores what was there. */
export function setInputs(overrides: Record<string, string> = {}): () => void {
  const values = { ...actionDefaults(), ...overrides };
  return applyEnv(
    Object.fromEntries(Object.entries(values).map(([name, value]) => [inputEnvName(name), value])),
  );
}
