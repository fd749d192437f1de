// goreleaser's build matrix (internal/builders/golang in v2: goos x goarch x variant, the defaults, `ignore`,
// `targets:` and its list of valid pairs) as this action's targets, and the per-target template fields
// (.Os .Arch .Arm .Amd64 ... .Target) that its name templates read. Pure.
import { parseTarget } from '../build/targets.js';
import type { Target } from '../types.js';
import { ConfigError, IGNORE_VARIANT_KEYS, type GoreleaserBuild, type IgnoreRule } from './config.js';

// The values Go uses when the variable is unset; a goreleaser target with one of them builds the same binary as
// this action's target without a variant, so the variant is dropped from the target id.
const GO_DEFAULT_VARIANT: Record<string, string> = {
  amd64: 'v1',
  '386': 'sse2',
  arm: '7',
  arm64: 'v8.0',
  mips: 'hardfloat',
  mipsle: 'hardfloat',
  mips64: 'hardfloat',
  mips64le: 'hardfloat',
  ppc64: 'power8',
  ppc64le: 'power8',
  riscv64: 'rva20u64',
};

// goreleaser's own defaults differ from Go's for arm only (GOARM 6, unless GORELEASER_EXPERIMENTAL=defaultgoarm).
const GORELEASER_DEFAULT_VARIANT: Record<string, string> = { ...GO_DEFAULT_VARIANT, arm: '6' };

// From goreleaser v2.15.1 internal/builders/golang/targets.go: pairs outside these lists are skipped silently.
const VALID_PAIRS = new Set(
  (
    'aix/ppc64 android/386 android/amd64 android/arm android/arm64 darwin/amd64 darwin/arm64 dragonfly/amd64 ' +
    'freebsd/386 freebsd/amd64 freebsd/arm freebsd/arm64 illumos/amd64 ios/arm64 js/wasm wasip1/wasm linux/386 ' +
    'linux/amd64 linux/arm linux/arm64 linux/ppc64 linux/ppc64le linux/mips linux/mipsle linux/mips64 ' +
    'linux/mips64le linux/s390x linux/riscv64 linux/loong64 netbsd/386 netbsd/amd64 netbsd/arm netbsd/arm64 ' +
    'openbsd/386 openbsd/amd64 openbsd/arm openbsd/arm64 plan9/386 plan9/amd64 plan9/arm solaris/amd64 ' +
    'solaris/sparc solaris/sparc64 windows/arm64 windows/386 windows/amd64 openbsd/riscv64'
  ).split(' '),
);
const FIRST_CLASS = [
  'darwin_amd64',
  'darwin_arm64',
  'linux_386',
  'linux_amd64',
  'linux_arm',
  'linux_arm64',
  'windows_386',
  'windows_amd64',
];

type VariantKey = Exclude<keyof IgnoreRule, 'goos' | 'goarch'>;
const VARIANT_KEY: Record<string, VariantKey> = {
  amd64: 'goamd64',
  '386': 'go386',
  arm: 'goarm',
  arm64: 'goarm64',
  mips: 'gomips',
  mipsle: 'gomips',
  mips64: 'gomips',
  mips64le: 'gomips',
  ppc64: 'goppc64',
  ppc64le: 'goppc64',
  riscv64: 'goriscv64',
};

interface Combination {
  goos: string;
  goarch: string;
  /** goreleaser's spelling: `7` for arm, `v1` for amd64, '' for architectures without one. */
  variant: string;
}

/** goreleaser's target string: `linux_amd64_v1`, `linux_arm_7`, `linux_s390x`. */
function targetString(c: Combination): string {
  return `${c.goos}_${c.goarch}${c.variant ? `_${c.variant}` : ''}`;
}

