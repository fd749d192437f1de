// What the service worker's reports come to: the events file, the annotations in its log, the cache restore and
// save outcomes for every way a service can behave, and the upload's failure message.
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  restoreOutcome,
  saveOutcome,
  saveSkippedBecause,
  type WorkerReport,
} from '../../src/go/cache-outcome.js';
import { parseAnnotationLine, parseEvents, type ServiceEvent } from '../../src/services/protocol.js';
import { planUploadStage } from '../../src/upload/artifacts.js';
import { uploadProblem } from '../../src/upload/stage.js';
import { serviceEnv } from '../../src/util/process/env.js';

function report(overrides: Partial<WorkerReport> = {}): WorkerReport {
  return {
    ending: 'done',
    events: [],
    annotations: [],
    tail: [],
    failure: 'the service worker exited with code 1',
    ...overrides,
  };
}

describe('parseEvents', () => {
  test('one event a line; blank lines and a line cut short by a killed worker are left out', () => {
    const text = [
      JSON.stringify({ type: 'uploaded', name: 'a', id: 1 }),
      '',
      JSON.stringify({ type: 'deleted', name: 'b', id: 2 }),
      '{"type":"uploa',
    ].join('\n');
    expect(parseEvents(text)).toEqual([
      { type: 'uploaded', name: 'a', id: 1 },
      { type: 'deleted', name: 'b', id: 2 },
    ]);
  });

  test.each(['', '\n\n', '[1,2]', '"text"', '{"name":"no type"}'])('%j holds no event', (text) => {
    expect(parseEvents(text)).toEqual([]);
  });
});

describe('parseAnnotationLine', () => {
  test.each<[string, ReturnType<typeof parseAnnotationLine>]>([
    ['::warning::Failed to restore: x', { level: 'warning', message: 'Failed to restore: x' }],
    ['::error title=T,file=a.go::two%0Alines 100%25', { level: 'error', message: 'two\nlines 100%' }],
    ['::notice::n\r', { level: 'notice', message: 'n' }],
    ['::debug::not an annotation', null],
    ['::add-mask::secret', null],
    ['Cache Size: ~0 MB', null],
    ['text ::warning::inside', null],
  ])('%j', (line, expected) => {
    expect(parseAnnotationLine(line)).toEqual(expected);
  });
});

const KEY = 'gin-release-go-v1-linux-x64-go1.26.8-abc-t123';

