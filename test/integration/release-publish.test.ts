// The bundled action publishing GitHub releases to a local server that speaks GitHub's releases API as documented
// (test/support/github-releases-server.ts), through the real Octokit client in dist/. Each case builds and
// smoke-tests a small module for real, then checks what the server holds, the outputs, the log and the summary.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import {
  startReleasesServer,
  type ReleasesServer,
  type ReleasesServerOptions,
} from '../support/github-releases-server.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/smoke/good');
const TOKEN = 'ghs_releaseTestToken0123456789';
const REPOSITORY = 'example/app';
const runs: ActionRun[] = [];
const workspaces: string[] = [];
let server: ReleasesServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<ReleasesServerOptions> = {}): Promise<ReleasesServer> {
  server = await startReleasesServer({ token: TOKEN, repository: REPOSITORY, ...options });
  return server;
}

function workspace(): string {
  const dir = workspaceFrom(FIXTURE);
  workspaces.push(dir);
  return dir;
}

async function release(
  dir: string,
  options: { inputs?: Record<string, string>; ref?: string; env?: Record<string, string> } = {},
): Promise<ActionRun> {
  const result = await runAction({
    workspace: dir,
    inputs: {
      targets: 'linux/amd64, windows/amd64',
      'binary-name': 'app',
      cache: 'false',
      upload: 'false',
      'github-release': 'true',
      'github-token': TOKEN,
      ...options.inputs,
    },
    env: { ...server!.env(), GITHUB_REF: options.ref ?? 'refs/tags/v1.2.3', ...options.env },
  });
  runs.push(result);
  return result;
}

interface ArtifactOutput {
  target: string;
  smoke?: { status: string };
  archive: { path: string; sha256: string; url?: string };
  sbom?: { path: string; sha256: string; url?: string };
}

function artifactsOf(run: ActionRun): ArtifactOutput[] {
  return JSON.parse(run.outputs.get('artifacts') ?? '[]') as ArtifactOutput[];
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The files the run shipped: archives, SBOMs and the checksums file, by base name. */
function shippedFiles(run: ActionRun): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const artifact of artifactsOf(run)) {
    for (const file of [artifact.archive.path, artifact.sbom!.path])
      files.set(path.basename(file), fs.readFileSync(file));
  }
  const checksums = run.outputs.get('checksums-file')!;
  files.set(path.basename(checksums), fs.readFileSync(checksums));
  return files;
}

const WRITES = new Set(['createRelease', 'updateRelease', 'uploadReleaseAsset', 'deleteReleaseAsset']);

