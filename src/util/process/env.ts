// The environment every child gets (go, git, docker, the app under test): the runner's, minus what belongs to the
// action alone. Inputs (a registry password, a token) arrive as INPUT_*, the runtime tokens as ACTIONS_*, and the
// file commands would let a child set this step's outputs, environment or PATH. Pure.
import { randomUUID } from 'node:crypto';

/**
 * Set in every child's environment and inherited by its children, so that anything this run started can be found
 * and ended, even a process that left its group (as the Actions runner does with RUNNER_TRACKING_ID).
 */
export const TRACKING_VARIABLE = 'GIN_RELEASE_TRACKING_ID';

/** This run's tracking value. */
export const TRACKING_ID = `gin-release-${process.pid}-${randomUUID()}`;

const FILE_COMMANDS = new Set([
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);
// Tokens a workflow commonly hands the step: the app under test is untrusted code and needs none of them.
const UNTRUSTED_DROPS = new Set(['GITHUB_TOKEN', 'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']);

/** Whether a variable of the runner's environment stays away from children. */
export function isPrivateVariable(key: string, untrusted = false): boolean {
  // Windows variable names are case-insensitive.
  const upper = key.toUpperCase();
  if (upper.startsWith('INPUT_') || upper.startsWith('ACTIONS_')) return true;
  if (FILE_COMMANDS.has(upper)) return true;
  return untrusted && UNTRUSTED_DROPS.has(upper);
}

/** The environment a started binary sees: the runner's, minus the action's private variables, plus `extra`. */
export function childEnv(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string>,
  options: { untrusted?: boolean } = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !isPrivateVariable(key, options.untrusted)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** `env` with this run's tracking variable, so the child and everything it starts can be found later. */
export function tracked(env: Record<string, string>): Record<string, string> {
  return { ...env, [TRACKING_VARIABLE]: TRACKING_ID };
}
