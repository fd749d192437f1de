// The artifact and cache fakes behind one origin, as on GitHub where both live under ACTIONS_RESULTS_URL, with
// the environment a runner gives a step to reach them.
import { randomUUID } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeArtifactService } from './artifact-server.js';
import { FakeCacheService } from './cache-server.js';
import { startAzurite, type Azurite } from './github-azurite.js';
import { applyEnv } from './env.js';
import { listen, sendJson, type Listening } from './http-server.js';
import { makeRuntimeToken, type BackendIds } from './github-jwt.js';

export interface GithubServices {
  artifacts: FakeArtifactService;
  cache: FakeCacheService;
  azurite: Azurite;
  /** http://127.0.0.1:<port>/ */
  url: string;
  ids: BackendIds;
  /** What the runner would export: runtime token, results URL, v1 cache URL, and the v2 switch when asked for. */
  env(cacheProtocol?: 'v1' | 'v2'): Record<string, string>;
  stop(): Promise<void>;
}

export function newBackendIds(): BackendIds {
  return { workflowRunBackendId: randomUUID(), workflowJobRunBackendId: randomUUID() };
}

/** The runner's variables for reaching the services; v1 leaves ACTIONS_CACHE_SERVICE_V2 out, as act does. */
export function runnerEnv(
  url: string,
  ids: BackendIds,
  cacheProtocol: 'v1' | 'v2' = 'v2',
): Record<string, string> {
  return {
    ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(ids),
    ACTIONS_RESULTS_URL: url,
    ACTIONS_CACHE_URL: url,
    ...(cacheProtocol === 'v2' ? { ACTIONS_CACHE_SERVICE_V2: 'true' } : {}),
  };
}

/** Every variable that decides whether and how the @actions clients reach a service. */
export const SERVICE_ENV_NAMES = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL',
  'GITHUB_RETENTION_DAYS',
] as const;

/** The service variables cleared, then `vars` applied: a step's view of the runner, nothing leaking from outside. */
export function applyRunnerEnv(vars: Record<string, string>): () => void {
  return applyEnv({ ...Object.fromEntries(SERVICE_ENV_NAMES.map((name) => [name, undefined])), ...vars });
}

/**
 * Not part of GitHub's protocol: lets a test outside the process (an act run) see what was stored.
 * GET /_fake/state: artifacts and cache entries as JSON; GET /_fake/artifacts/<name>: the uploaded zip.
 */
async function serveInspection(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  artifacts: FakeArtifactService,
  cache: FakeCacheService,
): Promise<boolean> {
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method !== 'GET' || !pathname.startsWith('/_fake/')) return false;
  if (pathname === '/_fake/state') {
    sendJson(res, 200, {
      artifacts: artifacts.artifacts,
      cacheEntries: cache.entries,
      calls: [...artifacts.calls, ...cache.calls],
    });
    return true;
  }
  const name = decodeURIComponent(pathname.slice('/_fake/artifacts/'.length));
  if (pathname.startsWith('/_fake/artifacts/') && artifacts.find(name)) {
    const zip = await artifacts.content(name);
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length }).end(zip);
    return true;
  }
  sendJson(res, 404, { message: `nothing at ${pathname}` });
  return true;
}

/** Azurite plus both services on one 127.0.0.1 port (0: any free port). */
export async function startGithubServices(
  options: { port?: number; blobPort?: number } = {},
): Promise<GithubServices> {
  const azurite = await startAzurite({ port: options.blobPort ?? 0 });
  const v1Dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gin-release-cache-v1-'));
  let server: Listening | undefined;
  try {
    const artifacts = new FakeArtifactService(azurite);
    const cache = new FakeCacheService(azurite, v1Dir);
    await artifacts.init();
    await cache.init();
    server = await listen(async (req, res) => {
      if (await artifacts.handle(req, res)) return;
      if (await cache.handle(req, res)) return;
      if (await serveInspection(req, res, artifacts, cache)) return;
      req.resume();
      res.writeHead(404).end();
    }, options.port ?? 0);
    cache.baseUrl = server.url;
    const running = server;
    const ids = newBackendIds();
    return {
      artifacts,
      cache,
      azurite,
      url: running.url,
      ids,
      env: (cacheProtocol = 'v2') => runnerEnv(running.url, ids, cacheProtocol),
      stop: async () => {
        await running.close();
        await azurite.stop();
        await fsp.rm(v1Dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await azurite.stop();
    await fsp.rm(v1Dir, { recursive: true, force: true });
    throw error;
  }
}
