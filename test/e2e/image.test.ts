// The image stage against real components: dockerd, buildkitd behind a buildx remote builder, and a registry with
// htpasswd auth, all started by scripts/e2e-env/start.sh on private sockets and 127.0.0.1.
// Needs scripts/e2e-env/install.sh to have run (docker.io, docker-registry, buildkitd, buildx).
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildImage, type ImageOptions } from '../support/image-stage.js';
import { getInputs } from '../../src/inputs.js';
import type { ReleaseInfo } from '../../src/types.js';
import { startE2eEnv, stopE2eEnv, type E2eEnv } from '../support/e2e-env.js';
import { applyEnv } from '../support/env.js';
import { GIN_APP } from '../support/fixtures.js';
import {
  buildBinaries,
  docker,
  UNHEALTHY_APP,
  waitForStatus,
  type FixtureBinary,
} from '../support/image-fixtures.js';
import {
  readTar,
  RegistryClient,
  type ImageConfigDoc,
  type IndexDoc,
  type ManifestDoc,
  type TarEntry,
} from '../support/image-registry.js';
import { setInputs } from '../support/inputs.js';

const PLATFORMS = [
  { target: 'linux/amd64', os: 'linux', architecture: 'amd64', variant: undefined },
  { target: 'linux/arm64', os: 'linux', architecture: 'arm64', variant: undefined },
  { target: 'linux/arm/v7', os: 'linux', architecture: 'arm', variant: 'v7' },
];
const COMMIT = '3f2a9c1d4e5b6a7980112233445566778899aabb';
const RELEASE: ReleaseInfo = {
  version: '1.2.3',
  commit: COMMIT,
  date: '2024-05-01T10:00:00Z',
  epoch: Date.parse('2024-05-01T10:00:00Z') / 1000,
  ref: 'refs/tags/v1.2.3',
};
const SOURCE = { serverUrl: 'https://github.com', repository: 'example/gin-app' };

let env: E2eEnv | undefined;
let restoreEnv: (() => void) | undefined;
let workDir: string;
let registry: RegistryClient;
let ginBinaries: FixtureBinary[];
let unhealthyBinaries: FixtureBinary[];

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-image-e2e-'));
  [env, ginBinaries, unhealthyBinaries] = await Promise.all([
    startE2eEnv(),
    buildBinaries(
      GIN_APP,
      path.join(workDir, 'gin'),
      'gin-app',
      PLATFORMS.map((p) => p.target),
    ),
    buildBinaries(UNHEALTHY_APP, path.join(workDir, 'unhealthy'), 'unhealthy', [
      'linux/amd64',
      'linux/arm64',
    ]),
  ]);
  restoreEnv = applyEnv(env.dockerEnv);
  registry = new RegistryClient(env.registry, env.user, env.password);
});

afterAll(async () => {
  restoreEnv?.();
  try {
    await stopE2eEnv(env);
  } finally {
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  }
});

/** Inputs the way the runner passes them, for the test's registry. */
function inputs(overrides: Record<string, string>): ReturnType<typeof getInputs> {
  const restore = setInputs({
    targets: PLATFORMS.map((p) => p.target).join(', '),
    'registry-username': env!.user,
    'registry-password': env!.password,
    builder: env!.builder,
    'ready-timeout': '20',
    ...overrides,
  });
  try {
    return getInputs();
  } finally {
    restore();
  }
}

function options(
  overrides: Record<string, string>,
  binaries = ginBinaries,
  binaryName = 'gin-app',
): ImageOptions {
  return {
    inputs: inputs(overrides),
    artifacts: binaries.map((b) => ({ target: b.target, path: b.path })),
    release: RELEASE,
    binaryName,
    workingDirectory: GIN_APP,
    source: SOURCE,
  };
}

/** Every file of an image, later layers over earlier ones (no whiteouts in these images). */
async function imageFiles(repository: string, manifest: ManifestDoc): Promise<Map<string, TarEntry>> {
  const files = new Map<string, TarEntry>();
  for (const layer of manifest.layers) {
    for (const entry of readTar(await registry.blob(repository, layer.digest))) files.set(entry.name, entry);
  }
  return files;
}

