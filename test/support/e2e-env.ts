// The private image toolchain of the e2e tests (dockerd, buildkitd, a buildx remote builder, an authenticated
// registry), started and stopped by scripts/e2e-env/{start,stop}.sh so that people and CI use the same steps.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const SCRIPTS = path.resolve(import.meta.dirname, '../../scripts/e2e-env');

export interface E2eEnv {
  /** The state folder: sockets, logs, PID files. */
  dir: string;
  /** DOCKER_HOST, DOCKER_CONFIG, BUILDX_BUILDER for every docker client of the tests. */
  dockerEnv: Record<string, string>;
  builder: string;
  /** 127.0.0.1:<port> */
  registry: string;
  user: string;
  password: string;
}

function run(
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(SCRIPTS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Parses the KEY=VALUE lines start.sh writes. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

/** Starts the toolchain in a fresh folder under /tmp (short: socket paths are limited to 107 bytes). */
export async function startE2eEnv(): Promise<E2eEnv> {
  const dir = await fs.mkdtemp('/tmp/gr-e2e-');
  const started = await run('start.sh', [dir], 240_000);
  if (started.code !== 0) {
    await run('stop.sh', [dir], 60_000);
    throw new Error(
      `scripts/e2e-env/start.sh failed (exit ${started.code}); run scripts/e2e-env/install.sh first if tools are missing:\n${started.output}`,
    );
  }
  const values = parseEnvFile(await fs.readFile(path.join(dir, 'env'), 'utf8'));
  const need = (key: string): string => {
    const value = values[key];
    if (!value) throw new Error(`${dir}/env has no ${key}`);
    return value;
  };
  return {
    dir,
    dockerEnv: {
      DOCKER_HOST: need('DOCKER_HOST'),
      DOCKER_CONFIG: need('DOCKER_CONFIG'),
      BUILDX_BUILDER: need('BUILDX_BUILDER'),
    },
    builder: need('BUILDX_BUILDER'),
    registry: need('E2E_REGISTRY'),
    user: need('E2E_REGISTRY_USER'),
    password: need('E2E_REGISTRY_PASSWORD'),
  };
}

/** Stops every daemon by its recorded PID and removes the folder. */
export async function stopE2eEnv(env: E2eEnv | undefined): Promise<void> {
  if (!env) return;
  const stopped = await run('stop.sh', [env.dir], 120_000);
  if (stopped.code !== 0) throw new Error(`scripts/e2e-env/stop.sh failed:\n${stopped.output}`);
}
