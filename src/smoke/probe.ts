// One health request and the waits between them: what the smoke test's polling is made of.
import * as http from 'node:http';
import { formatDuration } from './report.js';

export const HOST = '127.0.0.1';
/** A health request that has connected gets this long to answer before the next poll. */
export const REQUEST_TIMEOUT_MS = 2000;
/** How much of the body is read: enough for any health document, bounded for a server that streams. */
const MAX_BODY_BYTES = 64 * 1024;

/** An HTTP answer: where it came from and what it said. */
export interface Answer {
  port: number;
  path: string;
  status: number;
  body: string;
  /** The Content-Type header, '' when there is none. */
  contentType: string;
}

export type Probe =
  { kind: 'answer'; answer: Answer } | { kind: 'error'; code: string; message: string } | { kind: 'aborted' };

/** One GET of `http://127.0.0.1:{port}{path}`; never rejects. */
export function probe(port: number, path: string, timeoutMs: number, signal: AbortSignal): Promise<Probe> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const request = http.request(
      {
        host: HOST,
        port,
        path,
        method: 'GET',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: { 'user-agent': 'gin-release-smoke-test', connection: 'close' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          response.destroy();
          const type = response.headers['content-type'];
          resolve({
            kind: 'answer',
            answer: {
              port,
              path,
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              contentType: typeof type === 'string' ? type : '',
            },
          });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) finish();
        });
        response.once('end', finish);
        // A body cut short still carries its status, which is what the check is about.
        response.once('error', finish);
      },
    );
    let connected = false;
    request.once('socket', (socket) => socket.once('connect', () => (connected = true)));
    request.once('timeout', () =>
      request.destroy(
        Object.assign(
          new Error(
            `${connected ? 'connected, but no answer' : 'no connection'} within ${formatDuration(timeoutMs)}`,
          ),
          { code: 'ETIMEDOUT' },
        ),
      ),
    );
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) resolve({ kind: 'aborted' });
      else resolve({ kind: 'error', code: error.code ?? 'ERROR', message: error.message });
    });
    request.end();
  });
}

/** A probe error in a few words. */
export function describeProbeError(error: { code: string; message: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection closed without an answer';
    default:
      // Node's HTTP parser: something answered, but not HTTP/1.x (a gRPC or TLS port, say).
      return error.code.startsWith('HPE_') ? `an answer that is not HTTP (${error.message})` : error.message;
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
