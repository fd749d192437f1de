// The local releases API keeps the rules of GitHub's REST docs that a publisher trips over, checked here with plain
// HTTP requests, so the publish tests driving it through Octokit can be trusted.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { githubAssetName } from '../support/github-releases-store.js';
import { startReleasesServer, type ReleasesServer } from '../support/github-releases-server.js';

const TOKEN = 'ghs_serverTest';
let server: ReleasesServer;

interface Answer {
  status: number;
  body: Record<string, unknown> & Array<Record<string, unknown>>;
  headers: Headers;
}

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url.startsWith('http') ? url : `${server.env()['GITHUB_API_URL']}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json', ...headers },
    redirect: 'manual',
    ...(body === undefined
      ? {}
      : Buffer.isBuffer(body)
        ? { body }
        : {
            body: JSON.stringify(body),
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
          }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

async function upload(uploadUrl: string, name: string, data: Buffer): Promise<Answer> {
  return call(
    'POST',
    `${uploadUrl.replace(/\{\?name,label\}$/, '')}?name=${encodeURIComponent(name)}`,
    data,
    {
      'content-type': 'application/octet-stream',
    },
  );
}

beforeEach(async () => {
  server = await startReleasesServer({ token: TOKEN, repository: 'octo/app', immutable: true });
});
afterEach(async () => {
  await server.stop();
});

describe('the local GitHub releases API', () => {
  test('answers 401 Bad credentials without the right token', async () => {
    for (const authorization of ['', 'Bearer wrong', `token ${TOKEN}x`]) {
      const answer = await call('GET', '/repos/octo/app/releases', undefined, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('Bad credentials');
    }
    expect(
      (await call('GET', '/repos/octo/app/releases', undefined, { authorization: `token ${TOKEN}` })).status,
    ).toBe(200);
    expect((await call('GET', '/repos/octo/other/releases')).status).toBe(404);
  });

  test('a draft is listed but not found by its tag; published, it is', async () => {
    const created = await call('POST', '/repos/octo/app/releases', { tag_name: 'v1.0.0', draft: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ draft: true, published_at: null, tag_name: 'v1.0.0' });
    expect(String(created.body.html_url)).toMatch(/\/releases\/tag\/untagged-[0-9a-f]+$/);
    expect((await call('GET', '/repos/octo/app/releases/tags/v1.0.0')).status).toBe(404);
    const listed = await call('GET', '/repos/octo/app/releases');
    expect(listed.body.map((r) => r.id)).toEqual([created.body.id]);

    const published = await call('PATCH', `/repos/octo/app/releases/${created.body.id}`, { draft: false });
    expect(published.body).toMatchObject({ draft: false, immutable: true });
    expect(String(published.body.html_url)).toMatch(/\/releases\/tag\/v1\.0\.0$/);
    expect((await call('GET', '/repos/octo/app/releases/tags/v1.0.0')).body.id).toBe(created.body.id);
  });

  test('one published release per tag: 422 already_exists', async () => {
    expect((await call('POST', '/repos/octo/app/releases', { tag_name: 'v1.0.0' })).status).toBe(201);
    const again = await call('POST', '/repos/octo/app/releases', { tag_name: 'v1.0.0' });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([{ resource: 'Release', field: 'tag_name', code: 'already_exists' }]);
    expect((await call('POST', '/repos/octo/app/releases', {})).status).toBe(422);
  });

  test('uploads go to the upload_url template; the asset has a sha256 digest; a second one of the name is 422', async () => {
    const draft = (await call('POST', '/repos/octo/app/releases', { tag_name: 'v1.0.0', draft: true })).body;
    const uploadUrl = String(draft.upload_url);
    expect(uploadUrl).toBe(
      `${server.origin}/uploads/repos/octo/app/releases/${draft.id}/assets{?name,label}`,
    );
    const data = Buffer.from('archive bytes');
    const asset = await upload(uploadUrl, 'app.tar.gz', data);
    expect(asset.status).toBe(201);
    expect(asset.body).toMatchObject({
      name: 'app.tar.gz',
      size: data.length,
      state: 'uploaded',
      digest: `sha256:${createHash('sha256').update(data).digest('hex')}`,
    });
    const duplicate = await upload(uploadUrl, 'app.tar.gz', data);
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([
      { resource: 'ReleaseAsset', field: 'name', code: 'already_exists' },
    ]);
    expect((await upload(uploadUrl, 'my app (1).zip', data)).body.name).toBe('my.app..1..zip');

    // The bytes: a redirect from the asset endpoint, as GitHub answers Accept: application/octet-stream.
    const redirect = await call('GET', `/repos/octo/app/releases/assets/${asset.body.id}`, undefined, {
      accept: 'application/octet-stream',
    });
    expect(redirect.status).toBe(302);
    const bytes = Buffer.from(await (await fetch(redirect.headers.get('location')!)).arrayBuffer());
    expect(bytes.equals(data)).toBe(true);
    expect((await call('DELETE', `/repos/octo/app/releases/assets/${asset.body.id}`)).status).toBe(204);
  });

  test('a published release of an immutable repository refuses asset changes; title and notes still change', async () => {
    const draft = (await call('POST', '/repos/octo/app/releases', { tag_name: 'v1.0.0', draft: true })).body;
    const asset = (await upload(String(draft.upload_url), 'a.txt', Buffer.from('a'))).body;
    await call('PATCH', `/repos/octo/app/releases/${draft.id}`, { draft: false });
    const refused = await upload(String(draft.upload_url), 'b.txt', Buffer.from('b'));
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe('Cannot upload assets to an immutable release.');
    expect((await call('DELETE', `/repos/octo/app/releases/assets/${asset.id}`)).status).toBe(422);
    expect(
      (await call('PATCH', `/repos/octo/app/releases/${draft.id}`, { name: 'New title', body: 'x' })).status,
    ).toBe(200);
    expect((await call('PATCH', `/repos/octo/app/releases/${draft.id}`, { tag_name: 'v2' })).status).toBe(
      422,
    );
  });

  test('lists page by page with Link headers; generate-notes needs a tag', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/repos/octo/app/releases', { tag_name: `v1.0.${i}` });
    const first = await call('GET', '/repos/octo/app/releases?per_page=2');
    expect(first.body.map((r) => r.tag_name)).toEqual(['v1.0.2', 'v1.0.1']);
    expect(first.headers.get('link')).toMatch(/[?&]page=2[^>]*>; rel="next"/);
    const second = await call('GET', '/repos/octo/app/releases?per_page=2&page=2');
    expect(second.body.map((r) => r.tag_name)).toEqual(['v1.0.0']);
    const notes = await call('POST', '/repos/octo/app/releases/generate-notes', { tag_name: 'v1.0.2' });
    expect(notes.body).toMatchObject({ name: 'v1.0.2', body: expect.stringContaining("## What's Changed") });
    expect((await call('POST', '/repos/octo/app/releases/generate-notes', {})).status).toBe(422);
  });

  test('GitHub Enterprise Server layout: /api/v3 and /api/uploads', async () => {
    const ghes = await startReleasesServer({ token: TOKEN, repository: 'octo/app', layout: 'ghes' });
    try {
      const api = ghes.env()['GITHUB_API_URL']!;
      expect(api).toBe(`${ghes.origin}/api/v3`);
      const draft = await fetch(`${api}/repos/octo/app/releases`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tag_name: 'v1', draft: true }),
      });
      expect(((await draft.json()) as { upload_url: string }).upload_url).toMatch(
        /\/api\/uploads\/repos\/octo\/app\/releases\/\d+\/assets\{\?name,label\}$/,
      );
      expect(
        (
          await fetch(`${ghes.origin}/repos/octo/app/releases`, {
            headers: { authorization: `token ${TOKEN}` },
          })
        ).status,
      ).toBe(404);
    } finally {
      await ghes.stop();
    }
  });

  test.each([
    ['app_1.2.3_linux_amd64.tar.gz', 'app_1.2.3_linux_amd64.tar.gz'],
    ['.hidden', 'hidden'],
    ['a b', 'a.b'],
  ])('asset name %s is stored as %s', (name, stored) => {
    expect(githubAssetName(name)).toBe(stored);
  });
});