function ignored(rules: IgnoreRule[], c: Combination): boolean {
  const key = VARIANT_KEY[c.goarch];
  return rules.some(
    (rule) =>
      (rule.goos === '' || rule.goos === c.goos) &&
      (rule.goarch === '' || rule.goarch === c.goarch) &&
      IGNORE_VARIANT_KEYS.every((k) => rule[k] === '' || (k === key && rule[k] === c.variant)),
  );
}

/** This action's target for a goreleaser combination; a Go-default variant is left off (linux/amd64, not /v1). */
function toTarget(c: Combination): Target {
  const variant = c.variant === '' || c.variant === GO_DEFAULT_VARIANT[c.goarch] ? '' : c.variant;
  const spec = `${c.goos}/${c.goarch}${variant ? `/${c.goarch === 'arm' ? `v${variant}` : variant}` : ''}`;
  try {
    return parseTarget(spec);
  } catch (error) {
    throw new ConfigError(
      `builds[0] target ${targetString(c)} cannot be built by gin-release: ${(error as Error).message}`,
    );
  }
}

/** goreleaser's `fixTarget`: a `targets:` entry without a variant gets goreleaser's default one. */
function fromTargetString(text: string): Combination {
  const [goos = '', goarch = '', ...rest] = text.split('_');
  if (!goos || !goarch) throw new ConfigError(`builds[0].targets: "${text}" is not goos_goarch[_variant]`);
  const variant = rest.join('_') || (VARIANT_KEY[goarch] ? GORELEASER_DEFAULT_VARIANT[goarch]! : '');
  return { goos, goarch, variant };
}

/** Every target the build builds, in goreleaser's order (goos, then goarch, then variant). */
export function goreleaserTargets(build: GoreleaserBuild): Target[] {
  let combinations: Combination[];
  if (build.targets.length > 0) {
    const names = build.targets.flatMap((t) =>
      t === 'go_first_class' || t === 'go_118_first_class' ? FIRST_CLASS : [t],
    );
    const seen = new Set<string>();
    combinations = names
      .map(fromTargetString)
      .filter((c) => !seen.has(targetString(c)) && seen.add(targetString(c)));
  } else {
    const goos = build.goos.length > 0 ? build.goos : ['linux', 'darwin', 'windows'];
    const goarch = build.goarch.length > 0 ? build.goarch : ['amd64', 'arm64', '386'];
    combinations = [];
    for (const os of goos) {
      for (const arch of goarch) {
        const key = VARIANT_KEY[arch];
        const variants = key
          ? build[key].length > 0
            ? build[key]
            : [GORELEASER_DEFAULT_VARIANT[arch]!]
          : [''];
        for (const variant of variants) combinations.push({ goos: os, goarch: arch, variant });
      }
    }
    combinations = combinations.filter(
      (c) => VALID_PAIRS.has(`${c.goos}/${c.goarch}`) && !ignored(build.ignore, c),
    );
  }
  if (combinations.length === 0)
    throw new ConfigError('builds[0] builds no target (every combination is ignored or invalid)');
  return combinations.map(toTarget);
}

/** The template fields goreleaser gives an artifact of this target (.Os .Arch .Amd64 .I386 .Arm ... .Target). */
export function targetFields(target: Target): Record<string, string> {
  const variant = target.variant
    ? target.goarch === 'arm'
      ? target.variant.slice(1)
      : target.variant
    : (GO_DEFAULT_VARIANT[target.goarch] ?? '');
  const field = (arches: string[]): string => (arches.includes(target.goarch) ? variant : '');
  return {
    Os: target.goos,
    Arch: target.goarch,
    Amd64: field(['amd64']),
    I386: field(['386']),
    Arm: field(['arm']),
    Arm64: field(['arm64']),
    Mips: field(['mips', 'mipsle', 'mips64', 'mips64le']),
    Ppc64: field(['ppc64', 'ppc64le']),
    Riscv64: field(['riscv64']),
    Target: `${target.goos}_${target.goarch}${variant ? `_${variant}` : ''}`,
  };
}
