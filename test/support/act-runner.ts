// Runs a workflow of this repository with act (https://github.com/nektos/act) on the host, the way the e2e tests
// and scripts/act/run.sh do: on a git copy of the working tree (act needs a repository, and the run must see the
// current dist/ without touching this checkout's git state), with act's own artifact and cache servers off (the
// steps get ours through the environment), every run bounded in time and its whole process group stopped.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export const ACT_VERSION = '0.2.87';
/** Which platform label act maps to the host: `-self-hosted` runs the steps as host processes, no containers. */
export const HOST_PLATFORM = 'ubuntu-latest=-self-hosted';
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The origin the copies get, so GITHUB_REPOSITORY is this project rather than act's default (nektos/act). */
export const COPY_REMOTE = 'https://github.com/org/gin-release.git';

// ---------------------------------------------------------------------------------------------------------------
// argv (pure)

export interface ActArgsOptions {
  /** Workflow file, relative to the repository. */
  workflow: string;
  event?: string;
  job?: string;
  eventPath?: string;
  envFile: string;
  /** KEY=VALUE file of `secrets.*` (act masks their values in its log); none when not given. */
  secretFile?: string;
  /** Where act keeps actions and per-run folders; the tool cache (RUNNER_TOOL_CACHE) is `<this>/tool_cache`. */
  actionCachePath: string;
  /** Settings a workflow can read through `vars.*`. */
  vars?: Record<string, string>;
}

/**
 * The act command line. `--json` gives one JSON object per log line, with the job, step id, step result and the
 * outputs set, which the tests read instead of scraping text. act's own artifact server starts only with
 * --artifact-server-path (never given here), its cache server is switched off: the steps reach our services via
 * the env file. Empty secret/var/input files keep a stray .secrets/.vars/.input in the repository out. Pure.
 */
export function actArgs(options: ActArgsOptions): string[] {
  const args = [
    options.event ?? 'push',
    '--json',
    '-W',
    options.workflow,
    '-P',
    HOST_PLATFORM,
    '--no-cache-server',
    '--action-cache-path',
    options.actionCachePath,
    '--env-file',
    options.envFile,
    '--secret-file',
    options.secretFile ?? '/dev/null',
    '--var-file',
    '/dev/null',
    '--input-file',
    '/dev/null',
  ];
  if (options.job) args.push('-j', options.job);
  if (options.eventPath) args.push('--eventpath', options.eventPath);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}=${value}`);
  return args;
}

/** KEY=VALUE lines for act's --env-file (dotenv); a value must fit on one line. Pure. */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new Error(`not a variable name: ${JSON.stringify(name)}`);
      if (/[\r\n]/.test(value)) throw new Error(`${name}: a value for act's env file must be one line`);
      // dotenv reads a double-quoted value with \" and \\ escapes, and expands nothing in it.
      return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    })
    .join('\n');
}

/**
 * The environment act itself runs with. On the host platform every step inherits it, so anything that would make
 * the action talk to a service, or look like another runner, is dropped; what the steps should see comes in
 * through the env file. Pure.
 */
export function actProcessEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (/^(ACTIONS_|GITHUB_|INPUT_|RUNNER_|STATE_|VITEST|npm_)/.test(name)) continue;
    if (['CI', 'NODE_OPTIONS', 'NODE_ENV', 'TEST', 'DOCKER_HOST', 'DOCKER_CONFIG'].includes(name)) continue;
    env[name] = value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------
// log (pure)

export interface ActCommand {
  command: string;
  name?: string;
  arg?: string;
  kvPairs?: Record<string, string>;
  content?: string;
}

export interface ActStep {
  /** The step's `id:`, or act's index for steps without one. */
  id: string;
  name: string;
  /** stepResult per stage (Pre, Main, Post): success, failure or skipped. */
  results: Record<string, string>;
  /** What the step printed, one entry per line, in order. */
  lines: string[];
  /** Outputs the step set (GITHUB_OUTPUT or ::set-output::), last value wins. */
  outputs: Record<string, string>;
  /** Workflow commands act handled for the step: error, warning, notice, summary, add-mask, ... */
  commands: ActCommand[];
}

export interface ActJob {
  id: string;
  /** act's `workflow/job` display name. */
  name: string;
  result?: string;
  steps: ActStep[];
  /** Step by `id:` (or index). */
  step(id: string): ActStep;
  /** Everything the job printed, in order, with act's step markers: for assertion messages and debugging. */
  transcript: string[];
}

export interface ActLog {
  jobs: Map<string, ActJob>;
  /** Lines that were not act's JSON (act's own warnings before logging is set up, panics). */
  other: string[];
  job(id: string): ActJob;
}

