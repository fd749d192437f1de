// The publish stage's pure parts: tags and pre-releases, asset names and types, the API base URL, how a remote asset
// compares with the local file, and how a failed request is explained.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { describeApiError, toAsset, toRelease, type RemoteAsset } from '../../src/publish/client.js';
import {
  apiUrlFrom,
  contentTypeFor,
  isPrereleaseTag,
  planAssets,
  tagFromRef,
} from '../../src/publish/plan.js';
import { explainFailure } from '../../src/publish/stage.js';
import {
  compareAsset,
  compareDownloaded,
  describeDifference,
  type LocalAsset,
} from '../../src/publish/verify.js';

const SHA = 'a'.repeat(64);
const LOCAL: LocalAsset = {
  name: 'app.tar.gz',
  path: '/d/app.tar.gz',
  kind: 'archive',
  target: 'linux/amd64',
  contentType: 'application/gzip',
  size: 10,
  sha256: SHA,
};

function remote(extra: Partial<RemoteAsset> = {}): RemoteAsset {
  return {
    id: 1,
    name: 'app.tar.gz',
    size: 10,
    digest: `sha256:${SHA}`,
    state: 'uploaded',
    browserDownloadUrl: 'https://github.com/o/r/releases/download/v1/app.tar.gz',
    ...extra,
  };
}

describe('tags', () => {
  test.each([
    ['refs/tags/v1.2.3', 'v1.2.3'],
    ['refs/tags/cmd/api/v1.0.0', 'cmd/api/v1.0.0'],
    ['refs/heads/main', null],
    ['refs/pull/3/merge', null],
    ['refs/tags/', null],
    ['', null],
  ])('tagFromRef(%s)', (ref, tag) => {
    expect(tagFromRef(ref)).toBe(tag);
  });

  test.each([
    ['v1.2.4-rc.1', true],
    ['v1.2.4-beta', true],
    ['1.0.0-alpha.1+build.5', true],
    ['cmd/api/v2.0.0-rc.2', true],
    ['v1.2.4', false],
    ['v1.2.4+build.1', false],
    ['v1.2', false],
    ['nightly-2024', false],
    ['v01.2.3-rc.1', false],
  ])('isPrereleaseTag(%s) is %s', (tag, prerelease) => {
    expect(isPrereleaseTag(tag)).toBe(prerelease);
  });
});

