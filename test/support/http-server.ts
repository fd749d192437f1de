// The one way test servers listen: HTTP on 127.0.0.1 (port 0: any free port), with an async handler whose errors
// answer 500 instead of crashing the test, and a close that drops open connections. The fake GitHub services and
// the fake Go download site are handlers on it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface Listening {
  port: number;
  /** http://127.0.0.1:<port>/ (with the trailing slash the v1 cache client expects). */
  url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 (port 0: any free port). A handler that throws answers 500 with the message. */
export async function listen(handler: Handler, port = 0): Promise<Listening> {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'internal', msg: (error as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const MAX_JSON_BODY = 1024 * 1024;

export async function readBody(req: http.IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
