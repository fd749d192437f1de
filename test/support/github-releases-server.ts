// A local GitHub REST API for releases and release assets on 127.0.0.1, written from GitHub's REST docs, so the
// real Octokit client of the bundled action can publish to it: list (with pagination and drafts), get by tag
// (published only), get, create, update, delete, generate-notes, assets (list, get, download, delete) and uploads
// to the `upload_url` template. Token checked on every API call (401 "Bad credentials"); a read-only token gets
// 403 on writes. Layout `github.com` serves the API at / and uploads under /uploads (GitHub's own uploads host);
// `ghes` serves them at /api/v3 and /api/uploads, as GitHub Enterprise Server does. Every call is recorded, and
// faults can be injected per operation or per uploaded asset name.
import type * as http from 'node:http';
import { FaultInjector, sendFault, type Fault } from './github-http.js';
import { listen, readBody, sendJson, type Listening } from './http-server.js';
import { page, parseJson, ROUTES, UPLOAD_ROUTE } from './github-releases-routes.js';
import { ApiError, ReleasesStore, validationFailed, type StoredRelease } from './github-releases-store.js';

export interface ReleasesServerOptions {
  token: string;
  /** owner/repo. */
  repository: string;
  layout?: 'github.com' | 'ghes';
  /** The repository has immutable releases on. */
  immutable?: boolean;
  /** Assets carry a digest (default true). */
  digests?: boolean;
  /** A token that may read but not write (403 on every write). */
  readOnlyToken?: string;
}

export interface ReleasesCall {
  operation: string;
  method: string;
  path: string;
  status: number;
  /** The JSON body of a create, update or generate-notes request. */
  json?: Record<string, unknown>;
}

const MAX_UPLOAD = 512 * 1024 * 1024;

class UploadFault extends Error {
  constructor(
    readonly assetName: string,
    readonly fault: Fault,
  ) {
    super(`upload of ${assetName} failed`);
  }
}

export class FakeReleasesService {
  readonly store: ReleasesStore;
  readonly calls: ReleasesCall[] = [];
  readonly faults = new FaultInjector();
  private uploadFaults: Array<{ name: RegExp; fault: Fault; starter: boolean }> = [];
  readonly owner: string;
  readonly repo: string;

  constructor(
    readonly options: ReleasesServerOptions,
    readonly origin: string,
  ) {
    const [owner = '', repo = ''] = options.repository.split('/');
    this.owner = owner;
    this.repo = repo;
    const ghes = options.layout === 'ghes';
    this.store = new ReleasesStore(
      {
        api: ghes ? `${origin}/api/v3` : origin,
        web: origin,
        uploads: ghes ? `${origin}/api/uploads` : `${origin}/uploads`,
        owner,
        repo,
      },
      options.immutable ?? false,
      options.digests ?? true,
    );
  }

  /** GITHUB_API_URL, GITHUB_SERVER_URL and GITHUB_REPOSITORY as a runner would set them for this server. */
  env(): Record<string, string> {
    return {
      GITHUB_API_URL: this.store.urls.api,
      GITHUB_SERVER_URL: this.origin,
      GITHUB_REPOSITORY: this.options.repository,
    };
  }

  /** Uploads of assets whose name matches answer `fault`; `starter` leaves GitHub's empty half-asset behind. */
  failUploads(name: RegExp, fault: Fault = 500, starter = false): void {
    this.uploadFaults.push({ name, fault, starter });
  }

  clearFaults(): void {
    this.uploadFaults = [];
    this.faults.clear();
  }

  /** `METHOD /path status` of every API request, for assertions. */
  callLines(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
  }

