// Runs the bundled action (dist/index.js, the file GitHub runs) in a child process with a runner-like environment
// made in a temp folder: inputs as INPUT_* (action.yml defaults first), file commands, RUNNER_TEMP, a tool cache.
// Returns what a workflow would see: exit code, log, outputs, annotations and the job summary. Bounded in time; the
// child runs in its own process group, which is killed if anything of it is left.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputEnvName } from '../../src/local/action-yml.js';
import { parseOutputFile } from '../../src/local/output-file.js';
import { actionDefaults } from './inputs.js';
import { trackedBy, untilGone, type LiveProcess } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');

export interface WorkflowAnnotation {
  level: 'notice' | 'warning' | 'error';
  title?: string;
  file?: string;
  line?: number;
  message: string;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Everything the step printed (stdout then stderr are interleaved as they came). */
  log: string;
  outputs: Map<string, string>;
  annotations: WorkflowAnnotation[];
  summary: string;
  /** The runner folder (RUNNER_TEMP and the file commands live below it); removed by cleanup(). */
  runnerDir: string;
  durationMs: number;
  /** The action's process id (its tracking id, GIN_RELEASE_TRACKING_ID, starts with gin-release-<pid>-). */
  pid: number;
  /**
   * Processes carrying the action's tracking id still running 5 s after it exited, looked for before its process
   * group is killed (and then killed, wherever they are): what a step would leave behind on a runner.
   */
  survivors: LiveProcess[];
  /** Processes carrying the action's tracking id that were running the moment it exited (before any wait). */
  leftAtExit: LiveProcess[];
  /** Error annotations' messages, for assertions. */
  errors(): string[];
  warnings(): string[];
  notices(): string[];
}

export interface ActionRunOptions {
  /** GITHUB_WORKSPACE; relative working-directory inputs resolve from it. */
  workspace: string;
  /** Input values on top of the action.yml defaults, by input name. */
  inputs?: Record<string, string>;
  /** Extra environment: GITHUB_REF, ACTIONS_RUNTIME_TOKEN of a local service, ... */
  env?: Record<string, string>;
  /** Hard limit for the whole run; the process group is killed after it. Default 240 s. */
  timeoutMs?: number;
  /**
   * Sends `signal` to the action the first time its output matches `when`, or, for a function, the first time it
   * returns true (asked on every output chunk and every 50 ms: for conditions like "a compile process is running").
   */
  interrupt?: { when: RegExp | ((probe: RunProbe) => boolean); signal: NodeJS.Signals };
  /** The umask the action starts with (the test process's own by default). */
  umask?: number;
  /** A folder shared between runs as RUNNER_TOOL_CACHE (default: a fresh one per run). */
  toolCache?: string;
}

/** What an interrupt condition can look at while the action runs. */
export interface RunProbe {
  log: string;
  pid: number;
  /** RUNNER_TEMP is `${runnerDir}/temp`. */
  runnerDir: string;
}

const COMMAND = /^::(notice|warning|error)(?: ([^:]*))?::(.*)$/;

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** The annotations in a step's log, decoded from the workflow-command protocol. Pure. */
export function parseAnnotations(log: string): WorkflowAnnotation[] {
  const found: WorkflowAnnotation[] = [];
  for (const line of log.split('\n')) {
    const match = COMMAND.exec(line.replace(/\r$/, ''));
    if (!match) continue;
    const annotation: WorkflowAnnotation = {
      level: match[1] as WorkflowAnnotation['level'],
      message: unescapeData(match[3]!),
    };
    for (const property of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = property.indexOf('=');
      const key = property.slice(0, eq);
      const value = unescapeProperty(property.slice(eq + 1));
      if (key === 'title') annotation.title = value;
      else if (key === 'file') annotation.file = value;
      else if (key === 'line') annotation.line = Number(value);
    }
    found.push(annotation);
  }
  return found;
}

