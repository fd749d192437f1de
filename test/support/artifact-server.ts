// A fake of GitHub's artifact service (results API v1, Twirp JSON) as @actions/artifact 6 uses it:
// CreateArtifact -> signed blob URL -> blocks uploaded to Azurite by @azure/storage-blob -> FinalizeArtifact.
// ListArtifacts and GetSignedArtifactURL let tests read back through the real client too.
// Across jobs it behaves as GitHub's does: artifacts belong to the run, so every job of the run lists all of them and
// may download any (the client asks for the signed URL with the uploading job's id); a name is unique within a run
// attempt, and a re-run (newAttempt) may upload a name again, so older artifacts of one name stay listed.
import type * as http from 'node:http';
import type { Azurite } from './github-azurite.js';
import {
  FaultInjector,
  serveTwirp,
  stringField,
  twirpMethod,
  TwirpError,
  type CallRecord,
  type TwirpMethod,
} from './github-http.js';
import type { BackendIds } from './github-jwt.js';

export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';
export const ARTIFACT_CONTAINER = 'actions-results';

export interface StoredArtifact {
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** Blob name inside ARTIFACT_CONTAINER: the zip (or raw file) the client uploaded. */
  blobName: string;
  version: number;
  mimeType: string;
  expiresAt: string | null;
  size: number;
  digest: string;
  createdAt: string;
  finalized: boolean;
  /** The run attempt it was created in (see newAttempt). */
  attempt: number;
}

/**
 * The run the caller's token belongs to; for calls any job of the run may make about another job's artifacts. Only the
 * run has to match: the client deletes an artifact (upload-artifact's `overwrite`) with the backend ids ListArtifacts
 * gave for it, and on GitHub those may be another job's, or an earlier attempt's.
 */
function checkRun(body: Record<string, unknown>, caller: BackendIds): BackendIds {
  const ids = {
    workflowRunBackendId: stringField(body, 'workflow_run_backend_id'),
    workflowJobRunBackendId: stringField(body, 'workflow_job_run_backend_id'),
  };
  if (ids.workflowRunBackendId !== caller.workflowRunBackendId) {
    throw new TwirpError('permission_denied', 'the workflow run does not match the runtime token');
  }
  return ids;
}

/** The caller's own run and job, for calls that create or change its artifacts. */
function checkCaller(body: Record<string, unknown>, caller: BackendIds): BackendIds {
  const ids = {
    workflowRunBackendId: stringField(body, 'workflow_run_backend_id'),
    workflowJobRunBackendId: stringField(body, 'workflow_job_run_backend_id'),
  };
  if (
    ids.workflowRunBackendId !== caller.workflowRunBackendId ||
    ids.workflowJobRunBackendId !== caller.workflowJobRunBackendId
  ) {
    throw new TwirpError('permission_denied', 'backend ids do not match the runtime token');
  }
  return ids;
}

/** Wrapper messages (StringValue, Int64Value) are plain JSON values in proto3 JSON. */
function wrapped(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new TwirpError('invalid_argument', `${name} must be a string or number`);
}

export class FakeArtifactService {
  readonly artifacts: StoredArtifact[] = [];
  readonly faults = new FaultInjector();
  readonly calls: CallRecord[] = [];
  private nextId = 1000;
  private readonly attempts = new Map<string, number>();

  constructor(private readonly blob: Azurite) {}

  /** The current attempt of a run (1 until newAttempt). */
  attempt(runBackendId: string): number {
    return this.attempts.get(runBackendId) ?? 1;
  }

  /** A re-run of the workflow: later uploads may reuse the names of earlier attempts, which stay listed. */
  newAttempt(runBackendId: string): number {
    const next = this.attempt(runBackendId) + 1;
    this.attempts.set(runBackendId, next);
    return next;
  }

  /**
   * Replaces the stored bytes of the newest finalized artifact of that name, leaving its recorded size and digest
   * alone: what a blob damaged or changed after the upload looks like to a downloading client.
   */
  async tamper(name: string, bytes: Buffer): Promise<void> {
    const artifact = this.find(name);
    if (!artifact) throw new Error(`no finalized artifact named ${name}`);
    await this.blob.service
      .getContainerClient(ARTIFACT_CONTAINER)
      .getBlockBlobClient(artifact.blobName)
      .upload(bytes, bytes.length);
  }

  async init(): Promise<void> {
    await this.blob.ensureContainer(ARTIFACT_CONTAINER);
  }

  /** The newest finalized artifact of that name. */
  find(name: string): StoredArtifact | undefined {
    return this.artifacts.filter((a) => a.name === name && a.finalized).sort((a, b) => b.id - a.id)[0];
  }

  /** The bytes the client uploaded for a finalized artifact (the zip it built). */
  async content(name: string): Promise<Buffer> {
    const artifact = this.find(name);
    if (!artifact) throw new Error(`no finalized artifact named ${name}`);
    return this.blob.download(ARTIFACT_CONTAINER, artifact.blobName);
  }

