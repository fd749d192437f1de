// Which part of the image a shard job makes. Without image-distribute the merge job builds the whole image from the
// verified binaries, so a shard makes none; with it, each shard pushes its own Linux platforms by digest. Pure.
import { imagePlatformOf, normalisePlatform } from '../image/platforms.js';
import type { ImageDistribution } from '../image/plan.js';
import type { Inputs, ReleaseMode } from '../inputs.js';

/** The image inputs as a shard sees them: its own platforms only (none when it builds no Linux target). */
export function shardImageInputs(inputs: Inputs): Inputs {
  if (!inputs.imageDistribute) return { ...inputs, image: [] };
  const own = new Set(inputs.targets.flatMap((t) => imagePlatformOf(t)?.platform ?? []));
  if (own.size === 0) return { ...inputs, image: [] };
  // The platforms input names the whole image's platforms; this shard pushes those it builds.
  const platforms = inputs.platforms.filter((p) => own.has(normalisePlatform(p) ?? ''));
  if (inputs.platforms.length > 0 && platforms.length === 0) return { ...inputs, image: [] };
  return { ...inputs, platforms };
}

/** How this job takes part in a distributed image; null when one job builds it whole. */
export function imageDistribution(mode: ReleaseMode, imageDistribute: boolean): ImageDistribution | null {
  if (!imageDistribute || mode === 'release') return null;
  return mode === 'shard' ? 'push-by-digest' : 'assemble';
}