describe('image stage with a remote buildx builder, dockerd and an authenticated registry', () => {
  test('pushes a smoke-tested three-platform image whose layers hold the very binaries built', async () => {
    const repository = 'e2e/gin-app';
    const result = await buildImage(
      options({
        image: `${env!.registry}/${repository}`,
        push: 'true',
        labels: 'team=web\norg.opencontainers.image.title=Gin App',
      }),
    );

    expect(result.pushed).toBe(true);
    expect(result.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(result.refs).toEqual(
      ['1.2.3', '1.2', '1', 'latest', 'sha-3f2a9c1'].map((tag) => `${env!.registry}/${repository}:${tag}`),
    );
    expect(result.smoke).toMatchObject({ status: 'passed', runner: 'docker' });
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(result.metadata!)['containerimage.digest']).toBe(result.digest);

    expect((await registry.tags(repository)).sort()).toEqual(['1', '1.2', '1.2.3', 'latest', 'sha-3f2a9c1']);
    const index = await registry.manifest(repository, '1.2.3');
    expect(index.digest).toBe(result.digest);
    const manifests = (index.body as IndexDoc).manifests;
    expect(manifests.map((m) => m.platform)).toEqual(
      PLATFORMS.map((p) => ({
        os: p.os,
        architecture: p.architecture,
        ...(p.variant ? { variant: p.variant } : {}),
      })),
    );

    for (const [i, platform] of PLATFORMS.entries()) {
      const manifest = (await registry.manifest(repository, manifests[i]!.digest)).body as ManifestDoc;
      const config = JSON.parse(
        (await registry.blob(repository, manifest.config.digest)).toString(),
      ) as ImageConfigDoc;
      expect(config.os).toBe(platform.os);
      expect(config.architecture).toBe(platform.architecture);
      expect(config.variant).toBe(platform.variant);
      expect(config.created).toBe('2024-05-01T10:00:00Z');
      expect(config.config.User).toBe('65532:65532');
      expect(config.config.Entrypoint).toEqual(['/gin-app']);
      expect(config.config.Env).toContain('PORT=8080');
      expect(Object.keys(config.config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
      expect(config.config.Labels).toMatchObject({
        'org.opencontainers.image.title': 'Gin App',
        'org.opencontainers.image.source': 'https://github.com/example/gin-app',
        'org.opencontainers.image.revision': COMMIT,
        'org.opencontainers.image.version': '1.2.3',
        'org.opencontainers.image.created': '2024-05-01T10:00:00Z',
        'org.opencontainers.image.licenses': 'MIT',
        team: 'web',
      });

      const files = await imageFiles(repository, manifest);
      const binary = files.get('gin-app');
      expect(binary, `gin-app in the ${platform.target} image`).toBeDefined();
      expect(crypto.createHash('sha256').update(binary!.data).digest('hex')).toBe(ginBinaries[i]!.sha256);
      expect(binary!.mode & 0o777).toBe(0o755);
      expect(binary!.uid).toBe(0);
      expect(binary!.mtime).toBe(RELEASE.epoch);
      expect(files.get('etc/passwd')!.data.toString()).toContain('nonroot:x:65532:65532:');
      expect(files.get('etc/group')!.data.toString()).toContain('nonroot:x:65532:');
      expect(files.get('etc/ssl/certs/ca-certificates.crt')!.data.toString()).toContain('BEGIN CERTIFICATE');
      expect(files.get('tmp')).toMatchObject({ type: '5' });
      expect(files.get('tmp')!.mode & 0o7777).toBe(0o1777);
    }
  });

  test('the pushed amd64 image runs and answers 200 on /healthz, and stops cleanly', async () => {
    const image = `${env!.registry}/e2e/gin-app:1.2.3`;
    await docker(['login', env!.registry, '--username', env!.user, '--password-stdin'], {
      input: env!.password,
    });
    await docker(['pull', '--platform', 'linux/amd64', image]);
    const name = `gin-release-e2e-${crypto.randomBytes(4).toString('hex')}`;
    const port = 20_000 + crypto.randomInt(20_000);
    await docker([
      'run',
      '--detach',
      '--name',
      name,
      '--network',
      'host',
      '--env',
      `PORT=${port}`,
      '--env',
      'BIND_ADDR=127.0.0.1',
      image,
    ]);
    try {
      const answer = await waitForStatus(`http://127.0.0.1:${port}/healthz`, 20_000);
      expect(answer).toEqual({ status: 200, body: '{"status":"ok"}' });
      await docker(['stop', '--time', '10', name]);
      const state = await docker(['inspect', '--format', '{{.State.ExitCode}} {{.Config.User}}', name]);
      expect(state.stdout.trim()).toBe('0 65532:65532');
    } finally {
      await docker(['rm', '--force', name], { allowFailure: true });
    }
  });

  test('rebuilding the same commit from an empty cache gives the same digest', async () => {
    const repository = 'e2e/gin-app-again';
    const first = await buildImage(
      options({
        image: `${env!.registry}/${repository}`,
        push: 'true',
        tags: 'one',
        'image-smoke-test': 'false',
      }),
    );
    await docker(['buildx', 'prune', '--all', '--force', '--builder', env!.builder]);
    const second = await buildImage(
      options({
        image: `${env!.registry}/${repository}`,
        push: 'true',
        tags: 'two',
        'image-smoke-test': 'false',
      }),
    );
    expect(second.digest).toBe(first.digest);
  });

  test('an image that fails its health check is not pushed', async () => {
    const repository = 'e2e/unhealthy';
    await expect(
      buildImage(
        options(
          {
            image: `${env!.registry}/${repository}`,
            push: 'true',
            targets: 'linux/amd64, linux/arm64',
            'ready-timeout': '10',
          },
          unhealthyBinaries,
          'unhealthy',
        ),
      ),
    ).rejects.toThrow(
      /failed its smoke test \(docker run of the linux\/amd64 image\): GET .*expected status 200, got 503.*Nothing was pushed/s,
    );
    expect(await registry.tags(repository)).toEqual([]);
    expect(await registry.tagStatus(repository, '1.2.3')).toBe(404);
    // The smoke image is gone from the engine, and no container is left.
    expect((await docker(['image', 'ls', '--quiet', 'gin-release-smoke'])).stdout.trim()).toBe('');
    expect((await docker(['ps', '--all', '--quiet'])).stdout.trim()).toBe('');
  });

  test('a custom Dockerfile gets the same context', async () => {
    const dir = await fs.mkdtemp(path.join(workDir, 'custom-'));
    await fs.writeFile(
      path.join(dir, 'Dockerfile.release'),
      [
        'FROM scratch',
        'ARG TARGETARCH',
        'COPY rootfs/etc/passwd rootfs/etc/group /etc/',
        'COPY bin/linux/${TARGETARCH}/gin-app /srv/app',
        'USER nonroot',
        'ENTRYPOINT ["/srv/app"]',
        '',
      ].join('\n'),
    );
    const repository = 'e2e/custom';
    const result = await buildImage({
      ...options({
        image: `${env!.registry}/${repository}`,
        push: 'true',
        targets: 'linux/amd64, linux/arm64',
        tags: 'custom',
        dockerfile: 'Dockerfile.release',
      }),
      workingDirectory: dir,
    });
    expect(result.smoke?.status).toBe('passed');
    const index = (await registry.manifest(repository, 'custom')).body as IndexDoc;
    expect(index.manifests).toHaveLength(2);
    const manifest = (await registry.manifest(repository, index.manifests[0]!.digest)).body as ManifestDoc;
    const config = JSON.parse(
      (await registry.blob(repository, manifest.config.digest)).toString(),
    ) as ImageConfigDoc;
    expect(config.config.Entrypoint).toEqual(['/srv/app']);
    expect(config.config.User).toBe('nonroot');
    // Labels are passed to buildx, so a custom Dockerfile gets them too.
    expect(config.config.Labels?.['org.opencontainers.image.revision']).toBe(COMMIT);
  });

  test('a custom Dockerfile that does not exist is an input error, before any login or build', async () => {
    await expect(
      buildImage(
        options({ image: `${env!.registry}/e2e/missing`, push: 'true', dockerfile: 'Dockerfile.nope' }),
      ),
    ).rejects.toThrow(/Invalid input dockerfile: "Dockerfile\.nope"\. There is no such file in /);
  });

  test('the docker driver is refused for several platforms, with what to use instead', async () => {
    await expect(
      buildImage(options({ image: `${env!.registry}/e2e/docker-driver`, builder: 'default' })),
    ).rejects.toThrow(/docker driver, which cannot build a multi-platform image.*docker-container/);
  });

  test('a registry that is down fails the login clearly', async () => {
    await expect(buildImage(options({ image: '127.0.0.1:9/e2e/app', push: 'true' }))).rejects.toThrow(
      /docker login to 127\.0\.0\.1:9 failed: 127\.0\.0\.1:9 could not be reached/,
    );
  });

  test('a wrong password fails clearly, and the password appears in no output', async () => {
    const wrong = `wrong-${crypto.randomBytes(9).toString('hex')}`;
    const inputEnv: Record<string, string> = {};
    const restore = setInputs({
      image: `${env!.registry}/e2e/wrong-password`,
      targets: PLATFORMS.map((p) => p.target).join(', '),
      push: 'true',
      'registry-username': env!.user,
      'registry-password': wrong,
      builder: env!.builder,
    });
    for (const [key, value] of Object.entries(process.env))
      if (key.startsWith('INPUT_') && value !== undefined) inputEnv[key] = value;
    restore();
    const spec = {
      artifacts: ginBinaries,
      release: RELEASE,
      binaryName: 'gin-app',
      workingDirectory: GIN_APP,
      source: SOURCE,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(import.meta.dirname, '../support/image-stage-cli.ts')],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, ...inputEnv, IMAGE_STAGE_SPEC: JSON.stringify(spec) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

    expect(code).toBe(1);
    expect(output).toMatch(
      /::error::docker login to 127\.0\.0\.1:\d+ failed: 127\.0\.0\.1:\d+ refused the credentials of user "e2e"/,
    );
    // The one line that names it is the mask command, which the runner consumes and never shows.
    const naming = output.split('\n').filter((line) => line.includes(wrong));
    expect(naming.length).toBeGreaterThan(0);
    expect(naming.every((line) => line === `::add-mask::${wrong}`)).toBe(true);
    expect(await registry.tags('e2e/wrong-password')).toEqual([]);
  });
});
