// HTTP for toolchain downloads: small texts (release lists, checksum answers) read whole, archives streamed to a
// temporary file by @actions/tool-cache (which retries 5xx and broken transfers). Errors name the URL and status.
import { HttpClient } from '@actions/http-client';
import * as tc from '@actions/tool-cache';
import { lastLines } from '../util/text.js';

const USER_AGENT = 'gin-release';

/** An HTTP answer other than 200, with the URL it came from. */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${url} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

export async function fetchText(url: string): Promise<string> {
  const client = new HttpClient(USER_AGENT, [], { allowRetries: true, maxRetries: 3, socketTimeout: 60_000 });
  try {
    const response = await client.get(url).catch((error: unknown) => {
      throw new Error(`${url} could not be fetched: ${(error as Error).message}`);
    });
    const body = await response.readBody();
    const status = response.message.statusCode ?? 0;
    if (status !== 200) throw new HttpStatusError(url, status, lastLines(body, 3).slice(0, 300));
    return body;
  } finally {
    client.dispose();
  }
}

/** Downloads `url` into a new file under RUNNER_TEMP and returns its path; the caller removes it. */
export async function downloadFile(url: string): Promise<string> {
  try {
    return await tc.downloadTool(url);
  } catch (error) {
    if (error instanceof tc.HTTPError) {
      throw new HttpStatusError(
        url,
        error.httpStatusCode ?? 0,
        error.httpStatusCode === 404 ? 'not found' : '',
      );
    }
    const message = (error as Error).message;
    // Node's word for a response whose connection closed before Content-Length bytes arrived.
    const why =
      message === 'aborted' ? 'the connection closed before the whole file arrived (aborted)' : message;
    throw new Error(`Download of ${url} failed after retries: ${why}`);
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
