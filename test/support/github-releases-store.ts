// The state behind the fake GitHub releases API, with the rules GitHub's REST docs give for releases and release
// assets (https://docs.github.com/en/rest/releases): drafts are only listed, never found by tag; one published
// release per tag; asset names unique per release (422 already_exists); names with special characters renamed;
// a digest `sha256:<hex>` computed at upload; published releases of an immutable repository refuse asset changes
// and allow only the title and notes to change. The JSON shapes follow the docs' examples.
import { createHash, randomBytes } from 'node:crypto';

export interface StoredAsset {
  id: number;
  name: string;
  label: string | null;
  /** `uploaded`; `starter` for an upload that failed upstream (GitHub's 502 case). */
  state: string;
  contentType: string;
  data: Buffer;
  createdAt: string;
}

export interface StoredRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  createdAt: string;
  publishedAt: string | null;
  /** The `untagged-<hex>` a draft's URLs carry until it is published. */
  untagged: string;
  assets: StoredAsset[];
}

/** A 4xx answer in GitHub's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Array<Record<string, string>>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: 'https://docs.github.com/rest/releases',
      status: String(this.status),
    };
  }
}

export function validationFailed(resource: string, field: string, code: string, message?: string): ApiError {
  return new ApiError(422, 'Validation Failed', [
    { resource, field, code, ...(message !== undefined ? { message } : {}) },
  ]);
}

/** GitHub's renaming of asset names: special characters become `.`, leading and trailing periods go. */
export function githubAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+-]/g, '.').replace(/^\.+|\.+$/g, '');
}

export interface Urls {
  /** The API root (GITHUB_API_URL). */
  api: string;
  /** The web root (GITHUB_SERVER_URL): html_url and browser_download_url. */
  web: string;
  /** The uploads root. */
  uploads: string;
  owner: string;
  repo: string;
}

export class ReleasesStore {
  releases: StoredRelease[] = [];
  private nextId = 1;
  private clock = Date.parse('2026-01-02T03:04:05Z');

  constructor(
    readonly urls: Urls,
    /** The repository setting: published releases become immutable. */
    public immutableReleases = false,
    /** Whether assets carry a digest (GitHub.com since 2025; older Enterprise Servers give none). */
    public digests = true,
  ) {}

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  release(id: number): StoredRelease {
    const found = this.releases.find((r) => r.id === id);
    if (!found) throw new ApiError(404, 'Not Found');
    return found;
  }

  asset(id: number): { release: StoredRelease; asset: StoredAsset } {
    for (const release of this.releases) {
      const asset = release.assets.find((a) => a.id === id);
      if (asset) return { release, asset };
    }
    throw new ApiError(404, 'Not Found');
  }

  /** Newest first, as GET /releases lists them. */
  listed(): StoredRelease[] {
    return [...this.releases].sort((a, b) => b.id - a.id);
  }

  publishedByTag(tag: string): StoredRelease {
    const found = this.releases.find((r) => !r.draft && r.tagName === tag);
    if (!found) throw new ApiError(404, 'Not Found');
    return found;
  }

  private checkTagFree(tag: string, except?: StoredRelease): void {
    if (this.releases.some((r) => r !== except && !r.draft && r.tagName === tag)) {
      throw validationFailed('Release', 'tag_name', 'already_exists');
    }
  }

  create(input: {
    tag_name: string;
    target_commitish?: string;
    name?: string | null;
    body?: string | null;
    draft?: boolean;
    prerelease?: boolean;
  }): StoredRelease {
    if (!input.tag_name) throw validationFailed('Release', 'tag_name', 'missing_field');
    const draft = input.draft === true;
    if (!draft) this.checkTagFree(input.tag_name);
    const createdAt = this.now();
    const release: StoredRelease = {
      id: this.nextId++,
      tagName: input.tag_name,
      targetCommitish: input.target_commitish || 'main',
      name: input.name ?? null,
      body: input.body ?? null,
      draft,
      prerelease: input.prerelease === true,
      immutable: !draft && this.immutableReleases,
      createdAt,
      publishedAt: draft ? null : createdAt,
      untagged: `untagged-${randomBytes(10).toString('hex')}`,
      assets: [],
    };
    this.releases.push(release);
    return release;
  }

