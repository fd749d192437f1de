// A fake of GitHub's cache service as @actions/cache 6 speaks to it:
// - v2 (ACTIONS_CACHE_SERVICE_V2 set, what github.com runners use): Twirp CacheService GetCacheEntryDownloadURL /
//   CreateCacheEntry / FinalizeCacheEntryUpload, the archive going to and from Azurite through signed URLs;
// - v1 (the library's default without that variable, and what act's cache server speaks): REST under
//   `_apis/artifactcache` with chunked PATCH uploads, archives kept on disk here.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type * as http from 'node:http';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Azurite } from './github-azurite.js';
import {
  FaultInjector,
  sendFault,
  serveTwirp,
  stringField,
  twirpMethod,
  TwirpError,
  type CallRecord,
  type TwirpMethod,
} from './github-http.js';
import { readBody, sendJson } from './http-server.js';
import { backendIdsFromAuthorization } from './github-jwt.js';

export const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService';
export const CACHE_CONTAINER = 'actions-cache';
const V1_PREFIX = '/_apis/artifactcache/';
// The client sends at most 32 MiB per chunk by default (CACHE_UPLOAD_CHUNK_SIZE can raise it to 128).
const MAX_V1_CHUNK = 128 * 1024 * 1024;

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  protocol: 'v1' | 'v2';
  size: number;
  finalized: boolean;
  createdAt: number;
}

export class FakeCacheService {
  readonly entries: CacheEntry[] = [];
  readonly faults = new FaultInjector();
  readonly calls: CallRecord[] = [];
  private nextId = 1;
  private clock = 0;
  /** Set once the server listens: archive download URLs for v1 point back at it. */
  baseUrl = '';

  constructor(
    private readonly blob: Azurite,
    private readonly v1Dir: string,
  ) {}

  async init(): Promise<void> {
    await this.blob.ensureContainer(CACHE_CONTAINER);
  }

  /** Committed entries, oldest first. */
  saved(): CacheEntry[] {
    return this.entries.filter((e) => e.finalized);
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const method = twirpMethod(req, CACHE_SERVICE);
    if (method !== null) {
      await serveTwirp(req, res, method, this.methods, this.faults, this.calls);
      return true;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(V1_PREFIX)) {
      await this.serveV1(req, res, url);
      return true;
    }
    return false;
  }

  private blobName(entry: CacheEntry): string {
    return `${entry.id}/cache.tzst`;
  }

  private v1File(entry: CacheEntry): string {
    return path.join(this.v1Dir, `${entry.id}.archive`);
  }

