// Which built binary goes into which image platform. Pure.
import { InputError } from '../errors.js';
import { goPlatformOf } from '../util/platform.js';
import { ociPlatform } from '../build/targets.js';
import type { Target } from '../types.js';

export interface ImagePlatform {
  /** The platform as buildx and the image index name it: linux/amd64, linux/arm/v7. */
  platform: string;
  os: string;
  architecture: string;
  /** OCI variant ('' for none): v6/v7 for arm; arm64's v8 is dropped as containerd normalises it away. */
  variant: string;
  /** The built target whose binary goes in. */
  target: Target;
}

/**
 * The image platform of a target, in the spelling BuildKit passes as TARGETOS/TARGETARCH/TARGETVARIANT, or null for
 * targets no image can hold (non-Linux). amd64 levels are no OCI variant, and linux/arm64/v8 is plain linux/arm64.
 */
export function imagePlatformOf(target: Target): ImagePlatform | null {
  if (target.goos !== 'linux') return null;
  const [os, architecture, variant = ''] = ociPlatform(target).split('/') as [string, string, string?];
  const normalised = architecture === 'arm64' && variant === 'v8' ? '' : variant;
  return {
    platform: normalised ? `${os}/${architecture}/${normalised}` : `${os}/${architecture}`,
    os,
    architecture,
    variant: normalised,
    target,
  };
}

/**
 * An OCI platform as the image index spells it: `linux/arm/7` is linux/arm/v7, `linux/arm64/v8` is linux/arm64.
 * Null when it is not os/arch[/variant]. Pure.
 */
export function normalisePlatform(spec: string): string | null {
  const parts = spec.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._]+$/.test(p))) return null;
  const [os, arch, rawVariant = ''] = parts as [string, string, string?];
  let variant = rawVariant;
  if (arch === 'arm' && /^\d$/.test(variant)) variant = `v${variant}`;
  if (arch === 'arm64' && variant === 'v8') variant = '';
  return variant ? `${os}/${arch}/${variant}` : `${os}/${arch}`;
}

/**
 * The image platforms: every Linux target that was built (when `requested` is empty), or the requested ones, each of
 * which must have been built. Two targets of one platform (linux/amd64 and linux/amd64/v3) yield one entry: the
 * baseline build, which runs on every CPU of that platform.
 */
export function planPlatforms(built: Target[], requested: string[]): ImagePlatform[] {
  const byPlatform = new Map<string, ImagePlatform>();
  for (const target of built) {
    const candidate = imagePlatformOf(target);
    if (!candidate) continue;
    const earlier = byPlatform.get(candidate.platform);
    if (!earlier || (earlier.target.variant !== '' && target.variant === ''))
      byPlatform.set(candidate.platform, candidate);
  }
  const available = [...byPlatform.keys()];
  if (requested.length === 0) {
    if (available.length === 0) {
      throw new InputError(
        'platforms',
        '',
        `No Linux target was built (targets: ${built.map((t) => t.id).join(', ') || 'none'}), and images hold Linux binaries only. Add e.g. linux/amd64 to targets.`,
      );
    }
    return [...byPlatform.values()];
  }
  const chosen: ImagePlatform[] = [];
  for (const spec of requested) {
    const wanted = normalisePlatform(spec);
    if (wanted === null) {
      throw new InputError(
        'platforms',
        spec,
        `It is not of the form os/arch[/variant]. Allowed: ${available.join(', ') || 'none'}.`,
      );
    }
    const match = byPlatform.get(wanted);
    if (!match) {
      throw new InputError(
        'platforms',
        spec,
        `No binary was built for it. Allowed: ${available.join(', ') || 'none (no Linux target in targets)'}; or add it to targets.`,
      );
    }
    if (chosen.some((p) => p.platform === match.platform)) {
      throw new InputError('platforms', spec, `${match.platform} is listed twice.`);
    }
    chosen.push(match);
  }
  return chosen;
}

/** The image platform this runner executes natively, e.g. linux/amd64; null when there is none (not Linux). */
export function runnerImagePlatform(platform: NodeJS.Platform, arch: string): string | null {
  if (platform !== 'linux') return null;
  const { goarch } = goPlatformOf(platform, arch);
  // 32-bit ARM Linux runners are ARMv7 (hard float); the image index names that linux/arm/v7.
  return goarch === 'arm' ? 'linux/arm/v7' : `linux/${goarch}`;
}
