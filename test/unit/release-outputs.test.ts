// The release's outputs, its summary section and its inputs: written from the run state, read once, the token
// masked at once.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { parseTarget } from '../../src/build/targets.js';
import { readReleaseInputs, readToken } from '../../src/inputs/release.js';
import { outputValues, summaryData } from '../../src/outputs.js';
import type { PublishStagePlan } from '../../src/publish/plan.js';
import type { PublishStageResult } from '../../src/publish/stage.js';
import { newRunState, type RunState } from '../../src/state.js';
import { renderSummary, type SummaryData } from '../../src/summary.js';
import { setInputs } from '../support/inputs.js';

const AMD64 = parseTarget('linux/amd64');
const URL_BASE = 'https://github.com/shop/api/releases/download/v1.2.3';

const PLAN: PublishStagePlan = {
  apiUrl: 'https://api.github.com',
  owner: 'shop',
  repo: 'api',
  tag: 'v1.2.3',
  commit: 'c'.repeat(40),
  name: 'v1.2.3',
  body: '',
  generateNotes: false,
  prerelease: false,
  makeLatest: null,
  publish: true,
  assets: [
    {
      name: 'api.tar.gz',
      path: '/d/api.tar.gz',
      kind: 'archive',
      target: 'linux/amd64',
      contentType: 'application/gzip',
    },
    {
      name: 'api.tar.gz.sbom.json',
      path: '/d/api.tar.gz.sbom.json',
      kind: 'sbom',
      target: 'linux/amd64',
      contentType: 'application/json',
    },
    { name: 'checksums.txt', path: '/d/checksums.txt', kind: 'checksums', contentType: 'text/plain' },
  ],
};

function published(outcome: PublishStageResult['outcome'] = 'published'): PublishStageResult {
  return {
    outcome,
    tag: 'v1.2.3',
    release: {
      id: 42,
      url: 'https://github.com/shop/api/releases/tag/v1.2.3',
      draft: false,
      prerelease: false,
      immutable: true,
    },
    assets: PLAN.assets.map((a) => ({
      name: a.name,
      kind: a.kind,
      ...(a.target ? { target: a.target } : {}),
      path: a.path,
      size: 100,
      sha256: 'e'.repeat(64),
      url: `${URL_BASE}/${a.name}`,
    })),
    calls: [{ method: 'GET', route: '/repos/shop/api/releases/tags/v1.2.3', status: 404 }],
    problems: [],
  };
}

function state(publish?: PublishStageResult, skipped: string | null = null): RunState {
  const s = newRunState();
  s.release = {
    version: '1.2.3',
    commit: 'c'.repeat(40),
    date: '2024-05-01T12:00:00Z',
    epoch: 1,
    ref: 'refs/tags/v1.2.3',
  };
  s.build = {
    artifacts: [{ target: AMD64, path: '/d/api', size: 9, sha256: 'a'.repeat(64), static: true }],
    problems: [],
  };
  s.package = {
    archives: new Map([['linux/amd64', { path: '/d/api.tar.gz', size: 100, sha256: 'e'.repeat(64) }]]),
    sboms: new Map([['linux/amd64', { path: '/d/api.tar.gz.sbom.json', size: 100, sha256: 'e'.repeat(64) }]]),
    checksumsFile: '/d/checksums.txt',
  };
  s.plan = { publish: skipped ? null : PLAN, publishSkipped: skipped } as RunState['plan'];
  if (publish) s.publish = publish;
  return s;
}

describe('release outputs', () => {
  test('release-url, release-id, subject-checksums and the download URLs in artifacts', () => {
    const values = new Map(outputValues(state(published())));
    expect(values.get('release-url')).toBe('https://github.com/shop/api/releases/tag/v1.2.3');
    expect(values.get('release-id')).toBe('42');
    expect(values.get('subject-checksums')).toBe('/d/checksums.txt');
    const [record] = JSON.parse(values.get('artifacts')!) as Array<{
      archive: { url: string };
      sbom: { url: string };
    }>;
    expect(record!.archive.url).toBe(`${URL_BASE}/api.tar.gz`);
    expect(record!.sbom.url).toBe(`${URL_BASE}/api.tar.gz.sbom.json`);
  });

  test.each<[string, PublishStageResult | undefined]>([
    ['a failed publish', published('failed')],
    ['no publish', undefined],
  ])('%s sets no release outputs and no URLs', (_name, publish) => {
    const values = new Map(outputValues(state(publish)));
    expect(values.has('release-url')).toBe(false);
    expect(values.has('release-id')).toBe(false);
    expect(values.get('artifacts')).not.toContain('"url"');
  });
});

