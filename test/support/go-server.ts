// A download site on 127.0.0.1 for Go install tests: serves fixed routes, records every request, and can
// break a transfer off half-way the way a dropped connection does.
import { listen } from './http-server.js';

export interface Route {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  /** Send only this many bytes of the body (with the full Content-Length announced), then drop the connection. */
  cutAfter?: number;
}

export interface FakeServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** Request paths (with query), in arrival order. */
  requests: string[];
  /** Path (with query) to answer; anything else gets a 404. Tests change it freely between calls. */
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startServer(): Promise<FakeServer> {
  const requests: string[] = [];
  const routes = new Map<string, Route>();
  const server = await listen(async (request, response) => {
    const url = request.url ?? '';
    requests.push(url);
    const route = routes.get(url);
    if (!route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found\n');
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
    response.writeHead(route.status ?? 200, {
      'Content-Type': route.contentType ?? 'application/octet-stream',
      'Content-Length': String(body.length),
    });
    if (route.cutAfter !== undefined) {
      response.write(body.subarray(0, route.cutAfter), () => request.socket.destroy());
      return;
    }
    response.end(body);
  });
  return { url: server.url.replace(/\/$/, ''), requests, routes, close: server.close };
}
