// The cgo audit's decisions: which `go list` runs before the build, what its lines say, and the words a user sees
// (a dependency with cgo files built with cgo off; a cgo binary tied to the runner's glibc). Pure.
import type { BuildPlan } from '../build/plan.js';
import type { CgoAuditMode } from '../inputs.js';

export interface CgoListCommand {
  /** Arguments after `go`. */
  args: string[];
  /** Set on top of the build's inherited environment, as for the build itself. */
  env: Record<string, string>;
  goos: string;
}

export interface CgoAuditPlan {
  mode: Exclude<CgoAuditMode, 'off'>;
  cgo: boolean;
  goBinary: string;
  workingDirectory: string;
  main: string;
  /** One `go list` per GOOS built, with cgo on; empty with cgo: true (nothing is left out then). */
  commands: CgoListCommand[];
  /** Read the runner's glibc version (Linux runners building with cgo). */
  readRunnerGlibc: boolean;
  /** Every GOOS built, to tell when a finding holds for some only. */
  goosList: string[];
}

/** A package that has cgo files when cgo is on. */
export interface CgoPackage {
  importPath: string;
  /** Its module's path; '' for a package outside any module. */
  module: string;
  /** Whether it belongs to the module being released. */
  mainModule: boolean;
  cgoFiles: string[];
  /** GOOS values whose dependency graph holds it. */
  goos: string[];
}

// The fields go list prints per package: tab separated, one line per non-standard package that has cgo files.
const LIST_FORMAT =
  '{{if not .Standard}}{{if .CgoFiles}}{{.ImportPath}}\t{{with .Module}}{{.Path}}{{end}}\t{{with .Module}}{{.Main}}{{end}}\t{{join .CgoFiles ","}}{{end}}{{end}}';

/** The audit's plan: null when it is off. Pure. */
export function planCgoAudit(
  inputs: {
    cgoAudit: CgoAuditMode;
    cgo: boolean;
    workingDirectory: string;
    main: string;
    buildTags: string[];
  },
  goBinary: string,
  builds: readonly BuildPlan[],
  hostPlatform: string = process.platform,
): CgoAuditPlan | null {
  if (inputs.cgoAudit === 'off') return null;
  const firstPerGoos = new Map<string, BuildPlan>();
  for (const build of builds)
    if (!firstPerGoos.has(build.target.goos)) firstPerGoos.set(build.target.goos, build);
  const tags = inputs.buildTags.length > 0 ? ['-tags', inputs.buildTags.join(',')] : [];
  return {
    mode: inputs.cgoAudit,
    cgo: inputs.cgo,
    goBinary,
    workingDirectory: inputs.workingDirectory,
    main: inputs.main,
    commands: inputs.cgo
      ? []
      : [...firstPerGoos.values()].map((build) => ({
          args: ['list', '-e', '-deps', ...tags, '-f', LIST_FORMAT, '--', inputs.main],
          // The build's own environment (GOOS, GOARCH, build-env), with cgo switched on to see what it would add.
          env: { ...build.env, CGO_ENABLED: '1' },
          goos: build.target.goos,
        })),
    readRunnerGlibc: inputs.cgo && hostPlatform === 'linux' && builds.some((b) => b.target.goos === 'linux'),
    goosList: [...firstPerGoos.keys()],
  };
}

/** go list's lines (LIST_FORMAT) for one GOOS into packages. Pure. */
export function parseCgoList(stdout: string, goos: string): CgoPackage[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [importPath = '', module = '', main = '', files = ''] = line.split('\t');
      return {
        importPath,
        module,
        mainModule: main === 'true',
        cgoFiles: files.split(',').filter(Boolean),
        goos: [goos],
      };
    });
}

/** Packages found for several GOOS, merged by import path, in first-seen order. Pure. */
export function mergeCgoPackages(lists: readonly CgoPackage[][]): CgoPackage[] {
  const merged = new Map<string, CgoPackage>();
  for (const pkg of lists.flat()) {
    const seen = merged.get(pkg.importPath);
    if (!seen) merged.set(pkg.importPath, { ...pkg, goos: [...pkg.goos] });
    else for (const goos of pkg.goos) if (!seen.goos.includes(goos)) seen.goos.push(goos);
  }
  return [...merged.values()];
}

