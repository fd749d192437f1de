// The act harness itself: its argv, env file and log parsing (pure, table-driven), then real act runs of a tiny
// local node24 action, a failing job and a run that outlives its time limit.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import {
  ACT_VERSION,
  actArgs,
  actProcessEnv,
  copyRepository,
  describeRun,
  envFileText,
  installedActVersion,
  parseActLog,
  runAct,
  type RepoCopy,
} from '../support/act-runner.js';

describe('actArgs', () => {
  const base = ['--json', '-W', 'w.yml', '-P', 'ubuntu-latest=-self-hosted', '--no-cache-server'];
  const files = [
    '--env-file',
    '/e',
    '--secret-file',
    '/dev/null',
    '--var-file',
    '/dev/null',
    '--input-file',
    '/dev/null',
  ];
  test.each([
    {
      name: 'defaults to push',
      options: {},
      expected: ['push', ...base, '--action-cache-path', '/c', ...files],
    },
    {
      name: 'job, event and payload',
      options: { event: 'pull_request', job: 'build', eventPath: '/ev.json' },
      expected: [
        'pull_request',
        ...base,
        '--action-cache-path',
        '/c',
        ...files,
        '-j',
        'build',
        '--eventpath',
        '/ev.json',
      ],
    },
    {
      name: 'secrets file',
      options: { secretFile: '/s' },
      expected: [
        'push',
        ...base,
        '--action-cache-path',
        '/c',
        '--env-file',
        '/e',
        '--secret-file',
        '/s',
        ...files.slice(4),
      ],
    },
    {
      name: 'vars',
      options: { vars: { E2E_REGISTRY: '127.0.0.1:5000', B: 'x=y' } },
      expected: [
        'push',
        ...base,
        '--action-cache-path',
        '/c',
        ...files,
        '--var',
        'E2E_REGISTRY=127.0.0.1:5000',
        '--var',
        'B=x=y',
      ],
    },
  ])('$name', ({ options, expected }) => {
    expect(actArgs({ workflow: 'w.yml', envFile: '/e', actionCachePath: '/c', ...options })).toEqual(
      expected,
    );
  });
});

describe('envFileText', () => {
  test.each<{ env: Record<string, string>; expected: string }>([
    { env: {}, expected: '' },
    { env: { A: '1', B: 'two words' }, expected: 'A="1"\nB="two words"' },
    { env: { T: 'a"b\\c' }, expected: 'T="a\\"b\\\\c"' },
    {
      env: { U: 'file:///root/go/pkg/mod/cache/download' },
      expected: 'U="file:///root/go/pkg/mod/cache/download"',
    },
  ])('$expected', ({ env, expected }) => {
    expect(envFileText(env)).toBe(expected);
  });

  test.each<{ env: Record<string, string>; message: RegExp }>([
    { env: { 'BAD-NAME': 'x' }, message: /not a variable name/ },
    { env: { A: 'two\nlines' }, message: /must be one line/ },
  ])('rejects $env', ({ env, message }) => {
    expect(() => envFileText(env)).toThrow(message);
  });
});

describe('actProcessEnv', () => {
  test.each([
    {
      name: 'keeps PATH and HOME',
      base: { PATH: '/bin', HOME: '/root' },
      expected: { PATH: '/bin', HOME: '/root' },
    },
    {
      name: 'drops runner and service variables',
      base: {
        PATH: '/bin',
        ACTIONS_RUNTIME_TOKEN: 't',
        GITHUB_OUTPUT: '/o',
        INPUT_TARGETS: 'x',
        RUNNER_TEMP: '/t',
      },
      expected: { PATH: '/bin' },
    },
    {
      name: 'drops what the test process itself set',
      base: {
        PATH: '/bin',
        VITEST: 'true',
        NODE_OPTIONS: '--import tsx',
        CI: 'true',
        npm_config_cache: '/n',
      },
      expected: { PATH: '/bin' },
    },
    {
      name: 'keeps Go settings',
      base: { GOFLAGS: '-buildvcs=false', GOCACHE: '/g' },
      expected: { GOFLAGS: '-buildvcs=false', GOCACHE: '/g' },
    },
  ])('$name', ({ base, expected }) => {
    expect(actProcessEnv(base)).toEqual(expected);
  });
});

