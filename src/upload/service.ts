// The service worker's side of the upload: the @actions/artifact calls, one artifact after another, each reported
// as it finishes, so that the action knows what was uploaded even when it ends the worker at the deadline.
import * as core from '@actions/core';
import { ArtifactNotFoundError, DefaultArtifactClient, type UploadArtifactResponse } from '@actions/artifact';
import type { ServiceEvent, UploadSpec } from '../services/protocol.js';

type Report = (event: ServiceEvent) => void;

// The client retries HTTP 5xx/429 itself (5 attempts with backoff) but gives up at once on connection errors.
const NETWORK_ATTEMPTS = 2;
const NETWORK_RETRY_DELAY_MS = 5_000;

/**
 * A NetworkError of the client (ECONNRESET, ETIMEDOUT, ...): thrown as is by the blob upload, wrapped into
 * "Failed to <Method>: Unable to make request: <code>" by its Twirp calls.
 */
function isConnectionError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'NetworkError' || /Unable to make request: E[A-Z]+/.test(error.message))
  );
}

/** One artifact; a lost connection is tried again (HTTP errors were already retried inside the client). */
async function uploadWithReconnect(
  client: DefaultArtifactClient,
  upload: UploadSpec,
  root: string,
  retentionDays: number | undefined,
): Promise<UploadArtifactResponse> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= NETWORK_ATTEMPTS; attempt++) {
    try {
      return await client.uploadArtifact(upload.name, upload.files, root, {
        compressionLevel: upload.compressionLevel,
        ...(retentionDays !== undefined ? { retentionDays } : {}),
      });
    } catch (error) {
      lastError = error;
      if (!isConnectionError(error) || attempt === NETWORK_ATTEMPTS) break;
      const firstLine = (error as Error).message.split('\n')[0];
      core.info(
        `Uploading artifact ${upload.name} lost its connection (${firstLine}); retrying in ${NETWORK_RETRY_DELAY_MS / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, NETWORK_RETRY_DELAY_MS));
    }
  }
  throw lastError;
}

/**
 * What actions/upload-artifact's `overwrite` does: delete this run's artifact of that name first, if there is one.
 * A failed delete is not fatal: the upload then fails on the name itself, which says more.
 */
async function deleteIfExists(client: DefaultArtifactClient, name: string, report: Report): Promise<void> {
  try {
    const { id } = await client.deleteArtifact(name);
    report({ type: 'deleted', name, id });
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return;
    core.info(`Could not delete the earlier artifact ${name}: ${(error as Error).message}`);
  }
}

/** Uploads one artifact after another and stops at the first that fails (its files stay in the output folder). */
export async function uploadInWorker(
  uploads: UploadSpec[],
  root: string,
  retentionDays: number | undefined,
  overwrite: boolean,
  report: Report,
): Promise<void> {
  const client = new DefaultArtifactClient();
  for (const upload of uploads) {
    if (overwrite) await deleteIfExists(client, upload.name, report);
    core.info(
      `Uploading artifact ${upload.name}: ${upload.files.length} file(s), compression level ${upload.compressionLevel}`,
    );
    try {
      const response = await uploadWithReconnect(client, upload, root, retentionDays);
      report({
        type: 'uploaded',
        name: upload.name,
        ...(response.id !== undefined ? { id: response.id } : {}),
        ...(response.size !== undefined ? { size: response.size } : {}),
        ...(response.digest !== undefined ? { digest: response.digest } : {}),
      });
      core.info(`Uploaded artifact ${upload.name} (id ${response.id}, ${response.size ?? 0} bytes)`);
    } catch (error) {
      report({ type: 'upload-failed', name: upload.name, message: (error as Error).message });
      return;
    }
  }
}
