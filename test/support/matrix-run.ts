// "Runners" on one machine for a release split over jobs: separate checkouts of one commit at different paths,
// each job with its own TMPDIR and GOCACHE (and, for one, its own copy of GOROOT), its own runtime token in one
// workflow run, and a merge job whose PATH has no Go at all. Used by the matrix tests and the matrix benchmark.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAction, type ActionRun } from './action-run.js';
import type { BackendIds } from './github-jwt.js';
import { newBackendIds, runnerEnv } from './github-services.js';

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.error?.message}`,
    );
  }
  return result.stdout.trim();
}

/** A checkout of `origin`'s HEAD at a fresh path `depth` folders deep, as actions/checkout makes one. */
export function checkout(origin: string, root: string, label: string, depth = 1): string {
  const parent = fs.mkdtempSync(path.join(root, `${label}-`));
  const dir = path.join(parent, ...Array.from({ length: depth }, (_, i) => `level${i}`), 'work');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  run('git', ['clone', '--quiet', '--no-hardlinks', origin, dir]);
  return dir;
}

export function headCommit(dir: string): string {
  return run('git', ['rev-parse', 'HEAD'], dir);
}

/** PATH without any folder that holds a `go` executable: a runner without Go. */
export function pathWithoutGo(pathVariable = process.env['PATH'] ?? ''): string {
  return pathVariable
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !fs.existsSync(path.join(dir, 'go')))
    .join(path.delimiter);
}

/** Whether `go` can be started with this PATH. */
export function goRuns(pathVariable: string): boolean {
  return spawnSync('go', ['version'], { env: { PATH: pathVariable } }).status === 0;
}

/** The GOROOT of the Go on PATH. */
export function hostGoroot(): string {
  return run('go', ['env', 'GOROOT']);
}

/** A copy of GOROOT at another path; its `bin` first on PATH makes it the runner's Go. */
export function copyGoroot(root: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(root, 'goroot-')), 'go');
  run('cp', ['-a', hostGoroot(), dir]);
  return dir;
}

/** One job of the run: its own token, temp folder and Go build cache. */
export interface Job {
  name: string;
  ids: BackendIds;
  env: Record<string, string>;
}

export function newJob(
  servicesUrl: string,
  run: BackendIds,
  root: string,
  name: string,
  extra: Record<string, string> = {},
): Job {
  const ids = {
    workflowRunBackendId: run.workflowRunBackendId,
    workflowJobRunBackendId: newBackendIds().workflowJobRunBackendId,
  };
  const tmp = fs.mkdtempSync(path.join(root, `${name}-tmp-`));
  const gocache = fs.mkdtempSync(path.join(root, `${name}-gocache-`));
  return {
    name,
    ids,
    env: {
      ...runnerEnv(servicesUrl, ids),
      TMPDIR: tmp,
      GOCACHE: gocache,
      GOPROXY: 'off',
      GOFLAGS: '',
      RUNNER_NAME: `runner-${name}`,
      ...extra,
    },
  };
}

export interface JobRunOptions {
  workspace: string;
  inputs: Record<string, string>;
  job: Job;
  /** GITHUB_JOB: the job's id in the workflow. */
  jobId: string;
  attempt?: number;
  timeoutMs?: number;
  toolCache?: string;
}

/** Runs the bundled action as that job of the run. */
export function runJob(options: JobRunOptions): Promise<ActionRun> {
  return runAction({
    workspace: options.workspace,
    inputs: options.inputs,
    env: {
      ...options.job.env,
      GITHUB_JOB: options.jobId,
      GITHUB_RUN_ATTEMPT: String(options.attempt ?? 1),
      GITHUB_REF: 'refs/tags/v1.2.3',
    },
    timeoutMs: options.timeoutMs ?? 20 * 60_000,
    ...(options.toolCache ? { toolCache: options.toolCache } : {}),
  });
}

/** A scratch root for a matrix test, under the system temp folder. */
export function scratchRoot(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gin-release-${label}-`));
}
