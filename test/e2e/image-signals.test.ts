// The registry credentials and the docker children of the image stage, through the bundled action against the real
// toolchain of scripts/e2e-env (dockerd, buildkitd behind a buildx remote builder, a registry with htpasswd auth):
// the temporary DOCKER_CONFIG lives under RUNNER_TEMP and is gone after the step, also when the step is cancelled
// with SIGTERM or SIGINT while buildx builds, and no docker process outlives the step.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun, type RunProbe } from '../support/action-run.js';
import { startE2eEnv, stopE2eEnv, type E2eEnv } from '../support/e2e-env.js';
import { envOf, trackedBy, type LiveProcess } from '../support/processes.js';

const GOOD = path.resolve(import.meta.dirname, '../fixtures/smoke/good');
let env: E2eEnv | undefined;
const runs: ActionRun[] = [];
const workspaces: string[] = [];

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
  await stopE2eEnv(env);
});

/** The DOCKER_CONFIG folders the action's docker processes use, as seen in their environments. */
function dockerConfigs(processes: LiveProcess[]): string[] {
  return [
    ...new Set(processes.filter((p) => p.command.startsWith('docker')).map((p) => envOf(p, 'DOCKER_CONFIG'))),
  ];
}

function credentialFolders(runnerDir: string): string[] {
  return fs
    .readdirSync(path.join(runnerDir, 'temp'))
    .filter((name) => name.startsWith('gin-release-docker-'));
}

async function imageRun(
  repository: string,
  when: (probe: RunProbe) => boolean,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<ActionRun> {
  const workspace = workspaceFrom(GOOD);
  workspaces.push(workspace);
  const result = await runAction({
    workspace,
    inputs: {
      cache: 'false',
      upload: 'false',
      'smoke-test': 'false',
      'image-smoke-test': 'false',
      targets: 'linux/amd64',
      version: '1.2.3',
      image: `${env!.registry}/${repository}`,
      push: 'true',
      'registry-username': env!.user,
      'registry-password': env!.password,
      builder: env!.builder,
    },
    env: env!.dockerEnv,
    interrupt: { when, signal },
  });
  runs.push(result);
  return result;
}

describe('registry credentials of the image stage', () => {
  test('live in a private DOCKER_CONFIG under RUNNER_TEMP while docker runs, and are gone after the step', async () => {
    const seen = new Set<string>();
    let runnerTemp = '';
    const result = await imageRun('e2e/auth-folder', ({ pid, runnerDir }) => {
      runnerTemp = path.join(runnerDir, 'temp');
      for (const config of dockerConfigs(trackedBy(pid))) seen.add(config);
      // Only watches: never interrupts.
      return false;
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.get('image-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
    const private_ = [...seen].filter((config) => config !== env!.dockerEnv['DOCKER_CONFIG']);
    expect(private_.length, `docker configs seen: ${[...seen].join(', ')}`).toBeGreaterThan(0);
    for (const config of private_) {
      expect(path.dirname(config)).toBe(runnerTemp);
      expect(path.basename(config)).toMatch(/^gin-release-docker-/);
      expect(fs.existsSync(config)).toBe(false);
    }
    expect(credentialFolders(result.runnerDir)).toEqual([]);
    // The runner hides it everywhere once told with add-mask; nothing else may print it.
    const printed = result.log.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(printed.filter((line) => line.includes(env!.password))).toEqual([]);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s while buildx builds removes the credentials and ends every docker process',
    async (signal) => {
      let atSignal: LiveProcess[] = [];
      const result = await imageRun(
        `e2e/cancel-${signal.toLowerCase()}`,
        ({ pid }) => {
          const tracked = trackedBy(pid);
          const building = tracked.some(
            (p) => p.command.startsWith('docker') && p.args.includes('buildx') && p.args.includes('build'),
          );
          if (building) atSignal = tracked;
          return building;
        },
        signal,
      );
      expect(result.signal, result.log).toBe(signal);
      const configs = dockerConfigs(atSignal).filter((c) => c !== env!.dockerEnv['DOCKER_CONFIG']);
      expect(configs).toHaveLength(1);
      expect(configs[0]!.startsWith(path.join(result.runnerDir, 'temp', 'gin-release-docker-'))).toBe(true);
      expect(fs.existsSync(configs[0]!)).toBe(false);
      expect(credentialFolders(result.runnerDir)).toEqual([]);
      expect(result.leftAtExit.map((p) => `${p.command} (${p.pid})`)).toEqual([]);
      expect(result.survivors.map((p) => `${p.command} (${p.pid})`)).toEqual([]);
      expect(result.log).not.toMatch(/Pushed /);
    },
  );
});