  update(release: StoredRelease, changes: Record<string, unknown>): StoredRelease {
    if (release.immutable) {
      for (const [key, value] of Object.entries(changes)) {
        if (['name', 'body', 'make_latest'].includes(key)) continue;
        const current: Record<string, unknown> = {
          tag_name: release.tagName,
          target_commitish: release.targetCommitish,
          draft: release.draft,
          prerelease: release.prerelease,
        };
        if (value !== current[key]) {
          throw validationFailed('Release', key, 'custom', `Cannot change ${key} of an immutable release`);
        }
      }
    }
    const tag = typeof changes['tag_name'] === 'string' ? changes['tag_name'] : release.tagName;
    const publishing = changes['draft'] === false && release.draft;
    if ((publishing || !release.draft) && changes['draft'] !== true) this.checkTagFree(tag, release);
    release.tagName = tag;
    if (typeof changes['target_commitish'] === 'string')
      release.targetCommitish = changes['target_commitish'];
    if (changes['name'] !== undefined) release.name = changes['name'] as string | null;
    if (changes['body'] !== undefined) release.body = changes['body'] as string | null;
    if (typeof changes['prerelease'] === 'boolean') release.prerelease = changes['prerelease'];
    if (typeof changes['draft'] === 'boolean') release.draft = changes['draft'];
    if (publishing) {
      release.publishedAt = this.now();
      release.immutable = this.immutableReleases;
    }
    return release;
  }

  private checkMutable(release: StoredRelease, action: string): void {
    if (release.immutable) throw new ApiError(422, `Cannot ${action} an immutable release.`);
  }

  upload(
    release: StoredRelease,
    rawName: string,
    label: string | null,
    contentType: string,
    data: Buffer,
  ): StoredAsset {
    this.checkMutable(release, 'upload assets to');
    const name = githubAssetName(rawName);
    if (release.assets.some((a) => a.name === name && a.state === 'uploaded')) {
      throw validationFailed('ReleaseAsset', 'name', 'already_exists');
    }
    const asset: StoredAsset = {
      id: this.nextId++,
      name,
      label,
      state: 'uploaded',
      contentType,
      data,
      createdAt: this.now(),
    };
    release.assets.push(asset);
    return asset;
  }

  /** What GitHub leaves behind when an upload fails upstream (its docs: an empty asset in state `starter`). */
  starter(release: StoredRelease, rawName: string, contentType: string): void {
    release.assets.push({
      id: this.nextId++,
      name: githubAssetName(rawName),
      label: null,
      state: 'starter',
      contentType,
      data: Buffer.alloc(0),
      createdAt: this.now(),
    });
  }

  deleteAsset(id: number): void {
    const { release, asset } = this.asset(id);
    this.checkMutable(release, 'delete assets of');
    release.assets = release.assets.filter((a) => a !== asset);
  }

  deleteRelease(id: number): void {
    this.release(id);
    this.releases = this.releases.filter((r) => r.id !== id);
  }

  assetJson(release: StoredRelease, asset: StoredAsset): Record<string, unknown> {
    const { api, web, owner, repo } = this.urls;
    const folder = release.draft ? release.untagged : release.tagName;
    return {
      url: `${api}/repos/${owner}/${repo}/releases/assets/${asset.id}`,
      browser_download_url: `${web}/${owner}/${repo}/releases/download/${folder}/${asset.name}`,
      id: asset.id,
      node_id: Buffer.from(`ReleaseAsset${asset.id}`).toString('base64'),
      name: asset.name,
      label: asset.label,
      state: asset.state,
      content_type: asset.contentType,
      size: asset.data.length,
      digest:
        this.digests && asset.state === 'uploaded'
          ? `sha256:${createHash('sha256').update(asset.data).digest('hex')}`
          : null,
      download_count: 0,
      created_at: asset.createdAt,
      updated_at: asset.createdAt,
      uploader: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    };
  }

  releaseJson(release: StoredRelease): Record<string, unknown> {
    const { api, web, uploads, owner, repo } = this.urls;
    const folder = release.draft ? release.untagged : release.tagName;
    return {
      url: `${api}/repos/${owner}/${repo}/releases/${release.id}`,
      html_url: `${web}/${owner}/${repo}/releases/tag/${folder}`,
      assets_url: `${api}/repos/${owner}/${repo}/releases/${release.id}/assets`,
      upload_url: `${uploads}/repos/${owner}/${repo}/releases/${release.id}/assets{?name,label}`,
      tarball_url: release.draft ? null : `${api}/repos/${owner}/${repo}/tarball/${release.tagName}`,
      zipball_url: release.draft ? null : `${api}/repos/${owner}/${repo}/zipball/${release.tagName}`,
      id: release.id,
      node_id: Buffer.from(`Release${release.id}`).toString('base64'),
      tag_name: release.tagName,
      target_commitish: release.targetCommitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: release.immutable,
      created_at: release.createdAt,
      published_at: release.publishedAt,
      updated_at: release.publishedAt ?? release.createdAt,
      author: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      assets: release.assets.map((asset) => this.assetJson(release, asset)),
    };
  }

  /** POST /releases/generate-notes: a name and a Markdown body for the tag. */
  generatedNotes(tag: string, previous?: string): { name: string; body: string } {
    const { web, owner, repo } = this.urls;
    const range = previous ? `${previous}...${tag}` : tag;
    return {
      name: tag,
      body: `## What's Changed\n* Everything since ${previous ?? 'the start'} by @octocat\n\n**Full Changelog**: ${web}/${owner}/${repo}/commits/${range}`,
    };
  }
}
