// The image stage: a multi-platform image assembled from the binaries already built (no compiling, no emulation),
// smoke-tested on the runner's own platform, then pushed.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import type { SmokeOptions } from '../smoke/plan.js';
import type { SmokeResult } from '../types.js';
import { checkBuildx, runBuildx, runDocker, type BuildxOptions } from './buildx.js';
import { prepareContext } from './context.js';
import { assembleImage } from './distribute.js';
import { detectLicense, imageLabels } from './labels.js';
import type { ImageContext, ImageStagePlan, ImageStageResult } from './plan.js';
import { runnerImagePlatform, type ImagePlatform } from './platforms.js';
import { withRegistryLogin } from './registry.js';
import { smokeImage } from './smoke.js';
import { annotateSmokeNotes } from '../smoke/stage.js';

async function licenseOf(workingDirectory: string): Promise<string> {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING']) {
    try {
      return detectLicense(await fs.readFile(path.join(workingDirectory, name), 'utf8'));
    } catch {
      // Try the next spelling.
    }
  }
  return '';
}

async function readMetadata(file: string): Promise<{ text: string; digest?: string }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { text: '' };
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const digest = parsed['containerimage.digest'];
    return typeof digest === 'string' ? { text, digest } : { text };
  } catch {
    return { text };
  }
}

/**
 * Loads the runner's platform into the engine, runs it and health-checks it. Skipped (never failed) when the
 * runner's platform is not among the image platforms or no engine answers.
 */
async function smokeTestImage(
  base: Omit<BuildxOptions, 'platforms' | 'tags' | 'output' | 'metadataFile' | 'provenance' | 'sbom'>,
  platforms: ImagePlatform[],
  options: SmokeOptions,
  env: Record<string, string>,
  workDir: string,
): Promise<SmokeResult> {
  const own = runnerImagePlatform(process.platform, process.arch);
  if (!platforms.some((p) => p.platform === own)) {
    return {
      status: 'skipped',
      reason: `the image has no ${own ?? 'Linux'} platform, which is what this runner can run`,
    };
  }
  const engine = await runDocker(['version', '--format', '{{.Server.Version}}'], env, { silent: true });
  if (engine.exitCode !== 0) {
    return {
      status: 'skipped',
      reason: `no Docker engine answered (docker version: ${engine.output.split('\n').pop()})`,
    };
  }
  const localTag = `gin-release-smoke:${crypto.randomBytes(6).toString('hex')}`;
  core.info(`Smoke test: building ${own} into the engine as ${localTag}`);
  try {
    await runBuildx(
      {
        ...base,
        platforms: [own!],
        tags: [localTag],
        // The engine's image store takes no attestations.
        provenance: false,
        sbom: false,
        metadataFile: path.join(workDir, 'smoke-metadata.json'),
        output: { kind: 'load' },
      },
      env,
      `${own} for the smoke test`,
    );
    return await smokeImage(localTag, options, env);
  } finally {
    await runDocker(['image', 'rm', '--force', localTag], env, { silent: true });
  }
}

