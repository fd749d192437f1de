// Registry login into a temporary DOCKER_CONFIG under RUNNER_TEMP: the credentials never touch the runner's own
// docker config, never appear in an argv, and are deleted when the step is done, also when it is cancelled.
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { registerCleanup } from '../util/process/reaper.js';
import { lastLines } from '../util/text.js';
import { runDocker } from './buildx.js';

export interface RegistryLogin {
  /** Registry host[:port]; '' or docker.io for Docker Hub. */
  registry: string;
  username: string;
  password: string;
}

/** The docker config folder the docker CLI uses for `env`. Pure. */
export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env['DOCKER_CONFIG'] || path.join(home, '.docker');
}

/**
 * The environment for a temporary DOCKER_CONFIG. Builders live in the buildx folder of the docker config, so
 * BUILDX_CONFIG keeps pointing at the original one: a builder created earlier (docker/setup-buildx-action, a
 * `remote` one) stays usable. Pure.
 */
export function loginEnv(env: NodeJS.ProcessEnv, home: string, tempConfig: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  result['BUILDX_CONFIG'] = env['BUILDX_CONFIG'] || path.join(dockerConfigDir(env, home), 'buildx');
  result['DOCKER_CONFIG'] = tempConfig;
  return result;
}

/** A one-line cause of a failed login, from docker's output, with the password cut out in case it is echoed. */
export function describeLoginFailure(output: string, login: RegistryLogin): string {
  const clean = login.password ? output.split(login.password).join('***') : output;
  const where = login.registry || 'Docker Hub';
  if (/unauthorized|incorrect username or password|authentication required|denied|401/i.test(clean)) {
    return `${where} refused the credentials of user "${login.username}" (check registry-username and registry-password; a GITHUB_TOKEN needs permissions: packages: write): ${lastLines(clean, 3)}`;
  }
  if (
    /connection refused|no such host|i\/o timeout|timeout|dial tcp|network is unreachable|server misbehaving/i.test(
      clean,
    )
  ) {
    return `${where} could not be reached (is the registry name right and the registry up?): ${lastLines(clean, 3)}`;
  }
  if (/Cannot connect to the Docker daemon|docker daemon/i.test(clean)) {
    return `docker login needs a running Docker engine, and none answered: ${lastLines(clean, 3)}`;
  }
  return lastLines(clean, 5);
}

/**
 * RUNNER_TEMP when the runner gives one: the runner empties it after every job, and unlike /tmp it is not shared
 * with every other job and user of a self-hosted machine.
 */
export function tempRoot(env: NodeJS.ProcessEnv): string {
  return env['RUNNER_TEMP'] || os.tmpdir();
}

async function privateTempRoot(): Promise<string> {
  const root = tempRoot(process.env);
  await fs.mkdir(root, { recursive: true });
  return root;
}

async function linkIfPresent(from: string, to: string): Promise<void> {
  try {
    await fs.stat(from);
  } catch {
    return;
  }
  await fs.symlink(from, to);
}

/**
 * Runs `fn` with an environment whose DOCKER_CONFIG is a fresh private folder logged in to the registry (when a
 * login is given; otherwise with the runner's environment as it is). The folder links the original config's CLI
 * plugins and contexts, so that buildx and the current docker context are found, and is removed afterwards.
 */
export async function withRegistryLogin<T>(
  login: RegistryLogin | null,
  fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  if (!login) {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    return fn(env);
  }
  core.setSecret(login.password);
  const original = dockerConfigDir(process.env, os.homedir());
  const dir = await fs.mkdtemp(path.join(await privateTempRoot(), 'gin-release-docker-'));
  // Removed on every way out: the finally below, and a cancelled run's SIGINT/SIGTERM or an exit in between.
  const unregister = registerCleanup(() => fsSync.rmSync(dir, { recursive: true, force: true }));
  try {
    await fs.chmod(dir, 0o700);
    await linkIfPresent(path.join(original, 'cli-plugins'), path.join(dir, 'cli-plugins'));
    await linkIfPresent(path.join(original, 'contexts'), path.join(dir, 'contexts'));
    const config: Record<string, unknown> = {};
    try {
      const current = JSON.parse(await fs.readFile(path.join(original, 'config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      // Only what selects the engine; credential helpers would store the password outside this folder.
      if (typeof current['currentContext'] === 'string') config['currentContext'] = current['currentContext'];
    } catch {
      // No config, or not JSON: docker's defaults apply.
    }
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    const env = loginEnv(process.env, os.homedir(), dir);
    const server = login.registry && login.registry !== 'docker.io' ? [login.registry] : [];
    core.info(
      `Logging in to ${login.registry || 'Docker Hub'} as ${login.username} (credentials kept in a temporary DOCKER_CONFIG)`,
    );
    const result = await runDocker(
      ['login', ...server, '--username', login.username, '--password-stdin'],
      env,
      {
        silent: true,
        input: Buffer.from(login.password),
      },
    );
    if (result.exitCode !== 0) {
      throw new Error(
        `docker login to ${login.registry || 'Docker Hub'} failed: ${describeLoginFailure(result.output, login)}`,
      );
    }
    return await fn(env);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    unregister();
  }
}