describe('parseActLog', () => {
  const line = (entry: Record<string, unknown>): string =>
    JSON.stringify({ job: 'wf/build', jobID: 'build', ...entry });
  const log = [
    'time="x" level=warning msg="not json"',
    JSON.stringify({ level: 'warning', msg: 'no docker' }),
    line({ msg: '⭐ Run Set up job', stepid: ['--setup-job'] }),
    line({ msg: '⭐ Run Main go', stage: 'Main', step: 'Go', stepID: ['release'] }),
    line({ msg: 'first\n', raw_output: true, stage: 'Main', step: 'Go', stepID: ['release'] }),
    line({ msg: 'two\nlines\n', raw_output: true, stage: 'Main', step: 'Go', stepID: ['release'] }),
    line({
      msg: '❗ ::error::',
      command: 'error',
      arg: 'Invalid input targets: x',
      stage: 'Main',
      stepID: ['release'],
    }),
    line({ msg: '✅', stage: 'Main', step: 'Go', stepID: ['release'], stepResult: 'failure' }),
    line({
      msg: '⚙',
      command: 'set-output',
      name: 'artifacts',
      arg: '[1]',
      stage: 'Main',
      stepID: ['release'],
    }),
    line({
      msg: '⚙',
      command: 'set-output',
      name: 'artifacts',
      arg: '[2]',
      stage: 'Main',
      stepID: ['release'],
    }),
    line({ msg: 'OK\n', raw_output: true, stage: 'Main', step: 'Check', stepID: ['1'] }),
    line({ msg: '✅', stage: 'Main', step: 'Check', stepID: ['1'], stepResult: 'success' }),
    line({ msg: '🏁  Job succeeded', jobResult: 'success' }),
    JSON.stringify({ job: 'wf/other', jobID: 'other', msg: '🏁  Job failed', jobResult: 'failure' }),
  ].join('\n');
  const parsed = parseActLog(log);

  test.each([
    {
      what: 'job results',
      actual: () => [parsed.job('build').result, parsed.job('other').result],
      expected: ['success', 'failure'],
    },
    {
      what: 'step order',
      actual: () => parsed.job('build').steps.map((s) => s.id),
      expected: ['release', '1'],
    },
    {
      what: 'raw lines split',
      actual: () => parsed.job('build').step('release').lines,
      expected: ['first', 'two', 'lines'],
    },
    {
      what: 'step results',
      actual: () => parsed.job('build').step('release').results,
      expected: { Main: 'failure' },
    },
    {
      what: 'last output wins',
      actual: () => parsed.job('build').step('release').outputs,
      expected: { artifacts: '[2]' },
    },
    {
      what: 'commands',
      actual: () =>
        parsed
          .job('build')
          .step('release')
          .commands.map((c) => c.command),
      expected: ['error', 'set-output', 'set-output'],
    },
    {
      what: 'other lines',
      actual: () => parsed.other,
      expected: ['time="x" level=warning msg="not json"', 'no docker'],
    },
  ])('$what', ({ actual, expected }) => {
    expect(actual()).toEqual(expected);
  });

  it('names the missing job or step with what there was', () => {
    expect(() => parsed.job('nope')).toThrow(/no job nope; jobs: build, other/);
    expect(() => parsed.job('build').step('nope')).toThrow(/no step nope .*\n.*release/s);
  });
});