describe('assets and the API', () => {
  test.each([
    ['app_1.2.3_linux_amd64.tar.gz', 'application/gzip'],
    ['app_1.2.3_windows_amd64.zip', 'application/zip'],
    ['app_1.2.3_windows_amd64.zip.sbom.json', 'application/json'],
    ['checksums.txt', 'text/plain'],
    ['app', 'application/octet-stream'],
    ['app.exe', 'application/octet-stream'],
  ])('contentTypeFor(%s)', (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });

  test.each([
    [{}, 'https://api.github.com'],
    [{ GITHUB_API_URL: '' }, 'https://api.github.com'],
    [{ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, 'https://ghe.example.com/api/v3'],
    [{ GITHUB_API_URL: 'http://127.0.0.1:8080' }, 'http://127.0.0.1:8080'],
  ])('apiUrlFrom(%j)', (env, url) => {
    expect(apiUrlFrom(env)).toBe(url);
  });

  test.each([['not a url'], ['ftp://example.com']])('apiUrlFrom refuses %s', (value) => {
    expect(() => apiUrlFrom({ GITHUB_API_URL: value })).toThrow(/GITHUB_API_URL/);
    expect(() => apiUrlFrom({}, value)).toThrow(expect.objectContaining({ input: 'github-api-url' }));
  });

  test('the github-api-url input comes before GITHUB_API_URL', () => {
    expect(apiUrlFrom({ GITHUB_API_URL: 'https://api.github.com' }, 'http://127.0.0.1:9/api/v3/')).toBe(
      'http://127.0.0.1:9/api/v3',
    );
  });

  test('assets are named by file and must not share a name', () => {
    expect(
      planAssets([
        { path: '/d/a/app', kind: 'archive', target: 'linux/amd64' },
        { path: '/d/checksums.txt', kind: 'checksums' },
      ]).map((a) => a.name),
    ).toEqual(['app', 'checksums.txt']);
    expect(() =>
      planAssets([
        { path: '/d/app_linux_amd64/app', kind: 'archive', target: 'linux/amd64' },
        { path: '/d/app_linux_arm64/app', kind: 'archive', target: 'linux/arm64' },
      ]),
    ).toThrow(InputError);
  });
});

describe('an asset on GitHub against the local file', () => {
  test.each<[string, Partial<RemoteAsset> | null, string]>([
    ['the same', {}, 'same'],
    ['the same, digest in capitals', { digest: `sha256:${SHA.toUpperCase()}` }, 'same'],
    ['missing', null, 'missing'],
    ['another size', { size: 11 }, 'different'],
    ['another digest', { digest: `sha256:${'b'.repeat(64)}` }, 'different'],
    ['a half upload', { state: 'starter' }, 'different'],
    ['no digest from the server', { digest: null }, 'no-digest'],
  ])('%s', (_name, extra, status) => {
    expect(compareAsset(LOCAL, extra === null ? undefined : remote(extra)).status).toBe(status);
  });

  test('differences name the asset and both sides', () => {
    expect(
      describeDifference(LOCAL, compareAsset(LOCAL, remote({ digest: `sha256:${'b'.repeat(64)}` }))),
    ).toBe('app.tar.gz: sha256:bbbbbbbbbbbb… on GitHub, sha256:aaaaaaaaaaaa… here');
    expect(describeDifference(LOCAL, compareAsset(LOCAL, remote({ size: 3 })))).toBe(
      'app.tar.gz: 3 bytes on GitHub, 10 bytes here',
    );
    expect(describeDifference(LOCAL, compareAsset(LOCAL, undefined))).toBe('app.tar.gz: not on the release');
    expect(describeDifference(LOCAL, compareAsset(LOCAL, remote()))).toBeNull();
    expect(compareDownloaded(LOCAL, SHA).status).toBe('same');
    expect(compareDownloaded(LOCAL, 'c'.repeat(64)).status).toBe('different');
  });
});

describe('GitHub’s answers', () => {
  test('a release and its assets read field by field; missing optional fields do not break it', () => {
    const release = toRelease({
      id: 7,
      tag_name: 'v1',
      draft: true,
      html_url: 'https://x/r',
      upload_url: 'https://u/assets{?name,label}',
      assets: [{ id: 9, name: 'a', size: 1, state: 'uploaded', browser_download_url: 'https://x/a' }],
    });
    expect(release).toMatchObject({ id: 7, draft: true, immutable: false, name: '', body: '' });
    expect(release.assets[0]).toMatchObject({ id: 9, digest: null });
    expect(toAsset({ id: 1, name: 'b', size: 2 }).state).toBe('uploaded');
  });

  const error = (status: number, data: unknown): unknown =>
    Object.assign(new Error('x'), { status, response: { data } });

  test.each<[string, unknown, RegExp]>([
    ['401', error(401, { message: 'Bad credentials' }), /^HTTP 401: Bad credentials$/],
    [
      '422 with errors',
      error(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
      }),
      /^HTTP 422: Validation Failed \(ReleaseAsset name already_exists\)$/,
    ],
    ['no answer', new Error('connect ECONNREFUSED 127.0.0.1:1'), /^connect ECONNREFUSED/],
    [
      'Octokit’s no answer',
      Object.assign(new Error('getaddrinfo ENOTFOUND api.github.com'), { name: 'HttpError', status: 500 }),
      /^getaddrinfo ENOTFOUND api\.github\.com$/,
    ],
  ])('describeApiError: %s', (_name, failure, text) => {
    expect(describeApiError(failure)).toMatch(text);
  });

  test.each<[number, RegExp]>([
    [401, /check the github-token input \(the token is not printed\)/],
    [403, /permissions: contents: write/],
    [404, /GITHUB_REPOSITORY/],
    [0, /No answer from https:\/\/api\.github\.com \(GITHUB_API_URL\)/],
    [500, /^Publishing failed: HTTP 500: boom\.$/],
  ])('explainFailure for status %s', (status, hint) => {
    const failure = status === 0 ? new Error('boom') : error(status, { message: 'boom' });
    expect(explainFailure('Publishing', failure, 'https://api.github.com')).toMatch(hint);
  });
});