describe('restoreOutcome', () => {
  test.each<[string, Partial<WorkerReport>, ReturnType<typeof restoreOutcome>]>([
    [
      'exact hit',
      { events: [{ type: 'restored', matchedKey: KEY }] },
      { matchedKey: KEY, summary: { hit: 'exact', key: KEY } },
    ],
    [
      'restore-key hit',
      { events: [{ type: 'restored', matchedKey: 'gin-release-go-v1-linux-x64-go1.26.8-abc-t999' }] },
      {
        matchedKey: 'gin-release-go-v1-linux-x64-go1.26.8-abc-t999',
        summary: {
          hit: 'partial',
          key: KEY,
          detail: 'restored from gin-release-go-v1-linux-x64-go1.26.8-abc-t999',
        },
      },
    ],
    [
      'a miss: nothing found, nothing said',
      { events: [{ type: 'restored', matchedKey: null }] },
      { summary: { hit: 'miss', key: KEY } },
    ],
    [
      'a refused or failed restore looks like a miss but comes with the library warning',
      {
        events: [{ type: 'restored', matchedKey: null }],
        annotations: [{ level: 'warning', message: 'Failed to restore: (403) cache read denied: no scope' }],
      },
      { summary: { hit: 'error', key: KEY, detail: 'Failed to restore: (403) cache read denied: no scope' } },
    ],
    [
      'a notice alone is no failure',
      {
        events: [{ type: 'restored', matchedKey: null }],
        annotations: [{ level: 'notice', message: 'fyi' }],
      },
      { summary: { hit: 'miss', key: KEY } },
    ],
    [
      'a worker that died before answering',
      { events: [{ type: 'error', message: 'boom' }], failure: 'boom' },
      { summary: { hit: 'error', key: KEY, detail: 'boom' } },
    ],
    [
      'the deadline, whatever was reported before it',
      { ending: 'timeout', events: [] },
      { summary: { hit: 'timeout', key: KEY, detail: 'gave up after 2.5 s (cache-timeout)' } },
    ],
    [
      'no cache service URL in the run',
      { events: [{ type: 'cache-unavailable' }] },
      { summary: { hit: 'skipped', detail: 'no cache service URL in this run' } },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(restoreOutcome(report(overrides), KEY, 2_500)).toEqual(expected);
  });
});

describe('saveOutcome', () => {
  test.each<[string, Partial<WorkerReport>, ReturnType<typeof saveOutcome>]>([
    ['saved', { events: [{ type: 'saved', cacheId: 7 }] }, { outcome: 'saved' }],
    [
      'the library gave up with a warning',
      {
        events: [{ type: 'saved', cacheId: -1 }],
        annotations: [{ level: 'warning', message: 'Failed to save: quota' }],
      },
      { outcome: 'failed', detail: 'Failed to save: quota' },
    ],
    [
      'another job reserved the key (the library only logs it)',
      {
        events: [{ type: 'saved', cacheId: -1 }],
        tail: [
          '[command]/usr/bin/tar ...',
          'Failed to save: Unable to reserve cache with key k, another job may be creating this cache.',
        ],
      },
      {
        outcome: 'failed',
        detail: 'Failed to save: Unable to reserve cache with key k, another job may be creating this cache.',
      },
    ],
    [
      'gave up without a word',
      { events: [{ type: 'saved', cacheId: -1 }] },
      { outcome: 'failed', detail: 'the cache library gave up (see the log)' },
    ],
    [
      'the deadline',
      { ending: 'timeout' },
      { outcome: 'timeout', detail: 'gave up after 60 s (cache-timeout)' },
    ],
    [
      'a worker that could not start',
      { ending: 'not-started', failure: 'spawn ENOENT' },
      { outcome: 'failed', detail: 'spawn ENOENT' },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(saveOutcome(report(overrides), 60_000)).toEqual(expected);
  });

  test.each<[Parameters<typeof saveSkippedBecause>[0], string | undefined]>([
    [{ hit: 'error' }, 'the restore failed, so the cache service is not sent a save'],
    [{ hit: 'timeout' }, 'the restore timed out, so the cache service is not sent a save'],
    [{ hit: 'miss' }, undefined],
    [{ hit: 'partial' }, undefined],
    [{ hit: 'exact' }, undefined],
  ])('after a restore that ended %j the save is skipped because %j', (summary, reason) => {
    expect(saveSkippedBecause(summary)).toBe(reason);
  });
});

describe('uploadProblem', () => {
  const root = path.resolve('/w/dist');
  const plan = planUploadStage(
    {
      files: [
        { path: 'app_1.0.0_linux_amd64.tar.gz', target: 'linux/amd64' },
        { path: 'app_1.0.0_linux_arm64.tar.gz', target: 'linux/arm64' },
        { path: 'checksums.txt' },
      ],
      rootDirectory: root,
      mode: 'per-target',
      name: 'app',
      timeoutMs: 30_000,
    },
    {},
  );
  const uploaded = (name: string): ServiceEvent => ({ type: 'uploaded', name, id: 1, size: 2 });

  test('nothing to say when every artifact was uploaded', () => {
    const events = plan.uploads.map((u) => uploaded(u.name));
    expect(uploadProblem(plan, { ending: 'done', events, failure: '' }, {})).toBeUndefined();
  });

  test('the deadline: what was uploaded, which files are only in the output folder, what to do', () => {
    const problem = uploadProblem(
      plan,
      { ending: 'timeout', events: [uploaded('app-linux-amd64')], failure: '' },
      {},
    );
    expect(problem).toBe(
      'Uploading workflow artifacts did not finish within 30 s (upload-timeout) and was stopped while uploading ' +
        `app-linux-arm64. Not uploaded, still only in the output folder ${root}: app_1.0.0_linux_arm64.tar.gz, ` +
        'checksums.txt. Uploaded before: app-linux-amd64. Re-run the job, or raise upload-timeout for a slow ' +
        'artifact service.',
    );
  });

  test('the deadline before anything was uploaded', () => {
    const problem = uploadProblem(plan, { ending: 'timeout', events: [], failure: '' }, {});
    expect(problem).toContain('while uploading app-linux-amd64.');
    expect(problem).toContain(
      `still only in the output folder ${root}: app_1.0.0_linux_amd64.tar.gz, app_1.0.0_linux_arm64.tar.gz, checksums.txt.`,
    );
    expect(problem).toContain('No artifact was uploaded.');
  });

  test.each<[Record<string, string>, RegExp]>([
    [{}, /already in this workflow run\. Set artifact-overwrite: true/],
    [{ GITHUB_RUN_ATTEMPT: '1' }, /already in this workflow run\. Set artifact-overwrite: true/],
    [
      { GITHUB_RUN_ATTEMPT: '2' },
      /already in this workflow run \(GITHUB_RUN_ATTEMPT is 2: an earlier attempt of this job probably uploaded it\)\. Set artifact-overwrite: true/,
    ],
  ])('a name already in the run (%j) gets the ways out', (env, advice) => {
    const message =
      'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run';
    const problem = uploadProblem(
      plan,
      { ending: 'done', events: [{ type: 'upload-failed', name: 'app-linux-amd64', message }], failure: '' },
      env,
    );
    expect(problem).toMatch(
      new RegExp(
        `^Uploading artifact app-linux-amd64 failed: .*\\(409\\).*The files are still in the output folder`,
      ),
    );
    expect(problem).toMatch(advice);
    expect(problem).toContain('No artifact was uploaded.');
  });

  test('another failure: no duplicate advice', () => {
    const problem = uploadProblem(
      plan,
      {
        ending: 'done',
        events: [
          uploaded('app-linux-amd64'),
          { type: 'upload-failed', name: 'app-linux-arm64', message: 'Failed to CreateArtifact: (503)' },
        ],
        failure: '',
      },
      {},
    );
    expect(problem).not.toContain('artifact-overwrite');
    expect(problem).toContain('Uploaded before: app-linux-amd64.');
  });

  test('a worker that died without a word of its own', () => {
    const problem = uploadProblem(
      plan,
      { ending: 'done', events: [], failure: 'the service worker exited with code 134' },
      {},
    );
    expect(problem).toMatch(
      /^Uploading workflow artifacts failed: the service worker exited with code 134\. Not uploaded/,
    );
  });
});

describe('serviceEnv', () => {
  test('keeps the runtime variables the clients need, drops inputs, file commands and the OIDC request', () => {
    const base = {
      PATH: '/usr/bin',
      RUNNER_TEMP: '/t',
      GITHUB_WORKSPACE: '/w',
      ACTIONS_RUNTIME_TOKEN: 'jwt',
      ACTIONS_RESULTS_URL: 'https://results/',
      ACTIONS_CACHE_URL: 'https://cache/',
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc/',
      INPUT_REGISTRY_PASSWORD: 'secret',
      GITHUB_OUTPUT: '/r/output',
      GITHUB_ENV: '/r/env',
      GITHUB_PATH: '/r/path',
      GITHUB_STATE: '/r/state',
      GITHUB_STEP_SUMMARY: '/r/summary',
      UNSET: undefined,
    };
    expect(serviceEnv(base)).toEqual({
      PATH: '/usr/bin',
      RUNNER_TEMP: '/t',
      GITHUB_WORKSPACE: '/w',
      ACTIONS_RUNTIME_TOKEN: 'jwt',
      ACTIONS_RESULTS_URL: 'https://results/',
      ACTIONS_CACHE_URL: 'https://cache/',
      ACTIONS_CACHE_SERVICE_V2: 'true',
    });
  });
});