/** Builds the image for every platform from the built binaries; smoke-tests it; pushes it when asked and healthy. */
export async function runImageStage(plan: ImageStagePlan, options: ImageContext): Promise<ImageStageResult> {
  if (plan.distribute === 'assemble') return assembleImage(plan, options.distributed ?? []);
  const { settings } = plan;
  const byDigest = plan.distribute === 'push-by-digest';
  const { release } = options;
  const platformNames = plan.platforms.map((p) => p.platform);
  const binaries = plan.platforms.map((platform) => {
    const artifact = options.artifacts.find((a) => a.target.id === platform.target.id);
    if (!artifact)
      throw new Error(
        `No binary was built for ${platform.target.id}, which the ${platform.platform} image needs`,
      );
    return { platform, path: artifact.path };
  });
  const customDockerfile = settings.dockerfile
    ? path.resolve(options.workingDirectory, settings.dockerfile)
    : '';
  if (customDockerfile) {
    try {
      await fs.access(customDockerfile);
    } catch {
      throw new InputError(
        'dockerfile',
        settings.dockerfile,
        `There is no such file in ${options.workingDirectory}.`,
      );
    }
  }
  core.info(`Image platforms: ${platformNames.join(', ')}`);
  core.info(`Image references: ${plan.refs.join(', ')}`);

  const source = options.source ?? {
    serverUrl: process.env['GITHUB_SERVER_URL'] ?? '',
    repository: process.env['GITHUB_REPOSITORY'] ?? '',
  };
  const labels = imageLabels(
    {
      ...source,
      commit: release.commit,
      version: release.version,
      created: release.date,
      title: options.binaryName,
      licenses: await licenseOf(options.workingDirectory),
    },
    settings.labels,
  );

  return withRegistryLogin(plan.login, async (env) => {
    await checkBuildx(settings.builder, platformNames, env);
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gin-release-image-'));
    try {
      const contextDir = path.join(workDir, 'context');
      await fs.mkdir(contextDir);
      const context = await prepareContext({
        dir: contextDir,
        binaryName: options.binaryName,
        binaries,
        baseImage: settings.baseImage,
        epoch: release.epoch,
      });
      if (!context.caBundle && settings.baseImage === 'scratch' && !settings.dockerfile) {
        core.warning(
          'This runner has no CA certificate bundle (/etc/ssl/certs/ca-certificates.crt), so the image has none: ' +
            'HTTPS requests from the service will fail. Use a base image with certificates (base-image) or install ca-certificates on the runner.',
        );
      }
      const dockerfile = customDockerfile || context.dockerfile;
      const base = {
        builder: settings.builder,
        labels,
        // BuildKit stamps the image config and history with this time instead of the build's.
        buildArgs: [['SOURCE_DATE_EPOCH', String(release.epoch)]] as Array<[string, string]>,
        dockerfile,
        context: contextDir,
      };

      let smoke: SmokeResult | undefined;
      if (settings.smoke) {
        smoke = await smokeTestImage(base, plan.platforms, settings.smoke, env, workDir);
        if (smoke.status === 'failed') {
          const tail = smoke.logTail?.length
            ? `\nLast lines of its output:\n${smoke.logTail.join('\n')}`
            : '';
          throw new Error(
            `The image failed its smoke test (docker run of the ${runnerImagePlatform(process.platform, process.arch)} image): ` +
              `${smoke.reason}.${settings.push ? ' Nothing was pushed.' : ''}${tail}`,
          );
        }
        annotateSmokeNotes('the image', smoke);
        if (smoke.status === 'skipped') core.warning(`Image smoke test skipped: ${smoke.reason}.`);
        else
          core.info(
            `Image smoke test passed (ready after ${smoke.readyMs} ms, shut down in ${smoke.shutdownMs} ms)`,
          );
      }

      const metadataFile = path.join(workDir, 'metadata.json');
      const name = plan.names[0]!.name;
      core.info(
        `${settings.push ? 'Building and pushing' : 'Building'} ${platformNames.join(', ')}${byDigest ? ` to ${name} by digest, for the merge job to tag` : ''}`,
      );
      await runBuildx(
        {
          ...base,
          platforms: platformNames,
          tags: byDigest ? [] : plan.refs,
          provenance: settings.provenance,
          sbom: settings.sbom,
          metadataFile,
          output: byDigest
            ? { kind: 'push-by-digest', name }
            : settings.push
              ? { kind: 'push' }
              : { kind: 'none' },
        },
        env,
        settings.push ? 'push' : 'all platforms',
      );
      const metadata = await readMetadata(metadataFile);
      if (byDigest && !metadata.digest)
        throw new Error(`buildx reported no digest for the ${name} push by digest`);
      if (settings.push)
        core.info(
          `Pushed ${byDigest ? name : plan.refs.join(', ')}${metadata.digest ? ` (${metadata.digest})` : ''}`,
        );
      return {
        refs: byDigest ? [] : plan.refs,
        ...(settings.push && metadata.digest ? { digest: metadata.digest } : {}),
        ...(metadata.text ? { metadata: metadata.text } : {}),
        platforms: platformNames,
        pushed: settings.push,
        ...(smoke ? { smoke } : {}),
        ...(byDigest ? { byDigest: { name, digest: metadata.digest!, platforms: platformNames } } : {}),
      };
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  });
}
