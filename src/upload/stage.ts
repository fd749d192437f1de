// The upload stage: the planned workflow artifacts through @actions/artifact, one after another.
import * as core from '@actions/core';
import { DefaultArtifactClient, type UploadArtifactResponse } from '@actions/artifact';
import {
  planUploadStage,
  uploadAvailability,
  type PlannedUpload,
  type UploadRequest,
  type UploadResult,
  type UploadStagePlan,
} from './artifacts.js';

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
export async function uploadWithReconnect(
  client: DefaultArtifactClient,
  plan: PlannedUpload,
  root: string,
  retentionDays: number | undefined,
): Promise<UploadArtifactResponse> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= NETWORK_ATTEMPTS; attempt++) {
    try {
      return await client.uploadArtifact(plan.name, plan.files, root, {
        compressionLevel: plan.compressionLevel,
        ...(retentionDays !== undefined ? { retentionDays } : {}),
      });
    } catch (error) {
      lastError = error;
      if (!isConnectionError(error) || attempt === NETWORK_ATTEMPTS) break;
      const firstLine = (error as Error).message.split('\n')[0];
      core.info(
        `Uploading artifact ${plan.name} lost its connection (${firstLine}); retrying in ${NETWORK_RETRY_DELAY_MS / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, NETWORK_RETRY_DELAY_MS));
    }
  }
  throw lastError;
}

/** Uploads the planned artifacts one after another; throws naming the artifact that failed and where the files are. */
export async function runUploadStage(plan: UploadStagePlan): Promise<UploadResult> {
  const root = plan.rootDirectory;
  const availability = uploadAvailability(process.env);
  if (!availability.available) {
    const message = `Artifact upload skipped: ${availability.reason}. The files are in ${root}.`;
    if (availability.level === 'notice') core.notice(message);
    else core.warning(message);
    return { uploads: [], skipped: availability.reason };
  }
  if (plan.uploads.length === 0) {
    core.info('Artifact upload: no files to upload.');
    return { uploads: [], skipped: 'no files to upload' };
  }

  const client = new DefaultArtifactClient();
  const uploads: UploadResult['uploads'] = [];
  for (const upload of plan.uploads) {
    core.info(
      `Uploading artifact ${upload.name}: ${upload.files.length} file(s), compression level ${upload.compressionLevel}`,
    );
    try {
      const response = await uploadWithReconnect(client, upload, root, plan.retentionDays);
      uploads.push({ name: upload.name, id: response.id, size: response.size, digest: response.digest });
      core.info(`Uploaded artifact ${upload.name} (id ${response.id}, ${response.size ?? 0} bytes)`);
    } catch (error) {
      const before =
        uploads.length > 0 ? ` Uploaded before the failure: ${uploads.map((u) => u.name).join(', ')}.` : '';
      throw new Error(
        `Uploading artifact ${upload.name} failed: ${(error as Error).message}. The files are still in the output folder ${root}.${before}`,
        { cause: error },
      );
    }
  }
  return { uploads };
}

/** Plans and uploads in one go, for callers that have no release plan. */
export async function uploadArtifacts(req: UploadRequest): Promise<UploadResult> {
  return runUploadStage(planUploadStage(req, process.env));
}