describe('the summary’s release section', () => {
  function render(release: SummaryData['release']): string {
    return renderSummary({
      goVersion: '1.26.8',
      goSource: 'runner',
      version: '1.2.3',
      commit: '',
      artifacts: [],
      stageTimings: [],
      failures: [],
      ...(release ? { release } : {}),
    });
  }

  test('published: the link, each asset, how to check a download and its provenance, the requests made', () => {
    const text = render(summaryData(state(published())).release);
    expect(text).toContain('### GitHub release');
    expect(text).toContain(
      'Published [v1.2.3](https://github.com/shop/api/releases/tag/v1.2.3) with 3 assets, each checked after upload',
    );
    expect(text).toContain(`| [api.tar.gz](${URL_BASE}/api.tar.gz) | 100 B |`);
    expect(text).toContain('`sha256sum -c checksums.txt --ignore-missing`');
    expect(text).toContain('`gh attestation verify api.tar.gz --repo shop/api`');
    expect(text).toContain('- GET /repos/shop/api/releases/tags/v1.2.3 404');
  });

  test.each<[string, RunState, RegExp]>([
    [
      'unchanged',
      state(published('unchanged')),
      /\[v1\.2\.3\]\(.*\) was already published with these 3 assets, byte for byte/,
    ],
    ['a draft', state(published('draft')), /^Draft \[v1\.2\.3\]\(.*\) holds 3 assets/m],
    ['failed', state(published('failed')), /^Not published \(see Failures above\); the draft \[v1\.2\.3\]/m],
    [
      'skipped',
      state(undefined, 'github-release is true, but the ref refs/heads/main is not a tag'),
      /^Not published: github-release is true, but the ref refs/m,
    ],
  ])('%s', (_name, s, line) => {
    expect(render(summaryData(s).release)).toMatch(line);
  });

  test('a run that failed before publishing says so', () => {
    const s = state();
    s.failed = 'smoke test failed';
    expect(summaryData(s).release).toMatchObject({ status: 'failed', tag: 'v1.2.3' });
  });
});

describe('release inputs', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    vi.restoreAllMocks();
  });

  test('defaults: off, names from the tag, SBOMs on', () => {
    restore = setInputs({});
    expect(readReleaseInputs()).toMatchObject({
      githubRelease: 'false',
      releaseName: '{tag}',
      releaseBody: '',
      generateReleaseNotes: false,
      prerelease: 'auto',
      makeLatest: 'auto',
      archiveSbom: true,
    });
  });

  test.each<[Record<string, string>, string, RegExp]>([
    [{ 'github-release': 'yes' }, 'github-release', /Allowed: false, true, draft/],
    [{ 'make-latest': 'always' }, 'make-latest', /Allowed: auto, true, false, legacy/],
    [{ prerelease: 'maybe' }, 'prerelease', /Allowed: auto, true, false/],
    [{ 'release-name': '{tga}' }, 'release-name', /Unknown placeholder \{tga\}; allowed: \{tag\}/],
    [{ 'archive-sbom': 'sometimes' }, 'archive-sbom', /true or false/],
  ])('refuses %j', (inputs, input, message) => {
    restore = setInputs(inputs);
    expect(() => readReleaseInputs()).toThrow(
      expect.objectContaining({ input, message: expect.stringMatching(message) }),
    );
  });

  test.each<[string, Record<string, string>, string]>([
    ['the input', { 'github-token': 'ghs_input' }, 'ghs_input'],
    ['GITHUB_TOKEN when the default was never expanded', {}, 'ghs_env'],
    ['GITHUB_TOKEN when the input is empty', { 'github-token': '' }, 'ghs_env'],
  ])('the token comes from %s, and is masked', (_name, inputs, token) => {
    restore = setInputs(inputs);
    // core.setSecret is the add-mask workflow command on stdout.
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(readToken({ GITHUB_TOKEN: 'ghs_env' })).toBe(token);
    expect(written.mock.calls.map(([text]) => String(text))).toContain(`::add-mask::${token}\n`);
  });
});