describe('github-release publishes the smoke-tested files', () => {
  test('first publish: a draft, every asset uploaded and verified, then published', async () => {
    const service = await start();
    const result = await release(workspace());
    expect(result.exitCode, result.log).toBe(0);

    const published = service.publishedRelease('v1.2.3');
    expect(published).toMatchObject({ draft: false, prerelease: false, name: 'v1.2.3' });
    const files = shippedFiles(result);
    expect(files.size).toBe(5);
    expect(published!.assets.map((a) => a.name).sort()).toEqual([...files.keys()].sort());
    for (const asset of published!.assets)
      expect(sha256(asset.data), asset.name).toBe(sha256(files.get(asset.name)!));
    // The smoke test passed before anything was published.
    expect(artifactsOf(result).find((a) => a.target === 'linux/amd64')?.smoke?.status).toBe('passed');

    // The order immutable releases need, in as few requests as that takes.
    expect(service.operations()).toEqual([
      'getReleaseByTag',
      'listReleases',
      'createRelease',
      ...Array<string>(5).fill('uploadReleaseAsset'),
      'listReleaseAssets',
      'updateRelease',
    ]);
    const create = service.calls.find((c) => c.operation === 'createRelease')!;
    expect(create).toMatchObject({
      status: 201,
      json: { tag_name: 'v1.2.3', draft: true, prerelease: false },
    });
    expect(create.json!['target_commitish']).toMatch(/^[0-9a-f]{40}$/);
    expect(service.calls.at(-1)).toMatchObject({ operation: 'updateRelease', json: { draft: false } });

    expect(result.outputs.get('release-id')).toBe(String(published!.id));
    expect(result.outputs.get('release-url')).toBe(`${service.origin}/example/app/releases/tag/v1.2.3`);
    expect(result.outputs.get('subject-checksums')).toBe(result.outputs.get('checksums-file'));
    for (const artifact of artifactsOf(result)) {
      expect(artifact.archive.url).toBe(
        `${service.origin}/example/app/releases/download/v1.2.3/${path.basename(artifact.archive.path)}`,
      );
      expect(artifact.sbom!.url).toMatch(/\/releases\/download\/v1\.2\.3\/.*\.sbom\.json$/);
    }
    expect(result.summary).toContain('### GitHub release');
    expect(result.summary).toMatch(
      /Published \[v1\.2\.3\]\(http:\/\/127\.0\.0\.1:\d+\/example\/app\/releases\/tag\/v1\.2\.3\) with 5 assets/,
    );
    expect(result.summary).toMatch(
      /`gh attestation verify app_1\.2\.3_linux_amd64\.tar\.gz --repo example\/app`/,
    );
  });

  test('a re-run with byte-identical assets succeeds and changes nothing', async () => {
    const service = await start({ immutable: true });
    const dir = workspace();
    const first = await release(dir);
    expect(first.exitCode, first.log).toBe(0);
    expect(service.publishedRelease('v1.2.3')?.immutable).toBe(true);
    const before = JSON.stringify(service.store.releases);
    const callsBefore = service.calls.length;

    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    const again = await release(dir);
    expect(again.exitCode, again.log).toBe(0);
    expect(JSON.stringify(service.store.releases)).toBe(before);
    const second = service.calls.slice(callsBefore).map((c) => c.operation);
    expect(second).toEqual(['getReleaseByTag', 'listReleaseAssets']);
    expect(again.log).toMatch(/already published with these 5 assets, byte for byte/);
    expect(again.outputs.get('release-id')).toBe(first.outputs.get('release-id'));
    expect(again.summary).toMatch(/was already published with these 5 assets, byte for byte: left as it was/);
  });

  test('a re-run with a changed binary is refused, and the published release stays as it was', async () => {
    const service = await start({ immutable: true });
    const dir = workspace();
    expect((await release(dir)).exitCode).toBe(0);
    const before = JSON.stringify(service.store.releases);
    const callsBefore = service.calls.length;

    // Different linker flags: the build info, and so the binary and its archive, differ.
    const changed = await release(dir, { inputs: { ldflags: '-X main.unused=changed' } });
    expect(changed.exitCode).toBe(1);
    const error = changed.errors().join('\n');
    expect(error).toMatch(
      /The release v1\.2\.3 is already published .* and this build's assets differ from it/,
    );
    expect(error).toMatch(
      /app_1\.2\.3_linux_amd64\.tar\.gz: sha256:[0-9a-f]{12}… on GitHub, sha256:[0-9a-f]{12}… here/,
    );
    expect(error).toMatch(/push a new tag/);
    expect(JSON.stringify(service.store.releases)).toBe(before);
    expect(service.calls.slice(callsBefore).some((c) => WRITES.has(c.operation))).toBe(false);
    expect(changed.outputs.has('release-url')).toBe(false);
  });

  test('an upload failing midway leaves the draft and names the asset; the re-run completes that draft', async () => {
    const service = await start();
    const dir = workspace();
    service.failUploads(/windows_amd64\.zip$/, 502, true);
    const failed = await release(dir);
    expect(failed.exitCode).toBe(1);
    const error = failed.errors().join('\n');
    expect(error).toMatch(
      /Uploading app_1\.2\.3_windows_amd64\.zip to the draft release v1\.2\.3 failed: HTTP 502/,
    );
    expect(error).toMatch(
      /The draft release \(id \d+, .*\) is left for inspection; re-running the job completes it/,
    );
    expect(service.store.releases).toHaveLength(1);
    const draft = service.store.releases[0]!;
    expect(draft.draft).toBe(true);
    expect(service.publishedRelease('v1.2.3')).toBeUndefined();
    expect(failed.outputs.has('release-url')).toBe(false);
    expect(failed.summary).toMatch(/Not published \(see Failures above\); the draft \[v1\.2\.3\]/);

    // The upload works again; the re-run finds the draft through the list, keeps what is there, replaces the
    // half-uploaded asset, uploads the rest, and publishes that same release.
    const callsBefore = service.calls.length;
    service.clearFaults();
    const again = await release(dir);
    expect(again.exitCode, again.log).toBe(0);
    expect(service.store.releases).toHaveLength(1);
    const done = service.publishedRelease('v1.2.3')!;
    expect(done.id).toBe(draft.id);
    expect(done.assets.map((a) => a.name).sort()).toEqual([...shippedFiles(again).keys()].sort());
    expect(done.assets.every((a) => a.state === 'uploaded')).toBe(true);
    const second = service.calls.slice(callsBefore);
    const uploaded = second.filter((c) => c.operation === 'uploadReleaseAsset').map((c) => c.path);
    expect(
      uploaded.every((p) => /name=app_1\.2\.3_windows_amd64\.zip|checksums\.txt/.test(p)),
      uploaded.join('\n'),
    ).toBe(true);
    expect(second.filter((c) => c.operation === 'deleteReleaseAsset')).toHaveLength(1);
    expect(again.log).toMatch(/Completing the draft release \d+ an earlier run left for v1\.2\.3/);
  });

  test('a leftover draft with stale, half-uploaded and foreign assets is made exactly this build, then published', async () => {
    const service = await start();
    const draft = service.store.create({
      tag_name: 'v1.2.3',
      draft: true,
      name: 'old',
      body: 'Notes written by hand',
    });
    service.store.upload(
      draft,
      'app_1.2.3_linux_amd64.tar.gz',
      null,
      'application/gzip',
      Buffer.from('stale'),
    );
    service.store.upload(draft, 'notes.pdf', null, 'application/pdf', Buffer.from('%PDF'));
    // What a failed upload leaves: an empty half asset, here beside a stale full one of the same name.
    service.store.starter(draft, 'app_1.2.3_windows_amd64.zip', 'application/zip');
    service.store.upload(
      draft,
      'app_1.2.3_windows_amd64.zip',
      null,
      'application/zip',
      Buffer.from('old zip'),
    );
    const result = await release(workspace());
    expect(result.exitCode, result.log).toBe(0);
    const done = service.publishedRelease('v1.2.3')!;
    expect(done.id).toBe(draft.id);
    const files = shippedFiles(result);
    expect(done.assets.map((a) => a.name).sort()).toEqual([...files.keys()].sort());
    for (const asset of done.assets) expect(sha256(asset.data)).toBe(sha256(files.get(asset.name)!));
    // An empty release-body keeps the notes a person wrote into the draft.
    expect(done).toMatchObject({ name: 'v1.2.3', body: 'Notes written by hand' });
  });

  test('a pre-release tag is published as a pre-release, never marked latest', async () => {
    const service = await start();
    const result = await release(workspace(), {
      ref: 'refs/tags/v1.2.4-rc.1',
      inputs: { 'generate-release-notes': 'true', 'release-body': 'Release candidate of {name} {version}.' },
    });
    expect(result.exitCode, result.log).toBe(0);
    const published = service.publishedRelease('v1.2.4-rc.1')!;
    expect(published.prerelease).toBe(true);
    expect(published.body).toMatch(/^Release candidate of app 1\.2\.4-rc\.1\.\n\n## What's Changed/);
    expect(service.operations()).toContain('generateReleaseNotes');
    const publish = service.calls.find((c) => c.operation === 'updateRelease')!;
    expect(publish.json).toMatchObject({ draft: false, prerelease: true });
    expect(publish.json).not.toHaveProperty('make_latest');
    expect(result.summary).toMatch(/Published \[v1\.2\.4-rc\.1\]\(.*\) as a pre-release/);
  });

  test('github-release: draft stops at a verified draft', async () => {
    const service = await start();
    const result = await release(workspace(), { inputs: { 'github-release': 'draft' } });
    expect(result.exitCode, result.log).toBe(0);
    expect(service.publishedRelease('v1.2.3')).toBeUndefined();
    const [draft] = service.store.releases;
    expect(draft?.draft).toBe(true);
    expect(draft?.assets).toHaveLength(5);
    expect(result.outputs.get('release-url')).toMatch(/\/releases\/tag\/untagged-[0-9a-f]+$/);
    expect(service.operations()).not.toContain('updateRelease');
  });

  test('GitHub Enterprise Server: the API under /api/v3 from GITHUB_API_URL, uploads where upload_url says, no digests', async () => {
    // An older server that computes no asset digests: each asset is downloaded and hashed instead.
    const service = await start({ layout: 'ghes', digests: false });
    expect(service.env()['GITHUB_API_URL']).toMatch(/\/api\/v3$/);
    const result = await release(workspace());
    expect(result.exitCode, result.log).toBe(0);
    expect(service.publishedRelease('v1.2.3')?.assets).toHaveLength(5);
    expect(service.operations().filter((op) => op === 'getReleaseAsset')).toHaveLength(5);
    expect(
      service.calls
        .filter((c) => c.operation === 'uploadReleaseAsset')
        .every((c) => c.path.startsWith('/api/uploads/')),
    ).toBe(true);
  });
});

describe('github-release refuses or skips', () => {
  test('on a branch nothing is published, and a notice and the summary say why', async () => {
    const service = await start();
    const result = await release(workspace(), { ref: 'refs/heads/main' });
    expect(result.exitCode, result.log).toBe(0);
    expect(service.calls).toEqual([]);
    expect(result.notices().join('\n')).toMatch(
      /the ref refs\/heads\/main is not a tag, so no GitHub release was published/,
    );
    expect(result.summary).toMatch(
      /### GitHub release\n\nNot published: github-release is true, but the ref refs\/heads\/main is not a tag/,
    );
    expect(result.outputs.has('release-url')).toBe(false);
  });

  test('a bad token fails clearly and is never printed', async () => {
    const service = await start();
    const badToken = 'ghs_notTheRightToken9876543210';
    const result = await release(workspace(), { inputs: { 'github-token': badToken } });
    expect(result.exitCode).toBe(1);
    expect(result.errors().join('\n')).toMatch(
      /Looking up the release of v1\.2\.3 in example\/app failed: HTTP 401: Bad credentials\. GitHub rejected the token: check the github-token input/,
    );
    // The runner hides a masked value; the only line holding it is the add-mask command itself.
    const leaking = result.log.split('\n').filter((line) => line.includes(badToken));
    expect(leaking).toEqual([`::add-mask::${badToken}`]);
    expect(result.summary).not.toContain(badToken);
    expect(fs.readFileSync(path.join(result.runnerDir, 'output'), 'utf8')).not.toContain(badToken);
    expect(service.store.releases).toEqual([]);
  });

  test('a token that may not write gets the permission to ask for', async () => {
    await start({ readOnlyToken: 'ghs_readOnly' });
    const result = await release(workspace(), { inputs: { 'github-token': 'ghs_readOnly' } });
    expect(result.exitCode).toBe(1);
    expect(result.errors().join('\n')).toMatch(
      /Creating a draft release .* failed: HTTP 403: Resource not accessible by integration\. .*permissions: contents: write/,
    );
  });
});
