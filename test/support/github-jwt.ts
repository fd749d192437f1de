// ACTIONS_RUNTIME_TOKEN as the runner hands it out: a JWT whose `scp` claim names the run and job backend ids.
// The clients only decode it (they never check the signature), so an unsigned but well-formed token is faithful.

export interface BackendIds {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned JWT (`alg: none`) carrying `Actions.Results:<runId>:<jobId>` in `scp`, valid for `ttlSeconds`. */
export function makeRuntimeToken(ids: BackendIds, ttlSeconds = 6 * 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'none' };
  const payload = {
    scp: `Actions.ExampleScope Actions.Results:${ids.workflowRunBackendId}:${ids.workflowJobRunBackendId}`,
    iss: 'gin-release-test',
    nbf: now - 60,
    exp: now + ttlSeconds,
  };
  return `${base64url(header)}.${base64url(payload)}.`;
}

/** The backend ids of a bearer token, or null when it is missing, malformed or lacks the Actions.Results scope. */
export function backendIdsFromAuthorization(header: string | undefined): BackendIds | null {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match) return null;
  const payloadPart = match[1]!.split('.')[1];
  if (!payloadPart) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const scp = (payload as { scp?: unknown }).scp;
  if (typeof scp !== 'string') return null;
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] === 'Actions.Results' && parts.length === 3) {
      return { workflowRunBackendId: parts[1]!, workflowJobRunBackendId: parts[2]! };
    }
  }
  return null;
}