// Drop-in pure-Go replacements people move to, by module.
const ALTERNATIVES: Record<string, string> = {
  'github.com/mattn/go-sqlite3': 'modernc.org/sqlite',
  'github.com/confluentinc/confluent-kafka-go': 'github.com/segmentio/kafka-go or github.com/IBM/sarama',
  'github.com/confluentinc/confluent-kafka-go/v2': 'github.com/segmentio/kafka-go or github.com/IBM/sarama',
};
// Modules known to build a stub without cgo whose every call fails at run time.
const STUB_MODULES = new Set(['github.com/mattn/go-sqlite3']);

/** One line per package, the way the warning (and the summary) says it. Pure. */
export function cgoPackageLine(pkg: CgoPackage, allGoos: readonly string[]): string {
  const only = pkg.goos.length < allGoos.length ? ` (for ${pkg.goos.join(', ')})` : '';
  if (pkg.mainModule) {
    return `${pkg.importPath} (your own package, cgo files ${pkg.cgoFiles.join(', ')}) needs cgo${only}; with cgo: false those files are left out; set cgo: true or give them a !cgo counterpart`;
  }
  const alternative = ALTERNATIVES[pkg.module] ?? 'a pure-Go alternative';
  const without = STUB_MODULES.has(pkg.module)
    ? 'it builds a stub that fails at run time'
    : `its cgo files (${pkg.cgoFiles.join(', ')}) are left out, so it builds only what it has without cgo, often a stub that fails at run time`;
  return `${pkg.importPath} needs cgo${only}; with cgo: false ${without}; use ${alternative} or cgo: true`;
}

/** The audit's annotation text; '' when nothing was found. Pure. */
export function cgoAuditMessage(
  packages: readonly CgoPackage[],
  allGoos: readonly string[],
  mode: 'warn' | 'error',
): string {
  if (packages.length === 0) return '';
  const lines = packages.map((pkg) => `- ${cgoPackageLine(pkg, allGoos)}`);
  const tail =
    mode === 'error'
      ? 'Nothing was built (cgo-audit: error). Set cgo: true, replace the package, or cgo-audit: warn to build anyway.'
      : 'The build goes on (cgo-audit: warn); cgo-audit: error stops it here, cgo-audit: off silences this.';
  return `cgo audit: ${packages.length} package(s) in the build have cgo files, and cgo is off (cgo: false):\n${lines.join('\n')}\n${tail}`;
}

/** What a failed smoke test of a `goos` binary adds when the audit found packages for it; '' when none. Pure. */
export function smokeHint(packages: readonly CgoPackage[], goos: string): string {
  const relevant = packages.filter((pkg) => pkg.goos.includes(goos)).map((pkg) => pkg.importPath);
  if (relevant.length === 0) return '';
  return `Hint (cgo audit): this binary was built with cgo off, and ${relevant.join(', ')} ${relevant.length === 1 ? 'needs' : 'need'} cgo; a stub that fails at run time is a likely cause. Set cgo: true or use a pure-Go alternative.`;
}

/** The newest GLIBC_x.y[.z] among a binary's versioned symbol needs, '' when it has none. Pure. */
export function glibcRequirement(versionNeeds: Readonly<Record<string, readonly string[]>>): string {
  const versions = Object.values(versionNeeds)
    .flat()
    .map((name) => /^GLIBC_(\d+(?:\.\d+)*)$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined);
  const parts = (v: string): number[] => v.split('.').map(Number);
  const newer = (a: string, b: string): boolean => {
    const [pa, pb] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++)
      if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
    return false;
  };
  return versions.reduce((max, v) => (max === '' || newer(v, max) ? v : max), '');
}

/** `getconf GNU_LIBC_VERSION` prints `glibc 2.36`; the version, or '' for anything else (musl has no such key). Pure. */
export function parseGetconfGlibc(stdout: string): string {
  return /^glibc\s+(\d+(?:\.\d+)*)/.exec(stdout.trim())?.[1] ?? '';
}

/** The warning for a Linux binary built with cgo that loads the C library. Pure. */
export function glibcWarning(
  targetId: string,
  needed: readonly string[],
  required: string,
  runnerGlibc: string,
): string {
  const libc = needed.find((lib) => /^libc\.so/.test(lib)) ?? needed.join(', ');
  const need = required
    ? `it needs glibc ${required} or newer (its newest versioned symbol is GLIBC_${required})`
    : 'it needs the glibc it was linked against';
  const runner = runnerGlibc ? `; this runner has glibc ${runnerGlibc}` : '';
  return `${targetId} is built with cgo: true and loads ${libc} (glibc) at run time: ${need}${runner}. It will not start on older distributions or on musl systems such as Alpine; build on the oldest system you support, link statically, or keep cgo: false.`;
}
