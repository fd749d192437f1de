// The service worker's side of a merge: listing this run's artifacts and downloading the chosen shards through
// @actions/artifact, each download reported as it ends, so that the merge knows which shards arrived even when it
// ends the worker at the deadline.
import { DefaultArtifactClient } from '@actions/artifact';
import type { DownloadSpec, ServiceEvent } from '../services/protocol.js';
import { inPool } from '../util/pool.js';

type Report = (event: ServiceEvent) => void;

const DOWNLOADS_AT_ONCE = 3;

export async function listInWorker(report: Report): Promise<void> {
  // latest: one entry per name, the newest; the shard names carry the attempt, so no shard is hidden by it.
  const { artifacts } = await new DefaultArtifactClient().listArtifacts({ latest: true });
  report({
    type: 'listed',
    artifacts: artifacts.map(({ name, id, size, digest }) => ({
      name,
      id,
      size,
      ...(digest ? { digest } : {}),
    })),
  });
}

export async function downloadInWorker(downloads: readonly DownloadSpec[], report: Report): Promise<void> {
  const client = new DefaultArtifactClient();
  await inPool(downloads, DOWNLOADS_AT_ONCE, async (download) => {
    try {
      // The blob as it was uploaded: the digest covers exactly those bytes, and the merge reads the zip itself.
      const { digestMismatch } = await client.downloadArtifact(download.id, {
        path: download.path,
        expectedHash: download.digest,
        skipDecompress: true,
      });
      report({ type: 'downloaded', id: download.id, digestMismatch: digestMismatch === true });
    } catch (error) {
      report({
        type: 'download-failed',
        id: download.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });
}