/** The runner's own variables for a job, pointing into `runnerDir`. */
function runnerEnv(runnerDir: string, workspace: string, toolCache: string): Record<string, string> {
  const file = (name: string): string => {
    const full = path.join(runnerDir, name);
    fs.writeFileSync(full, '');
    return full;
  };
  const temp = path.join(runnerDir, 'temp');
  fs.mkdirSync(temp, { recursive: true });
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    GITHUB_JOB: 'test',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'example/app',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
  };
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const runnerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-run-'));
  const toolCache = options.toolCache ?? path.join(runnerDir, 'tool-cache');
  fs.mkdirSync(toolCache, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The test process's own runner variables (when the suite itself runs in Actions) must not leak in.
    if (/^(INPUT_|ACTIONS_|GITHUB_|RUNNER_)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, runnerEnv(runnerDir, options.workspace, toolCache));
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...options.inputs }))
    env[inputEnvName(name)] = value;
  Object.assign(env, options.env);

  const started = performance.now();
  // The child inherits the umask at spawn; the test process's own is put back at once.
  const ownUmask = options.umask === undefined ? undefined : process.umask(options.umask);
  let child;
  try {
    child = spawn(process.execPath, [DIST_INDEX], {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  } finally {
    if (ownUmask !== undefined) process.umask(ownUmask);
  }
  const pid = child.pid!;
  let log = '';
  let interrupted = false;
  const interruptIfDue = (): void => {
    const interrupt = options.interrupt;
    if (!interrupt || interrupted || child.exitCode !== null || child.signalCode !== null) return;
    const due =
      interrupt.when instanceof RegExp ? interrupt.when.test(log) : interrupt.when({ log, pid, runnerDir });
    if (!due) return;
    interrupted = true;
    child.kill(interrupt.signal);
  };
  const onData = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    interruptIfDue();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const poll =
    options.interrupt && !(options.interrupt.when instanceof RegExp)
      ? setInterval(interruptIfDue, 50)
      : undefined;
  const timeoutMs = options.timeoutMs ?? 240_000;
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const timer = setTimeout(() => {
      log += `\n[action-run] killed after ${timeoutMs} ms\n`;
      killGroup(child.pid);
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, signal });
    });
  });
  // Anything still running is a leak the test should see, not a process left on the machine.
  const leftAtExit = trackedBy(pid);
  const survivors = await untilGone(() => trackedBy(pid), 5000);
  killGroup(pid);
  for (const survivor of survivors) killPid(survivor.pid);
  const read = (name: string): string => fs.readFileSync(path.join(runnerDir, name), 'utf8');
  const annotations = parseAnnotations(log);
  const messages = (level: WorkflowAnnotation['level']): string[] =>
    annotations.filter((a) => a.level === level).map((a) => a.message);
  return {
    exitCode: ended.code,
    signal: ended.signal,
    log,
    outputs: new Map(parseOutputFile(read('output'))),
    annotations,
    summary: read('summary.md'),
    runnerDir,
    durationMs: Math.round(performance.now() - started),
    pid,
    survivors,
    leftAtExit,
    errors: () => messages('error'),
    warnings: () => messages('warning'),
    notices: () => messages('notice'),
  };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone.
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone.
  }
}

/** Removes a run's runner folder. */
export function cleanup(run: ActionRun): void {
  fs.rmSync(run.runnerDir, { recursive: true, force: true });
}

/** A copy of a fixture module in a fresh workspace folder (outputs of earlier runs left out), with git history. */
export function workspaceFrom(fixture: string, options: { git?: boolean } = {}): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-ws-'));
  fs.cpSync(fixture, workspace, { recursive: true, filter: (source) => path.basename(source) !== 'dist' });
  if (options.git ?? true) {
    const git = (...args: string[]): void => {
      const result = spawnSyncChecked('git', args, workspace);
      if (result !== 0) throw new Error(`git ${args.join(' ')} failed in ${workspace}`);
    };
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git(
      '-c',
      'user.name=test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '-q',
      '-m',
      'fixture',
      '--date=2024-05-01T12:00:00Z',
    );
  }
  return workspace;
}

function spawnSyncChecked(command: string, args: string[], cwd: string): number {
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_COMMITTER_DATE: '2024-05-01T12:00:00Z' },
  });
  return result.status ?? 1;
}
