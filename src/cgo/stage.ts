// The cgo audit as the action runs it: before the build, `go list -deps` with cgo on for each GOOS (the packages a
// build with cgo off quietly compiles without their C half); after it, the glibc a cgo binary is tied to.
import * as core from '@actions/core';
import { buildProcessEnv } from '../build/plan.js';
import type { BuiltArtifact } from '../types.js';
import { inPool } from '../util/pool.js';
import { runCommand } from '../util/process/run.js';
import {
  cgoAuditMessage,
  cgoPackageLine,
  glibcWarning,
  mergeCgoPackages,
  parseCgoList,
  parseGetconfGlibc,
  smokeHint,
  type CgoAuditPlan,
  type CgoPackage,
} from './audit.js';

export interface CgoAuditResult {
  /** Packages with cgo files in a build with cgo off; empty with cgo: true. */
  packages: CgoPackage[];
  goosList: string[];
  /** `getconf GNU_LIBC_VERSION` of this runner, '' when not read or not glibc. */
  runnerGlibc: string;
  /** Lines for the summary: one per package, or per cgo binary's glibc need. */
  lines: string[];
  /** Non-empty with cgo-audit: error and findings: the step stops before building. */
  problems: string[];
}

const TITLE = 'gin-release: cgo audit';

export async function runCgoAudit(plan: CgoAuditPlan): Promise<CgoAuditResult> {
  const lists = await inPool(plan.commands, 2, async (command) => {
    const result = await runCommand(plan.goBinary, command.args, {
      cwd: plan.workingDirectory,
      baseEnv: buildProcessEnv(command.env, process.env),
    });
    if (result.exitCode !== 0) {
      // The build reports the real problem with the compiler's words; the audit only says it could not look.
      core.warning(
        `cgo audit: \`go list -deps\` for ${command.goos} exited with code ${result.exitCode}, so its dependencies were not checked for cgo:\n${result.output.excerpt(5, 20)}`,
        { title: TITLE },
      );
      return [];
    }
    return parseCgoList(result.stdout, command.goos);
  });
  const packages = mergeCgoPackages(lists);
  let runnerGlibc = '';
  if (plan.readRunnerGlibc) {
    const getconf = await runCommand('getconf', ['GNU_LIBC_VERSION']);
    runnerGlibc = getconf.exitCode === 0 ? parseGetconfGlibc(getconf.stdout) : '';
  }
  const message = cgoAuditMessage(packages, plan.goosList, plan.mode);
  const problems: string[] = [];
  if (message && plan.mode === 'error') {
    core.error(message, { title: TITLE });
    problems.push(
      `cgo audit: ${packages.map((p) => p.importPath).join(', ')} need cgo, and cgo is off (cgo-audit: error)`,
    );
  } else if (message) {
    core.warning(message, { title: TITLE });
  } else if (!plan.cgo) {
    core.info(`cgo audit: no package in the build of ${plan.main} has cgo files; cgo: false loses nothing.`);
  }
  return {
    packages,
    goosList: plan.goosList,
    runnerGlibc,
    lines: packages.map((pkg) => cgoPackageLine(pkg, plan.goosList)),
    problems,
  };
}

/** After a cgo build: one warning per Linux binary that loads glibc, naming the version it needs. */
export function reportGlibc(result: CgoAuditResult, cgo: boolean, artifacts: readonly BuiltArtifact[]): void {
  if (!cgo) return;
  for (const artifact of artifacts) {
    const needed = artifact.needed ?? [];
    if (artifact.target.goos !== 'linux' || !needed.some((lib) => /^libc\.so/.test(lib))) continue;
    const warning = glibcWarning(artifact.target.id, needed, artifact.glibc ?? '', result.runnerGlibc);
    core.warning(warning, { title: TITLE });
    result.lines.push(warning);
  }
}

/** The smoke stage's hint for a failed target: the audit's findings for its GOOS. */
export function smokeHintFor(result: CgoAuditResult | undefined): (target: { goos: string }) => string {
  return (target) => (result ? smokeHint(result.packages, target.goos) : '');
}
