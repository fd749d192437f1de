// Sets inputs the way the runner does: every action.yml default as INPUT_* first, then the test's own values.
import * as path from 'node:path';
import { inputEnvName, readActionYml } from '../../src/local/action-yml.js';

export const ACTION_YML = path.resolve(import.meta.dirname, '../../action.yml');

export function actionDefaults(): Record<string, string> {
  return Object.fromEntries(
    readActionYml(ACTION_YML).inputs.map((input) => [input.name, input.default ?? '']),
  );
}

/** Applies defaults plus overrides to process.env; returns a function that restores what was there. */
export function setInputs(overrides: Record<string, string> = {}): () => void {
  const values = { ...actionDefaults(), ...overrides };
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    const key = inputEnvName(name);
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