async function processGone(pid: number, withinMs: number): Promise<boolean> {
  for (let waited = 0; waited <= withinMs; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

// A workflow only the harness needs: it must be red, which a GitHub workflow of this repository must not be.
const FAILING_WORKFLOW = `name: act-harness
on: push
jobs:
  fails:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - id: probe
        uses: ./test/support/act-probe-action
        with:
          fail: 'true'
      - id: after
        run: echo "must not run"
  sleeps:
    runs-on: ubuntu-latest
    steps:
      - id: sleep
        run: |
          echo "sleeper pid $$"
          exec sleep 600
`;

describe('act runs on this machine', () => {
  let repo: RepoCopy;
  let scratch: string;

  beforeAll(async () => {
    const version = installedActVersion();
    if (version === null) throw new Error('act is not installed: run scripts/act/install.sh');
    expect(version).toBe(ACT_VERSION);
    scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-act-harness-'));
    repo = await copyRepository({ files: { '.github/workflows/act-harness.yml': FAILING_WORKFLOW } });
  });

  afterAll(async () => {
    await repo?.remove();
    if (scratch) await fsp.rm(scratch, { recursive: true, force: true });
  });

  it('runs a node24 action with the host node, passes env-file variables and multi-line outputs', async () => {
    const run = await runAct({
      repoDir: repo.dir,
      workflow: '.github/workflows/e2e-act-probe.yml',
      actionCachePath: path.join(scratch, 'act'),
      env: { ACTIONS_RUNTIME_TOKEN: 'token-for-the-probe', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' },
      timeoutMs: 120_000,
    });
    const job = run.job('probe');
    expect(job.result, describeRun(run, 'probe')).toBe('success');
    expect(run.exitCode).toBe(0);

    const probe = job.step('probe');
    // act has no node24 of its own: it runs `node` from PATH, whatever its version.
    expect(probe.outputs['node-version']).toBe(process.version);
    expect(probe.outputs['message']).toBe('first line\nsecond line');
    const names = JSON.parse(probe.outputs['env-names']!) as string[];
    expect(names).toEqual(
      expect.arrayContaining(['ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'RUNNER_TEMP']),
    );
    expect(probe.outputs['tool-cache']).toBe(path.join(scratch, 'act', 'tool_cache'));

    const failing = job.step('failing');
    expect(failing.results['Main']).toBe('failure');
    expect(failing.commands).toContainEqual(
      expect.objectContaining({ command: 'error', arg: 'act-probe failed on purpose' }),
    );
    expect(job.step('check').lines).toContain(
      `OK: probe ran on node ${process.version}, 2-line output kept, failure seen`,
    );
  });

  it('reports a failing job through its exit code and skips the steps after the failure', async () => {
    const run = await runAct({
      repoDir: repo.dir,
      workflow: '.github/workflows/act-harness.yml',
      job: 'fails',
      actionCachePath: path.join(scratch, 'act'),
      timeoutMs: 120_000,
    });
    const job = run.job('fails');
    expect(job.result, describeRun(run, 'fails')).toBe('failure');
    expect(run.exitCode).not.toBe(0);
    expect(job.step('probe').results['Main']).toBe('failure');
    expect(job.steps.find((s) => s.id === 'after')?.lines ?? []).not.toContain('must not run');
  });

  it('stops act and the step processes when a run outlives its time limit', async () => {
    const run = await runAct({
      repoDir: repo.dir,
      workflow: '.github/workflows/act-harness.yml',
      job: 'sleeps',
      actionCachePath: path.join(scratch, 'act'),
      timeoutMs: 10_000,
    });
    expect(run.timedOut).toBe(true);
    const pidLine = run
      .job('sleeps')
      .step('sleep')
      .lines.find((l) => l.startsWith('sleeper pid '));
    expect(pidLine, describeRun(run, 'sleeps')).toBeDefined();
    const pid = Number(pidLine!.slice('sleeper pid '.length));
    // Killed with its group; init may take a moment to reap it.
    expect(await processGone(pid, 10_000)).toBe(true);
  });
});
