// The GitHub REST calls a release needs, through @actions/github's Octokit (GitHub Enterprise via GITHUB_API_URL,
// the runner's proxy settings). Answers are read field by field into small shapes of our own, so a server that
// leaves out an optional field (an asset's `digest`, a release's `immutable`) is handled, not misread.
import * as github from '@actions/github';
import { ACTION_NAME, ACTION_VERSION } from '../version.js';

export interface RemoteAsset {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` as GitHub computed it at upload; null when the server did not say. */
  digest: string | null;
  /** `uploaded`; `open` or `starter` for an upload that never finished. */
  state: string;
  browserDownloadUrl: string;
}

export interface RemoteRelease {
  id: number;
  tagName: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  htmlUrl: string;
  uploadUrl: string;
  assets: RemoteAsset[];
}

export interface ReleaseFields {
  name: string;
  body: string;
  prerelease: boolean;
}

/** One request as the log and the summary list it: `GET /repos/octo/app/releases/tags/v1.2.3 404`. */
export interface ApiCall {
  method: string;
  route: string;
  status: number;
}

const API_VERSION = '2022-11-28';
// A server that stops answering must not hold the step until the job's timeout: API calls get 2 minutes, an
// upload (tens of MiB on a slow link) 20.
const REQUEST_TIMEOUT_MS = 2 * 60_000;
const UPLOAD_TIMEOUT_MS = 20 * 60_000;
const PER_PAGE = 100;
/** Pages read at most when listing (10 000 releases or assets): a bound, not a limit anyone meets. */
const MAX_PAGES = 100;

type Octokit = ReturnType<typeof github.getOctokit>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function toAsset(value: unknown): RemoteAsset {
  const data = record(value);
  return {
    id: Number(data['id']),
    name: text(data['name']),
    size: Number(data['size']),
    digest: typeof data['digest'] === 'string' ? data['digest'] : null,
    state: text(data['state']) || 'uploaded',
    browserDownloadUrl: text(data['browser_download_url']),
  };
}

export function toRelease(value: unknown): RemoteRelease {
  const data = record(value);
  return {
    id: Number(data['id']),
    tagName: text(data['tag_name']),
    name: text(data['name']),
    body: text(data['body']),
    draft: data['draft'] === true,
    prerelease: data['prerelease'] === true,
    immutable: data['immutable'] === true,
    htmlUrl: text(data['html_url']),
    uploadUrl: text(data['upload_url']),
    assets: Array.isArray(data['assets']) ? data['assets'].map(toAsset) : [],
  };
}

/** The HTTP status of a failed request; 0 when no answer came (connection refused, reset). */
export function statusOf(error: unknown): number {
  const failure = record(error);
  // Octokit reports a request that got no answer at all (DNS, refused, reset) as status 500 without a response.
  if (failure['name'] === 'HttpError' && failure['response'] === undefined) return 0;
  const status = failure['status'];
  return typeof status === 'number' ? status : 0;
}

/** GitHub's own words for a failed request: status, message, and the codes of a 422's `errors`. Pure. */
export function describeApiError(error: unknown): string {
  const status = statusOf(error);
  const data = record(record(record(error)['response'])['data']);
  const message = text(data['message']) || (error instanceof Error ? error.message : String(error));
  const details = (Array.isArray(data['errors']) ? data['errors'] : [])
    .map((entry) => {
      const e = record(entry);
      return [text(e['resource']), text(e['field']), text(e['code']), text(e['message'])]
        .filter(Boolean)
        .join(' ');
    })
    .filter(Boolean);
  const head = status > 0 ? `HTTP ${status}: ${message}` : message;
  return details.length > 0 ? `${head} (${details.join('; ')})` : head;
}

export class ReleasesClient {
  /** Every request made, in order. */
  readonly calls: ApiCall[] = [];
  private readonly octokit: Octokit;

  constructor(
    token: string,
    readonly apiUrl: string,
    readonly owner: string,
    readonly repo: string,
    onCall: (call: ApiCall) => void = () => {},
  ) {
    this.octokit = github.getOctokit(token, {
      baseUrl: apiUrl,
      userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
      // Octokit would otherwise print deprecation notices through console.
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    this.octokit.hook.wrap('request', async (request, options) => {
      options.headers['x-github-api-version'] = API_VERSION;
      // The request as sent (path and query, parameters filled in), for the log and the summary.
      const sent = new URL(this.octokit.request.endpoint.parse(options).url);
      const route = `${sent.pathname}${sent.search.replace(/&$/, '')}`;
      const upload = /\{\?name,label\}$/.test(String(options.url));
      options.request = {
        ...options.request,
        signal: AbortSignal.timeout(upload ? UPLOAD_TIMEOUT_MS : REQUEST_TIMEOUT_MS),
      };
      const note = (status: number): void => {
        const call = { method: options.method, route, status };
        this.calls.push(call);
        onCall(call);
      };
      try {
        const response = await request(options);
        note(response.status);
        return response;
      } catch (error) {
        note(statusOf(error));
        throw error;
      }
    });
  }

  private get repoParams(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo };
  }

  /** The published release of a tag; null when there is none (drafts are never returned by this endpoint). */
  async publishedByTag(tag: string): Promise<RemoteRelease | null> {
    try {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', {
        ...this.repoParams,
        tag,
      });
      return toRelease(response.data);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** Draft releases of a tag, newest first: only the list endpoint shows drafts (to a token that may push). */
  async draftsOf(tag: string): Promise<RemoteRelease[]> {
    const drafts: RemoteRelease[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/releases', {
        ...this.repoParams,
        per_page: PER_PAGE,
        page,
      });
      const releases = (Array.isArray(response.data) ? response.data : []).map(toRelease);
      drafts.push(...releases.filter((release) => release.draft && release.tagName === tag));
      if (releases.length < PER_PAGE) break;
    }
    return drafts;
  }

  async generateNotes(tag: string, commitish: string): Promise<{ name: string; body: string }> {
    const response = await this.octokit.request('POST /repos/{owner}/{repo}/releases/generate-notes', {
      ...this.repoParams,
      tag_name: tag,
      ...(commitish ? { target_commitish: commitish } : {}),
    });
    const data = record(response.data);
    return { name: text(data['name']), body: text(data['body']) };
  }

  /** A new draft. The commit only matters when the tag does not exist on GitHub yet: it is then made there. */
  async createDraft(tag: string, commitish: string, fields: ReleaseFields): Promise<RemoteRelease> {
    const response = await this.octokit.request('POST /repos/{owner}/{repo}/releases', {
      ...this.repoParams,
      tag_name: tag,
      ...(commitish ? { target_commitish: commitish } : {}),
      name: fields.name,
      body: fields.body,
      draft: true,
      prerelease: fields.prerelease,
    });
    return toRelease(response.data);
  }

  async update(
    id: number,
    fields: Partial<ReleaseFields> & { draft?: boolean; make_latest?: 'true' | 'false' | 'legacy' },
  ): Promise<RemoteRelease> {
    const response = await this.octokit.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      ...this.repoParams,
      release_id: id,
      ...fields,
    });
    return toRelease(response.data);
  }

  async assets(releaseId: number): Promise<RemoteAsset[]> {
    const assets: RemoteAsset[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
        ...this.repoParams,
        release_id: releaseId,
        per_page: PER_PAGE,
        page,
      });
      const listed = (Array.isArray(response.data) ? response.data : []).map(toAsset);
      assets.push(...listed);
      if (listed.length < PER_PAGE) break;
    }
    return assets;
  }

  /** POSTs the bytes to the release's own upload_url (a hypermedia URI template ending in `{?name,label}`). */
  async upload(
    release: RemoteRelease,
    name: string,
    contentType: string,
    data: Buffer,
  ): Promise<RemoteAsset> {
    if (!release.uploadUrl) throw new Error(`release ${release.id} came without an upload_url`);
    // GitHub always sends the template; a URL without one still gets the name as the query.
    const url = /\{\?[^}]*\}$/.test(release.uploadUrl)
      ? release.uploadUrl
      : `${release.uploadUrl}{?name,label}`;
    const response = await this.octokit.request({
      method: 'POST',
      url,
      name,
      data,
      headers: { 'content-type': contentType, 'content-length': data.length },
    });
    return toAsset(response.data);
  }

  async deleteAsset(assetId: number): Promise<void> {
    await this.octokit.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...this.repoParams,
      asset_id: assetId,
    });
  }

  /** The asset's bytes (GitHub answers with a redirect to the file, which fetch follows), never decoded. */
  async download(assetId: number): Promise<Buffer> {
    const response = await this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...this.repoParams,
      asset_id: assetId,
      headers: { accept: 'application/octet-stream' },
      // Octokit would parse a JSON asset (an SBOM) and decode text ones; the hash needs the bytes as sent.
      request: { parseSuccessResponseBody: false },
    });
    const body: unknown = response.data;
    if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') {
      throw new Error(`asset ${assetId} came back without a body`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
}
