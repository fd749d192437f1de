// A multi-platform image made by several jobs (image-distribute): each shard pushed its platforms by digest; the
// merge job makes the tagged index of those digests with `docker buildx imagetools create` and reads it back with
// `imagetools inspect --raw` to check that it holds every platform exactly once. The argv and the check are pure.
import * as core from '@actions/core';
import type { ShardImage } from '../matrix/manifest.js';
import { runCommand } from '../util/process/run.js';
import { lastLines } from '../util/text.js';
import { runDocker } from './buildx.js';
import type { ImageStagePlan, ImageStageResult } from './plan.js';
import { sha256Hex } from '../util/hash.js';
import { normalisePlatform } from './platforms.js';
import { withRegistryLogin } from './registry.js';

/** `docker buildx imagetools create`: one tag per reference, one source per shard digest. Pure. */
export function imagetoolsCreateArgs(
  builder: string,
  refs: readonly string[],
  sources: readonly string[],
): string[] {
  return [
    'buildx',
    'imagetools',
    'create',
    ...(builder ? ['--builder', builder] : []),
    ...refs.flatMap((ref) => ['--tag', ref]),
    ...sources,
  ];
}

export function imagetoolsInspectArgs(builder: string, ref: string): string[] {
  return ['buildx', 'imagetools', 'inspect', ...(builder ? ['--builder', builder] : []), '--raw', ref];
}

interface IndexEntry {
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/**
 * The platforms an image index holds, in its order, attestation manifests (`unknown/unknown`, BuildKit's
 * provenance and SBOM) left out. Throws when the text is not an index. Pure.
 */
export function indexPlatforms(raw: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (error) {
    throw new Error(`imagetools inspect --raw did not print JSON: ${(error as Error).message}`);
  }
  const manifests = (doc as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests)) throw new Error('imagetools inspect --raw printed a manifest, not an index');
  const platforms: string[] = [];
  for (const entry of manifests as IndexEntry[]) {
    const p = entry.platform;
    if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (!p?.os || !p.architecture || p.os === 'unknown') continue;
    platforms.push(
      normalisePlatform([p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/')) ??
        `${p.os}/${p.architecture}`,
    );
  }
  return platforms;
}

/** How an assembled index differs from the platforms it must hold; [] when it holds each exactly once. Pure. */
export function indexProblems(found: readonly string[], expected: readonly string[]): string[] {
  const problems: string[] = [];
  const missing = expected.filter((p) => !found.includes(p));
  const extra = [...new Set(found.filter((p) => !expected.includes(p)))];
  const twice = [...new Set(found.filter((p, i) => found.indexOf(p) !== i))];
  if (missing.length > 0) problems.push(`it lacks ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`it holds ${extra.join(', ')}, which no target of this release is`);
  if (twice.length > 0) problems.push(`it holds ${twice.join(', ')} more than once`);
  return problems;
}

/** Makes and checks the tagged index of the shards' digests; the digest output is the index's. */
export async function assembleImage(
  plan: ImageStagePlan,
  images: readonly ShardImage[],
): Promise<ImageStageResult> {
  const platforms = plan.platforms.map((p) => p.platform);
  const sources = images.map((image) => `${image.name}@${image.digest}`);
  const ref = plan.refs[0]!;
  core.info(`Assembling ${plan.refs.join(', ')} from ${sources.join(', ')}`);
  return withRegistryLogin(plan.login, async (env) => {
    const created = await runDocker(imagetoolsCreateArgs(plan.settings.builder, plan.refs, sources), env);
    if (created.exitCode !== 0) {
      throw new Error(
        `docker buildx imagetools create failed with exit code ${created.exitCode}:\n${lastLines(created.output, 25)}`,
      );
    }
    // Read back from the registry as a pull sees it; stdout alone holds the index's bytes, whose SHA-256 is its digest.
    const inspected = await runCommand('docker', imagetoolsInspectArgs(plan.settings.builder, ref), {
      baseEnv: env,
    });
    if (inspected.exitCode !== 0) {
      throw new Error(
        `docker buildx imagetools inspect --raw ${ref} failed with exit code ${inspected.exitCode}:\n${lastLines(inspected.stderr, 25)}`,
      );
    }
    const problems = indexProblems(indexPlatforms(inspected.stdout), platforms);
    if (problems.length > 0)
      throw new Error(`The index pushed as ${ref} is not the release's image: ${problems.join('; ')}.`);
    const digest = `sha256:${sha256Hex(inspected.stdout)}`;
    core.info(`Pushed ${plan.refs.join(', ')} (${digest}) holding ${platforms.join(', ')}`);
    return { refs: plan.refs, digest, platforms, pushed: true };
  });
}
