import type { Target } from '../types.js';

// Which variant spellings each architecture takes, and the environment variable that carries it.
const VARIANTS: Record<string, { envVar: string; allowed: RegExp; describe: string }> = {
  arm: { envVar: 'GOARM', allowed: /^v?[567]$/, describe: 'v5, v6 or v7' },
  amd64: { envVar: 'GOAMD64', allowed: /^v[1-4]$/, describe: 'v1, v2, v3 or v4' },
  arm64: { envVar: 'GOARM64', allowed: /^v(8|9)\.\d$/, describe: 'v8.0 to v9.5' },
  '386': { envVar: 'GO386', allowed: /^(sse2|softfloat)$/, describe: 'sse2 or softfloat' },
  mips: { envVar: 'GOMIPS', allowed: /^(hardfloat|softfloat)$/, describe: 'hardfloat or softfloat' },
  mipsle: { envVar: 'GOMIPS', allowed: /^(hardfloat|softfloat)$/, describe: 'hardfloat or softfloat' },
  mips64: { envVar: 'GOMIPS64', allowed: /^(hardfloat|softfloat)$/, describe: 'hardfloat or softfloat' },
  mips64le: { envVar: 'GOMIPS64', allowed: /^(hardfloat|softfloat)$/, describe: 'hardfloat or softfloat' },
  ppc64: { envVar: 'GOPPC64', allowed: /^power(8|9|10)$/, describe: 'power8, power9 or power10' },
  ppc64le: { envVar: 'GOPPC64', allowed: /^power(8|9|10)$/, describe: 'power8, power9 or power10' },
  riscv64: { envVar: 'GORISCV64', allowed: /^rva2[023]u64$/, describe: 'rva20u64, rva22u64 or rva23u64' },
};

export class TargetError extends Error {}

/** Parses one `goos/goarch[/variant]`; GOARM variants are normalised to `v7` so `linux/arm/7` and `linux/arm/v7` collide. */
export function parseTarget(spec: string): Target {
  const parts = spec.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._]+$/.test(p))) {
    throw new TargetError(
      `"${spec}" is not of the form goos/goarch or goos/goarch/variant (e.g. linux/arm/v7)`,
    );
  }
  const [goos, goarch, rawVariant = ''] = parts as [string, string, string?];
  let variant = rawVariant;
  if (variant) {
    const rule = VARIANTS[goarch];
    if (!rule) throw new TargetError(`"${spec}": ${goarch} takes no variant`);
    if (!rule.allowed.test(variant)) {
      throw new TargetError(`"${spec}": variant "${variant}" for ${goarch} is not one of ${rule.describe}`);
    }
    if (goarch === 'arm' && !variant.startsWith('v')) variant = `v${variant}`;
  }
  return { goos, goarch, variant, id: variant ? `${goos}/${goarch}/${variant}` : `${goos}/${goarch}` };
}

/** Parses the `targets` input: comma/newline separated, no duplicates, at least one. */
export function parseTargets(text: string): Target[] {
  const specs = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0)
    throw new TargetError('the target list is empty; give at least one, e.g. linux/amd64');
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const target = parseTarget(spec);
    const earlier = seen.get(target.id);
    if (earlier !== undefined) throw new TargetError(`"${spec}" is listed twice (as "${earlier}" already)`);
    seen.set(target.id, spec);
    return target;
  });
}

// Variables that select what a build targets; targets and cgo set them. Inherited values (say GOARM=6 set for the
// whole job) would otherwise change a target that the plan left without a variant, and build-env may not set them.
export const TARGET_VARIABLES: readonly string[] = [
  'GOOS',
  'GOARCH',
  'GOARM',
  'GOAMD64',
  'GOARM64',
  'GO386',
  'GOMIPS',
  'GOMIPS64',
  'GOPPC64',
  'GORISCV64',
  'GOWASM',
  'CGO_ENABLED',
];

/** The environment a target builds with: GOOS, GOARCH and the variant's own variable. */
export function targetEnv(target: Target): Record<string, string> {
  const env: Record<string, string> = { GOOS: target.goos, GOARCH: target.goarch };
  if (target.variant) {
    const rule = VARIANTS[target.goarch]!;
    env[rule.envVar] = target.goarch === 'arm' ? target.variant.slice(1) : target.variant;
  }
  return env;
}

/** Targets missing from `go tool dist list` output; the caller turns them into an input error. */
export function unsupportedTargets(targets: Target[], distList: string[]): Target[] {
  const known = new Set(distList.map((line) => line.trim()).filter(Boolean));
  return targets.filter((t) => !known.has(`${t.goos}/${t.goarch}`));
}

/** The platform string Docker and OCI use: linux/arm/v7, linux/amd64 (amd64 levels are not OCI variants). */
export function ociPlatform(target: Target): string {
  if (target.goarch === 'arm' || (target.goarch === 'arm64' && target.variant.startsWith('v8'))) {
    return target.variant ? `${target.goos}/${target.goarch}/${target.variant.split('.')[0]}` : target.id;
  }
  return `${target.goos}/${target.goarch}`;
}
