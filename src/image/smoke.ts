// The smoke test of an image: `docker run` it on the host network with a free PORT and apply the same health check
// as to the bare binaries (src/smoke). SIGTERM to the `docker run` client reaches the container (it proxies signals
// by default), so the graceful-shutdown check holds for the container too.
import * as crypto from 'node:crypto';
import type { SmokeResult } from '../types.js';
import { runHealthCheck } from '../smoke/healthz.js';
import { substitutePort, type SmokeLaunch, type SmokeOptions } from '../smoke/plan.js';
import { runDocker } from './buildx.js';

/** The `docker run` of one smoke attempt. Pure. */
export function containerLaunch(
  image: string,
  containerName: string,
  options: SmokeOptions,
  port: number,
): SmokeLaunch {
  const env: Array<[string, string]> = [
    ['PORT', String(port)],
    // Host networking: keep the server off the runner's other interfaces when the app honours BIND_ADDR.
    ['BIND_ADDR', '127.0.0.1'],
    ...options.env.map(([key, value]): [string, string] => [key, substitutePort(value, port)]),
  ];
  return {
    command: 'docker',
    args: [
      'run',
      '--rm',
      '--name',
      containerName,
      '--network',
      'host',
      ...env.flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      image,
      ...options.args.map((arg) => substitutePort(arg, port)),
    ],
    env: {},
    runner: 'docker',
    retries: 0,
    // The client's sockets say nothing about where the containerised server listens.
    inspectSockets: false,
  };
}

/**
 * Runs the health check against `image` (already in the engine). A container left behind by a killed client is
 * removed by name afterwards.
 */
export async function smokeImage(
  image: string,
  options: SmokeOptions,
  env: Record<string, string>,
): Promise<SmokeResult> {
  return runHealthCheck((port) => {
    const name = `gin-release-smoke-${crypto.randomBytes(6).toString('hex')}`;
    return {
      ...containerLaunch(image, name, options, port),
      env: Object.fromEntries(
        ['DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT'].flatMap((key) =>
          env[key] ? [[key, env[key]]] : [],
        ),
      ),
      cleanup: async () => {
        await runDocker(['rm', '--force', name], env, { silent: true });
      },
    };
  }, options);
}
