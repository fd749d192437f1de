// Merges the vitest JSON reports of the projects scripts/test.sh ran into the plain closing line CI reads,
// `tests: N passed, N failed, N skipped`, printed last, after one line per project and per timed step.
//
//   node scripts/test-report.mjs [--step NAME=SECONDS]... \
//     --project NAME --report FILE --exit CODE [--seconds SECONDS] [--project ...]
//
// Vitest's JSON counts only tests, so what fails outside a test is counted here, once per cause:
// - a file that failed without a failed test in it (a failed or timed-out beforeAll/afterAll, an import error);
// - a run that vitest ended non-zero, or called unsuccessful, with nothing failed in its report: an unhandled error
//   (vitest leaves those out of the JSON) or a failed global setup (the report then lists no file at all);
// - a project whose report is missing or unreadable.
// Exits 1 when anything failed or no test passed at all, else 0.
import * as fs from 'node:fs';
import * as path from 'node:path';

function usage(message) {
  console.error(`test-report: ${message}`);
  console.error(
    'usage: test-report.mjs [--step NAME=SECONDS]... --project NAME --report FILE --exit CODE [--seconds S] ...',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const steps = [];
  const projects = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    i++;
    if (flag === '--step') {
      const eq = value.indexOf('=');
      if (eq <= 0) usage(`--step takes NAME=SECONDS, not "${value}"`);
      steps.push({ name: value.slice(0, eq), seconds: Number(value.slice(eq + 1)) });
    } else if (flag === '--project') {
      projects.push({ name: value });
    } else if (['--report', '--exit', '--seconds'].includes(flag)) {
      const project = projects.at(-1);
      if (!project) usage(`${flag} before any --project`);
      project[flag.slice(2)] = flag === '--report' ? value : Number(value);
    } else {
      usage(`unknown argument "${flag}"`);
    }
  }
  if (projects.length === 0) usage('no --project given');
  for (const project of projects) {
    if (project.report === undefined) usage(`--project ${project.name} has no --report`);
    if (!Number.isInteger(project.exit))
      usage(`--project ${project.name} needs --exit with vitest's exit code`);
  }
  return { steps, projects };
}

/** One project's counts and the reasons for every failure that is not a failed test. */
function countProject(project) {
  const counts = { passed: 0, failed: 0, skipped: 0, problems: [] };
  let report;
  try {
    report = JSON.parse(fs.readFileSync(project.report, 'utf8'));
  } catch (error) {
    counts.failed = 1;
    counts.problems.push(`no vitest report (${error.message}); vitest exited with code ${project.exit}`);
    return counts;
  }
  counts.passed = report.numPassedTests ?? 0;
  counts.failed = report.numFailedTests ?? 0;
  counts.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (file.status === 'failed' && failedTests.length === 0) {
      counts.failed++;
      const message = (file.message || 'a hook or a describe block failed (see the output above)').split(
        '\n',
      )[0];
      counts.problems.push(`${path.relative(process.cwd(), file.name)}: ${message}`);
    }
  }
  if (counts.failed === 0 && (project.exit !== 0 || report.success === false)) {
    counts.failed = 1;
    counts.problems.push(
      `vitest exited with code ${project.exit} although no test failed: an unhandled error or a failed ` +
        'global setup (see "Unhandled Errors" in the output above)',
    );
  }
  return counts;
}

function seconds(value) {
  return Number.isFinite(value) ? `${value.toFixed(1)} s` : '-';
}

const { steps, projects } = parseArgs(process.argv.slice(2));
const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const step of steps) lines.push(`${step.name.padEnd(12)} ${seconds(step.seconds).padStart(9)}`);
for (const project of projects) {
  const counts = countProject(project);
  for (const key of ['passed', 'failed', 'skipped']) total[key] += counts[key];
  lines.push(
    `${project.name.padEnd(12)} ${seconds(project.seconds).padStart(9)}   ` +
      `${counts.passed} passed · ${counts.failed} failed · ${counts.skipped} skipped`,
  );
  for (const problem of counts.problems) lines.push(`  ${project.name} FAILED: ${problem}`);
}
const wall = [...steps, ...projects].reduce((sum, entry) => sum + (entry.seconds ?? 0), 0);
lines.push(`${'total'.padEnd(12)} ${seconds(wall).padStart(9)}`);
if (total.passed === 0) lines.push('no test passed: a run that tests nothing is not a pass');
console.log(lines.join('\n'));
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