  /** The operations called, in order (getReleaseByTag, listReleases, createRelease, ...). */
  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }

  publishedRelease(tag: string): StoredRelease | undefined {
    return this.store.releases.find((r) => !r.draft && r.tagName === tag);
  }

  private authorized(req: http.IncomingMessage): 'write' | 'read' | null {
    const header = req.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(header)?.[1];
    if (token === this.options.token) return 'write';
    if (this.options.readOnlyToken && token === this.options.readOnlyToken) return 'read';
    return null;
  }

  private repoMatches(groups: Record<string, string>): boolean {
    return (
      decodeURIComponent(groups['o'] ?? '').toLowerCase() === this.owner.toLowerCase() &&
      decodeURIComponent(groups['r'] ?? '').toLowerCase() === this.repo.toLowerCase()
    );
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const ghes = this.options.layout === 'ghes';
    const apiPrefix = ghes ? '/api/v3' : '';
    const uploadPrefix = ghes ? '/api/uploads' : '/uploads';
    let json: Record<string, unknown> | undefined;
    const record = (operation: string, status: number): void => {
      this.calls.push({
        operation,
        method: req.method ?? '',
        path: `${url.pathname}${url.search}`,
        status,
        ...(json ? { json } : {}),
      });
    };
    const fail = (operation: string, error: ApiError): void => {
      sendJson(res, error.status, error.body());
      record(operation, error.status);
    };

    const download = /^\/_fake\/download\/(\d+)$/.exec(url.pathname);
    if (download && req.method === 'GET') {
      try {
        const { asset } = this.store.asset(Number(download[1]));
        res.writeHead(200, { 'Content-Type': asset.contentType, 'Content-Length': asset.data.length });
        res.end(asset.data);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        sendJson(res, 404, error.body());
      }
      return;
    }

    let operation = 'unknown';
    let groups: Record<string, string> = {};
    let write = false;
    if (url.pathname.startsWith(`${uploadPrefix}/`)) {
      const match = UPLOAD_ROUTE.exec(url.pathname.slice(uploadPrefix.length));
      if (match && req.method === 'POST') {
        operation = 'uploadReleaseAsset';
        groups = match.groups ?? {};
        write = true;
      }
    } else if (apiPrefix === '' || url.pathname.startsWith(`${apiPrefix}/`)) {
      const rest = url.pathname.slice(apiPrefix.length);
      for (const route of ROUTES) {
        const match = route.pattern.exec(rest);
        if (match && route.method === req.method) {
          operation = route.operation;
          groups = match.groups ?? {};
          write = route.write === true;
          break;
        }
      }
    }
    const body = await readBody(req, MAX_UPLOAD);
    if (operation !== 'uploadReleaseAsset' && (req.headers['content-type'] ?? '').includes('json')) {
      try {
        json = parseJson(body);
      } catch {
        // Answered as GitHub does when the operation reads it.
      }
    }
    if (operation === 'unknown') return fail(operation, new ApiError(404, 'Not Found'));
    const access = this.authorized(req);
    if (access === null) return fail(operation, new ApiError(401, 'Bad credentials'));
    if (!this.repoMatches(groups)) return fail(operation, new ApiError(404, 'Not Found'));
    if (write && access !== 'write') {
      return fail(operation, new ApiError(403, 'Resource not accessible by integration'));
    }
    const injected = this.faults.take(operation);
    if (injected !== null) {
      record(operation, sendFault(res, injected, { message: `injected failure ${injected}` }));
      return;
    }
    try {
      const [status, answer, headers] = this.serve(operation, groups, url, req, body);
      if (status === 302) {
        res.writeHead(302, headers).end();
      } else if (status === 204) {
        res.writeHead(204).end();
      } else {
        res.setHeader('X-GitHub-Api-Version-Selected', '2022-11-28');
        for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
        sendJson(res, status, answer);
      }
      record(operation, status);
    } catch (error) {
      if (error instanceof UploadFault) {
        record(
          operation,
          sendFault(res, error.fault, { message: `upload of ${error.assetName} failed upstream` }),
        );
        return;
      }
      if (!(error instanceof ApiError)) throw error;
      fail(operation, error);
    }
  }

  private serve(
    operation: string,
    groups: Record<string, string>,
    url: URL,
    req: http.IncomingMessage,
    body: Buffer,
  ): [number, unknown, Record<string, string>] {
    const store = this.store;
    const id = Number(groups['id']);
    switch (operation) {
      case 'listReleases': {
        const [items, headers] = page(store.listed(), url);
        return [200, items.map((r) => store.releaseJson(r)), headers];
      }
      case 'getReleaseByTag':
        return [200, store.releaseJson(store.publishedByTag(decodeURIComponent(groups['tag'] ?? ''))), {}];
      case 'getRelease':
        return [200, store.releaseJson(store.release(id)), {}];
      case 'createRelease': {
        const input = parseJson(body);
        if (
          input['make_latest'] !== undefined &&
          !['true', 'false', 'legacy'].includes(String(input['make_latest']))
        ) {
          throw validationFailed('Release', 'make_latest', 'invalid');
        }
        const tag = typeof input['tag_name'] === 'string' ? input['tag_name'] : '';
        let bodyText = typeof input['body'] === 'string' ? input['body'] : null;
        if (input['generate_release_notes'] === true) {
          const notes = store.generatedNotes(tag).body;
          bodyText = bodyText ? `${bodyText}\n\n${notes}` : notes;
        }
        const release = store.create({
          tag_name: tag,
          ...(typeof input['target_commitish'] === 'string'
            ? { target_commitish: input['target_commitish'] }
            : {}),
          name: typeof input['name'] === 'string' ? input['name'] : null,
          body: bodyText,
          draft: input['draft'] === true,
          prerelease: input['prerelease'] === true,
        });
        return [201, store.releaseJson(release), {}];
      }
      case 'updateRelease': {
        const input = parseJson(body);
        if (
          input['make_latest'] !== undefined &&
          !['true', 'false', 'legacy'].includes(String(input['make_latest']))
        ) {
          throw validationFailed('Release', 'make_latest', 'invalid');
        }
        return [200, store.releaseJson(store.update(store.release(id), input)), {}];
      }
      case 'deleteRelease':
        store.deleteRelease(id);
        return [204, null, {}];
      case 'generateReleaseNotes': {
        const input = parseJson(body);
        if (typeof input['tag_name'] !== 'string' || input['tag_name'] === '') {
          throw validationFailed('Release', 'tag_name', 'missing_field');
        }
        const previous =
          typeof input['previous_tag_name'] === 'string' ? input['previous_tag_name'] : undefined;
        return [200, store.generatedNotes(input['tag_name'], previous), {}];
      }
      case 'listReleaseAssets': {
        const release = store.release(id);
        const [items, headers] = page(release.assets, url);
        return [200, items.map((a) => store.assetJson(release, a)), headers];
      }
      case 'getReleaseAsset': {
        const { release, asset } = store.asset(id);
        if ((req.headers.accept ?? '').includes('application/octet-stream')) {
          return [302, null, { Location: `${this.origin}/_fake/download/${asset.id}` }];
        }
        return [200, store.assetJson(release, asset), {}];
      }
      case 'deleteReleaseAsset':
        store.deleteAsset(id);
        return [204, null, {}];
      case 'uploadReleaseAsset': {
        const release = store.release(id);
        const name = url.searchParams.get('name') ?? '';
        if (name === '') throw validationFailed('ReleaseAsset', 'name', 'missing_field');
        const contentType = req.headers['content-type'] ?? '';
        if (contentType === '') throw validationFailed('ReleaseAsset', 'content_type', 'missing_field');
        const length = Number(req.headers['content-length'] ?? Number.NaN);
        if (!Number.isFinite(length) || length !== body.length) throw new ApiError(400, 'Bad Content-Length');
        const fault = this.uploadFaults.find((f) => f.name.test(name));
        if (fault) {
          if (fault.starter) store.starter(release, name, contentType);
          throw new UploadFault(name, fault.fault);
        }
        const asset = store.upload(release, name, url.searchParams.get('label'), contentType, body);
        return [201, store.assetJson(release, asset), {}];
      }
      default:
        throw new ApiError(404, 'Not Found');
    }
  }
}

export type ReleasesServer = FakeReleasesService & { stop(): Promise<void> };

/** Starts the service on 127.0.0.1 (any free port). */
export async function startReleasesServer(options: ReleasesServerOptions): Promise<ReleasesServer> {
  const ready: { service?: FakeReleasesService } = {};
  const listening: Listening = await listen(async (req, res) => {
    if (!ready.service) throw new Error('not ready');
    await ready.service.handle(req, res);
  });
  const service = new FakeReleasesService(options, listening.url.replace(/\/$/, ''));
  ready.service = service;
  return Object.assign(service, { stop: () => listening.close() });
}
