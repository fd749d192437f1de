// Whether an asset on GitHub is the local file: same name, a finished upload, the same size and the same SHA-256
// (GitHub's `digest`, computed when the asset was uploaded). Pure.
import type { RemoteAsset } from './client.js';
import type { PublishAsset } from './plan.js';

/** A planned asset with what its file on disk is now. */
export interface LocalAsset extends PublishAsset {
  size: number;
  sha256: string;
}

export type AssetCheck =
  | { status: 'same' }
  | { status: 'missing' }
  | { status: 'different'; reason: string }
  /** The server gave no digest (older GitHub Enterprise Server): only the downloaded bytes can tell. */
  | { status: 'no-digest' };

function short(hex: string): string {
  return hex.slice(0, 12);
}

export function compareAsset(local: LocalAsset, remote: RemoteAsset | undefined): AssetCheck {
  if (!remote) return { status: 'missing' };
  if (remote.state !== 'uploaded') {
    return { status: 'different', reason: `its upload never finished (state ${remote.state})` };
  }
  if (remote.size !== local.size) {
    return { status: 'different', reason: `${remote.size} bytes on GitHub, ${local.size} bytes here` };
  }
  if (remote.digest === null) return { status: 'no-digest' };
  const expected = `sha256:${local.sha256}`;
  if (remote.digest.toLowerCase() !== expected) {
    const [algorithm = '', hex = ''] = remote.digest.split(':');
    return {
      status: 'different',
      reason: `${algorithm}:${short(hex)}… on GitHub, sha256:${short(local.sha256)}… here`,
    };
  }
  return { status: 'same' };
}

/** What a downloaded asset's own hash says, for servers that give no digest. */
export function compareDownloaded(local: LocalAsset, sha256: string): AssetCheck {
  return sha256 === local.sha256
    ? { status: 'same' }
    : {
        status: 'different',
        reason: `sha256:${short(sha256)}… on GitHub, sha256:${short(local.sha256)}… here`,
      };
}

/** One line per asset that is not on the release as it is here: `name: reason`. */
export function describeDifference(local: LocalAsset, check: AssetCheck): string | null {
  if (check.status === 'same' || check.status === 'no-digest') return null;
  return check.status === 'missing' ? `${local.name}: not on the release` : `${local.name}: ${check.reason}`;
}