  /** Serves the request if it is an ArtifactService call; false otherwise. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const method = twirpMethod(req, ARTIFACT_SERVICE);
    if (method === null) return false;
    await serveTwirp(req, res, method, this.methods, this.faults, this.calls);
    return true;
  }

  private readonly methods: Record<string, TwirpMethod> = {
    CreateArtifact: async (body, caller) => {
      const ids = checkCaller(body, caller);
      const name = stringField(body, 'name');
      const version = Number(body['version'] ?? 0);
      if (version < 4)
        throw new TwirpError('invalid_argument', `artifact version ${version} is not supported`);
      const attempt = this.attempt(ids.workflowRunBackendId);
      const existing = this.artifacts.find(
        (a) =>
          a.workflowRunBackendId === ids.workflowRunBackendId && a.name === name && a.attempt === attempt,
      );
      // GitHub's own words (409 Conflict), whichever job or attempt of the run uploaded it.
      if (existing?.finalized) {
        throw new TwirpError(
          'already_exists',
          'an artifact with this name already exists on the workflow run',
        );
      }
      const id = existing?.id ?? this.nextId++;
      const artifact: StoredArtifact = {
        id,
        name,
        ...ids,
        blobName: `${ids.workflowRunBackendId}/${ids.workflowJobRunBackendId}/${id}/${name}.zip`,
        version,
        mimeType: wrapped(body, 'mime_type') ?? 'application/zip',
        expiresAt: typeof body['expires_at'] === 'string' ? body['expires_at'] : null,
        size: 0,
        digest: '',
        createdAt: new Date().toISOString(),
        finalized: false,
        attempt,
      };
      if (existing) this.artifacts.splice(this.artifacts.indexOf(existing), 1, artifact);
      else this.artifacts.push(artifact);
      return { ok: true, signed_upload_url: this.blob.sasUrl(ARTIFACT_CONTAINER, artifact.blobName, 'cw') };
    },

    FinalizeArtifact: async (body, caller) => {
      const ids = checkCaller(body, caller);
      const name = stringField(body, 'name');
      const artifact = this.artifacts.find(
        (a) => a.workflowRunBackendId === ids.workflowRunBackendId && a.name === name && !a.finalized,
      );
      if (!artifact) throw new TwirpError('not_found', `no artifact ${name} is being uploaded`);
      const size = Number(body['size'] ?? 0);
      const stored = await this.blob.size(ARTIFACT_CONTAINER, artifact.blobName);
      if (stored === null) throw new TwirpError('failed_precondition', `nothing was uploaded for ${name}`);
      if (stored !== size) {
        throw new TwirpError(
          'failed_precondition',
          `the upload holds ${stored} bytes, the client reported ${size}`,
        );
      }
      artifact.size = size;
      artifact.digest = wrapped(body, 'hash') ?? '';
      artifact.finalized = true;
      return { ok: true, artifact_id: String(artifact.id) };
    },

    ListArtifacts: async (body, caller) => {
      const ids = checkRun(body, caller);
      const nameFilter = wrapped(body, 'name_filter');
      const idFilter = wrapped(body, 'id_filter');
      const artifacts = this.artifacts
        .filter((a) => a.finalized && a.workflowRunBackendId === ids.workflowRunBackendId)
        .filter((a) => nameFilter === null || a.name === nameFilter)
        .filter((a) => idFilter === null || String(a.id) === idFilter)
        .map((a) => ({
          workflow_run_backend_id: a.workflowRunBackendId,
          workflow_job_run_backend_id: a.workflowJobRunBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt,
          ...(a.digest ? { digest: a.digest } : {}),
        }));
      return { artifacts };
    },

    // The client names the job that uploaded the artifact (from ListArtifacts), not its own.
    GetSignedArtifactURL: async (body, caller) => {
      const ids = checkRun(body, caller);
      const name = stringField(body, 'name');
      const artifact = this.artifacts
        .filter(
          (a) =>
            a.finalized &&
            a.workflowRunBackendId === ids.workflowRunBackendId &&
            a.workflowJobRunBackendId === ids.workflowJobRunBackendId &&
            a.name === name,
        )
        .sort((a, b) => b.id - a.id)[0];
      if (!artifact) throw new TwirpError('not_found', `artifact ${name} not found`);
      return { signed_url: this.blob.sasUrl(ARTIFACT_CONTAINER, artifact.blobName, 'r') };
    },

    DeleteArtifact: async (body, caller) => {
      const ids = checkRun(body, caller);
      const name = stringField(body, 'name');
      const newest = this.artifacts
        .filter((a) => a.finalized && a.workflowRunBackendId === ids.workflowRunBackendId && a.name === name)
        .sort((a, b) => b.id - a.id)[0];
      const index = newest ? this.artifacts.indexOf(newest) : -1;
      if (index < 0) throw new TwirpError('not_found', `artifact ${name} not found`);
      const [removed] = this.artifacts.splice(index, 1);
      return { ok: true, artifact_id: String(removed!.id) };
    },
  };
}