interface ActLogEntry {
  msg?: string;
  jobID?: string;
  job?: string;
  stepID?: string[];
  stepid?: string[];
  step?: string;
  stage?: string;
  raw_output?: boolean;
  stepResult?: string;
  jobResult?: string;
  command?: string;
  name?: string;
  arg?: string;
  kvPairs?: Record<string, string>;
  content?: string;
}

function isEntry(value: unknown): value is ActLogEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJob(job: ActJob): string {
  const steps = job.steps.map((s) => `${s.id} (${s.name}): ${JSON.stringify(s.results)}`).join('\n  ');
  return `job ${job.id}: ${job.result ?? 'no result'}\n  ${steps}`;
}

/** Reads act's `--json` output (stdout and stderr, in any order of lines) into jobs and steps. Pure. */
export function parseActLog(text: string): ActLog {
  const jobs = new Map<string, ActJob>();
  const other: string[] = [];
  const jobFor = (entry: ActLogEntry): ActJob => {
    const id = entry.jobID!;
    let job = jobs.get(id);
    if (!job) {
      const created: ActJob = {
        id,
        name: entry.job ?? id,
        steps: [],
        transcript: [],
        step(stepId: string): ActStep {
          const found = created.steps.find((s) => s.id === stepId);
          if (!found) throw new Error(`no step ${stepId} in act's log of job ${id}\n${describeJob(created)}`);
          return found;
        },
      };
      job = created;
      jobs.set(id, job);
    }
    return job;
  };

  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      other.push(line);
      continue;
    }
    if (!isEntry(entry) || !entry.jobID) {
      other.push(isEntry(entry) && entry.msg !== undefined ? entry.msg : line);
      continue;
    }
    const job = jobFor(entry);
    const msg = (entry.msg ?? '').replace(/\n$/, '');
    job.transcript.push(entry.raw_output ? `  | ${msg}` : msg);
    if (entry.jobResult) job.result = entry.jobResult;
    const stepId = entry.stepID?.[0];
    if (stepId === undefined) continue; // set-up and complete-job markers (lowercase `stepid`)
    let step = job.steps.find((s) => s.id === stepId);
    if (!step) {
      step = { id: stepId, name: entry.step ?? stepId, results: {}, lines: [], outputs: {}, commands: [] };
      job.steps.push(step);
    }
    if (entry.raw_output) step.lines.push(...msg.split('\n'));
    if (entry.stepResult) step.results[entry.stage ?? 'Main'] = entry.stepResult;
    if (entry.command) {
      const command: ActCommand = { command: entry.command };
      if (entry.name !== undefined) command.name = entry.name;
      if (entry.arg !== undefined) command.arg = entry.arg;
      if (entry.kvPairs !== undefined) command.kvPairs = entry.kvPairs;
      if (entry.content !== undefined) command.content = entry.content;
      step.commands.push(command);
      if (entry.command === 'set-output' && entry.name !== undefined)
        step.outputs[entry.name] = entry.arg ?? '';
    }
  }
  return {
    jobs,
    other,
    job(id: string): ActJob {
      const found = jobs.get(id);
      if (!found) {
        throw new Error(
          `act ran no job ${id}; jobs: ${[...jobs.keys()].join(', ') || 'none'}\n${other.join('\n')}`,
        );
      }
      return found;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the world

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`git ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `git ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim().slice(-2000)}`,
    );
  }
  return result.stdout;
}

export interface RepoCopyOptions {
  /** The checkout to copy (default: this repository). Only read: ls-files, never anything that writes. */
  source?: string;
  /** Tags to create on the copy's single commit, e.g. v1.2.3. */
  tags?: string[];
  /** Extra files written into the copy before the commit (path relative to the copy -> content). */
  files?: Record<string, string>;
}

export interface RepoCopy {
  dir: string;
  sha: string;
  remove(): Promise<void>;
}

/**
 * A fresh git repository holding the source checkout's tracked and untracked, not ignored files as they are on
 * disk now (dist/ included), committed once on `main` with `origin` set to COPY_REMOTE.
 */
export async function copyRepository(options: RepoCopyOptions = {}): Promise<RepoCopy> {
  const source = options.source ?? REPO_ROOT;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-act-repo-'));
  try {
    const listed = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], source)
      .split('\0')
      .filter((file) => file !== '');
    for (const file of new Set(listed)) {
      const from = path.join(source, file);
      let stat: fs.Stats;
      try {
        stat = await fsp.lstat(from);
      } catch {
        continue; // tracked but deleted in the working tree
      }
      const to = path.join(dir, file);
      await fsp.mkdir(path.dirname(to), { recursive: true });
      if (stat.isSymbolicLink()) await fsp.symlink(await fsp.readlink(from), to);
      else if (stat.isFile()) await fsp.copyFile(from, to);
    }
    for (const [file, content] of Object.entries(options.files ?? {})) {
      await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fsp.writeFile(path.join(dir, file), content);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: 'gin-release e2e',
      GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
      GIT_COMMITTER_NAME: 'gin-release e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
    };
    git(['init', '-q', '-b', 'main'], dir, env);
    git(['remote', 'add', 'origin', COPY_REMOTE], dir, env);
    git(['add', '-A'], dir, env);
    git(['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'e2e copy of the working tree'], dir, env);
    for (const tag of options.tags ?? []) git(['-c', 'tag.gpgsign=false', 'tag', tag], dir, env);
    const sha = git(['rev-parse', 'HEAD'], dir, env).trim();
    return { dir, sha, remove: () => fsp.rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface RunActOptions {
  repoDir: string;
  workflow: string;
  job?: string;
  event?: string;
  /** The event payload (e.g. `{ ref: 'refs/tags/v1.2.3' }`), written to a file for --eventpath. */
  eventPayload?: Record<string, unknown>;
  /** Variables for every step (the runner's service variables, GOFLAGS, ...). */
  env?: Record<string, string>;
  vars?: Record<string, string>;
  /** `secrets.*` for the workflow, e.g. a registry password. */
  secrets?: Record<string, string>;
  /** Shared between runs to keep act's per-run folders and the tool cache in one temp place. */
  actionCachePath: string;
  /** Default 10 minutes; then act's process group gets SIGTERM, and SIGKILL 10 s later. */
  timeoutMs?: number;
  /** Called with each line act prints (e.g. to stream a run to the console). */
  onLine?: (line: string) => void;
  /** The environment act runs with before actProcessEnv filters it (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface ActRun extends ActLog {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  args: string[];
  /** act's raw output (stdout then stderr lines, interleaved as they came). */
  output: string;
}

const KILL_GRACE_MS = 10_000;

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/** Runs act once and waits for it, killing its whole process group on timeout or when done. */
export async function runAct(options: RunActOptions): Promise<ActRun> {
  const workDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-act-run-'));
  try {
    const envFile = path.join(workDir, 'env');
    await fsp.writeFile(envFile, envFileText(options.env ?? {}), { mode: 0o600 });
    let secretFile: string | undefined;
    if (options.secrets) {
      secretFile = path.join(workDir, 'secrets');
      await fsp.writeFile(secretFile, envFileText(options.secrets), { mode: 0o600 });
    }
    let eventPath: string | undefined;
    if (options.eventPayload) {
      eventPath = path.join(workDir, 'event.json');
      await fsp.writeFile(eventPath, JSON.stringify(options.eventPayload));
    }
    await fsp.mkdir(options.actionCachePath, { recursive: true });
    const args = actArgs({
      workflow: options.workflow,
      envFile,
      actionCachePath: options.actionCachePath,
      ...(options.event ? { event: options.event } : {}),
      ...(options.job ? { job: options.job } : {}),
      ...(eventPath ? { eventPath } : {}),
      ...(secretFile ? { secretFile } : {}),
      ...(options.vars ? { vars: options.vars } : {}),
    });
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const started = performance.now();
    const child = spawn('act', args, {
      cwd: options.repoDir,
      env: actProcessEnv(options.baseEnv ?? process.env),
      // Its own process group: a timeout stops act and every step process it started, and nothing else.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    const lines: string[] = [];
    const partial = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      const text = partial[stream] + chunk.toString('utf8');
      const parts = text.split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => collect('stdout', chunk));
    child.stderr.on('data', (chunk: Buffer) => collect('stderr', chunk));

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      }, KILL_GRACE_MS);
    }, timeoutMs);
    const { exitCode, signal } = await new Promise<{
      exitCode: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve({ exitCode: code, signal: sig }));
    }).finally(() => {
      clearTimeout(timer);
      clearTimeout(killTimer);
    });
    // A step process that outlived act (nothing should) goes with the group.
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') lines.push(rest);
    const output = lines.join('\n');
    return {
      ...parseActLog(output),
      exitCode,
      signal,
      timedOut,
      durationMs: Math.round(performance.now() - started),
      args,
      output,
    };
  } finally {
    await fsp.rm(workDir, { recursive: true, force: true });
  }
}

/** act's version line, or null when act is not installed. */
export function installedActVersion(): string | null {
  const result = spawnSync('act', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return /act version (\S+)/.exec(result.stdout)?.[1] ?? null;
}

/** A short account of a run for assertion messages: the job's steps and the last lines it printed. */
export function describeRun(run: ActRun, jobId?: string, lastLineCount = 80): string {
  const head = `act ${run.args.join(' ')}\nexit ${run.exitCode}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ', timed out' : ''}`;
  const job = jobId ? run.jobs.get(jobId) : undefined;
  const body = job
    ? `${describeJob(job)}\n${job.transcript.slice(-lastLineCount).join('\n')}`
    : run.output.split('\n').slice(-lastLineCount).join('\n');
  return `${head}\n${body}\n${run.other.slice(-10).join('\n')}`;
}
