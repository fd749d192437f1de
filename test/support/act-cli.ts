// Runs one workflow (or one job of it) of this repository with act, the way test/e2e/act.test.ts does: on a git
// copy of the working tree, with the fake artifact and cache services on 127.0.0.1, act's own servers off.
// Prints the run as it goes, then each job's result and the outputs its steps set.
//
//   scripts/act/run.sh [-W .github/workflows/e2e-action.yml] [-j defaults] [--tag v1.2.3] [--timeout 600]
import { spawnSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ACT_VERSION, copyRepository, installedActVersion, runAct } from './act-runner.js';
import { startGithubServices } from './github-services.js';

const { values } = parseArgs({
  options: {
    workflow: { type: 'string', short: 'W', default: '.github/workflows/e2e-action.yml' },
    job: { type: 'string', short: 'j' },
    tag: { type: 'string' },
    timeout: { type: 'string', default: '600' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: scripts/act/run.sh [-W WORKFLOW] [-j JOB] [--tag vX.Y.Z] [--timeout SECONDS]\n' +
      'Runs the workflow with act on a copy of the working tree (dist/ as it is now), with the fake\n' +
      'artifact and cache services; --tag runs it as a push of that tag.',
  );
  process.exit(0);
}

/** One of act's JSON log lines as a person would read it. */
function humanLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { jobID?: string; msg?: string; raw_output?: boolean };
    const msg = (entry.msg ?? '').replace(/\n$/, '');
    return entry.jobID ? `[${entry.jobID}] ${entry.raw_output ? '  | ' : ''}${msg}` : msg;
  } catch {
    return line;
  }
}

function goModCache(): string {
  const result = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

const version = installedActVersion();
if (version === null) {
  console.error('act is not installed: run scripts/act/install.sh');
  process.exit(2);
}
if (version !== ACT_VERSION) console.warn(`act ${version} is installed; the tests use ${ACT_VERSION}`);

const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-act-cli-'));
const services = await startGithubServices();
const repo = await copyRepository(values.tag ? { tags: [values.tag] } : {});
let exitCode = 1;
try {
  console.log(`copy of the working tree: ${repo.dir} (${repo.sha.slice(0, 12)})`);
  console.log(`artifact and cache services: ${services.url}`);
  const modCache = goModCache();
  const run = await runAct({
    repoDir: repo.dir,
    workflow: values.workflow,
    ...(values.job ? { job: values.job } : {}),
    ...(values.tag ? { eventPayload: { ref: `refs/tags/${values.tag}` } } : {}),
    env: {
      ...services.env('v2'),
      ...(modCache ? { GOPROXY: `file://${path.join(modCache, 'cache', 'download')}`, GOSUMDB: 'off' } : {}),
      GITHUB_RUN_ID: String(Date.now() % 1_000_000_000),
    },
    actionCachePath: path.join(scratch, 'act'),
    timeoutMs: Number(values.timeout) * 1000,
    onLine: (line) => console.log(humanLine(line)),
  });
  console.log(
    `\n=== act exited with ${run.exitCode}${run.timedOut ? ' (timed out)' : ''} after ${(run.durationMs / 1000).toFixed(1)} s`,
  );
  for (const job of run.jobs.values()) {
    console.log(`job ${job.id}: ${job.result ?? 'no result'}`);
    for (const step of job.steps) {
      console.log(`  step ${step.id} (${step.name}): ${JSON.stringify(step.results)}`);
      for (const [name, value] of Object.entries(step.outputs)) {
        console.log(`    ${name} = ${value.length > 300 ? `${value.slice(0, 300)}...` : value}`);
      }
    }
  }
  for (const artifact of services.artifacts.artifacts) {
    console.log(`artifact stored: ${artifact.name} (id ${artifact.id}, ${artifact.size} bytes)`);
  }
  for (const entry of services.cache.saved())
    console.log(`cache entry stored: ${entry.key} (${entry.size} bytes)`);
  exitCode = run.timedOut ? 124 : (run.exitCode ?? 1);
} finally {
  await services.stop();
  await repo.remove();
  await fsp.rm(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