  /**
   * GitHub's documented lookup: the key exactly, then the key as a prefix, then each restore key exactly and as a
   * prefix, newest entry first; always within the same version (paths + compression).
   */
  lookup(key: string, restoreKeys: string[], version: string, protocol: 'v1' | 'v2'): CacheEntry | undefined {
    const candidates = this.saved()
      .filter((e) => e.version === version && e.protocol === protocol)
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const wanted of [key, ...restoreKeys]) {
      const exact = candidates.find((e) => e.key === wanted);
      if (exact) return exact;
      const prefixed = candidates.find((e) => e.key.startsWith(wanted));
      if (prefixed) return prefixed;
    }
    return undefined;
  }

  private reserve(key: string, version: string, protocol: 'v1' | 'v2'): CacheEntry {
    if (key === '' || key.length > 512 || key.includes(','))
      throw new TwirpError('invalid_argument', `invalid key ${key}`);
    if (!/^[0-9a-f]{64}$/.test(version))
      throw new TwirpError('invalid_argument', `invalid version ${version}`);
    if (this.entries.some((e) => e.key === key && e.version === version)) {
      throw new TwirpError(
        'already_exists',
        `cache entry with the same key, version, and scope already exists: ${key}`,
      );
    }
    const entry: CacheEntry = {
      id: this.nextId++,
      key,
      version,
      protocol,
      size: 0,
      finalized: false,
      createdAt: ++this.clock,
    };
    this.entries.push(entry);
    return entry;
  }

  private readonly methods: Record<string, TwirpMethod> = {
    GetCacheEntryDownloadURL: async (body) => {
      const key = stringField(body, 'key');
      const version = stringField(body, 'version');
      const restoreKeys = Array.isArray(body['restore_keys']) ? body['restore_keys'].map(String) : [];
      const entry = this.lookup(key, restoreKeys, version, 'v2');
      if (!entry) return { ok: false, signed_download_url: '', matched_key: '' };
      return {
        ok: true,
        signed_download_url: this.blob.sasUrl(CACHE_CONTAINER, this.blobName(entry), 'r'),
        matched_key: entry.key,
      };
    },

    CreateCacheEntry: async (body) => {
      const entry = this.reserve(stringField(body, 'key'), stringField(body, 'version'), 'v2');
      return { ok: true, signed_upload_url: this.blob.sasUrl(CACHE_CONTAINER, this.blobName(entry), 'cw') };
    },

    FinalizeCacheEntryUpload: async (body) => {
      const key = stringField(body, 'key');
      const version = stringField(body, 'version');
      const entry = this.entries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) throw new TwirpError('not_found', `no cache entry ${key} is being uploaded`);
      const size = Number(body['size_bytes'] ?? 0);
      const stored = await this.blob.size(CACHE_CONTAINER, this.blobName(entry));
      if (stored !== size) {
        throw new TwirpError(
          'failed_precondition',
          `the upload holds ${stored ?? 'no'} bytes, the client reported ${size}`,
        );
      }
      entry.size = size;
      entry.finalized = true;
      return { ok: true, entry_id: String(entry.id) };
    },
  };

  private async serveV1(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const resource = url.pathname.slice(V1_PREFIX.length);
    const operation =
      req.method === 'GET' && resource === 'cache'
        ? 'GetCacheEntry'
        : req.method === 'GET' && resource === 'caches'
          ? 'ListCaches'
          : req.method === 'POST' && resource === 'caches'
            ? 'ReserveCache'
            : req.method === 'PATCH' && /^caches\/\d+$/.test(resource)
              ? 'UploadChunk'
              : req.method === 'POST' && /^caches\/\d+$/.test(resource)
                ? 'CommitCache'
                : req.method === 'GET' && /^archives\/\d+$/.test(resource)
                  ? 'DownloadArchive'
                  : 'Unknown';
    const record = (status: number): void => {
      this.calls.push({ operation, status });
    };
    // The archive download carries no token, as with a signed blob URL.
    if (operation !== 'DownloadArchive' && !backendIdsFromAuthorization(req.headers.authorization)) {
      sendJson(res, 401, { message: 'missing or invalid ACTIONS_RUNTIME_TOKEN' });
      return record(401);
    }
    const injected = this.faults.take(operation);
    if (injected !== null) {
      req.resume();
      return record(sendFault(res, injected, { message: `injected failure ${injected}` }));
    }
    const id = Number(resource.split('/')[1]);
    const entry = this.entries.find((e) => e.id === id && e.protocol === 'v1');

    switch (operation) {
      case 'GetCacheEntry': {
        const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
        const version = url.searchParams.get('version') ?? '';
        const found = keys.length > 0 ? this.lookup(keys[0]!, keys.slice(1), version, 'v1') : undefined;
        if (!found) {
          res.writeHead(204).end();
          return record(204);
        }
        sendJson(res, 200, {
          cacheKey: found.key,
          cacheVersion: found.version,
          scope: 'refs/heads/main',
          creationTime: new Date().toISOString(),
          archiveLocation: `${this.baseUrl}_apis/artifactcache/archives/${found.id}`,
        });
        return record(200);
      }
      case 'ListCaches': {
        const key = url.searchParams.get('key') ?? '';
        const matching = this.saved().filter((e) => e.key === key);
        sendJson(res, 200, {
          totalCount: matching.length,
          artifactCaches: matching.map((e) => ({
            cacheKey: e.key,
            cacheVersion: e.version,
            scope: 'refs/heads/main',
          })),
        });
        return record(200);
      }
      case 'ReserveCache': {
        const body = JSON.parse((await readBody(req)).toString('utf8')) as {
          key?: unknown;
          version?: unknown;
        };
        try {
          const reserved = this.reserve(String(body.key ?? ''), String(body.version ?? ''), 'v1');
          sendJson(res, 201, { cacheId: reserved.id });
          return record(201);
        } catch (error) {
          const status = error instanceof TwirpError && error.code === 'already_exists' ? 409 : 400;
          sendJson(res, status, { message: (error as Error).message });
          return record(status);
        }
      }
      case 'UploadChunk': {
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
        if (!entry || entry.finalized || !range) {
          req.resume();
          sendJson(res, 400, {
            message: !range ? 'Content-Range required' : `cache ${id} is not being uploaded`,
          });
          return record(400);
        }
        const start = Number(range[1]);
        const chunk = await readBody(req, MAX_V1_CHUNK);
        if (chunk.length !== Number(range[2]) - start + 1) {
          sendJson(res, 400, {
            message: `Content-Range ${range[0]} does not match the ${chunk.length} bytes sent`,
          });
          return record(400);
        }
        const file = this.v1File(entry);
        const handle = await fsp.open(file, fs.existsSync(file) ? 'r+' : 'w');
        try {
          await handle.write(chunk, 0, chunk.length, start);
        } finally {
          await handle.close();
        }
        res.writeHead(204).end();
        return record(204);
      }
      case 'CommitCache': {
        const body = JSON.parse((await readBody(req)).toString('utf8')) as { size?: unknown };
        if (!entry || entry.finalized) {
          sendJson(res, 404, { message: `cache ${id} is not being uploaded` });
          return record(404);
        }
        const stored = fs.existsSync(this.v1File(entry)) ? (await fsp.stat(this.v1File(entry))).size : 0;
        if (stored !== Number(body.size)) {
          sendJson(res, 400, {
            message: `the upload holds ${stored} bytes, the client reported ${String(body.size)}`,
          });
          return record(400);
        }
        entry.size = stored;
        entry.finalized = true;
        res.writeHead(204).end();
        return record(204);
      }
      case 'DownloadArchive': {
        if (!entry?.finalized) {
          res.writeHead(404).end();
          return record(404);
        }
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': entry.size });
        await pipeline(fs.createReadStream(this.v1File(entry)), res);
        return record(200);
      }
      default:
        req.resume();
        sendJson(res, 404, { message: `unknown cache API call ${req.method} ${resource}` });
        return record(404);
    }
  }
}
