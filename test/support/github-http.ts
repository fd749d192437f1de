// Plumbing shared by the fake GitHub services: Twirp's JSON wire format (routes, error bodies, status codes) and
// fault injection, so tests can make a service fail the way the real one does.
import type * as http from 'node:http';
import { backendIdsFromAuthorization, type BackendIds } from './github-jwt.js';
import { readBody, sendJson } from './http-server.js';

// https://twitchtv.github.io/twirp/docs/spec_v7.html#error-codes
const TWIRP_STATUS = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type TwirpCode = keyof typeof TWIRP_STATUS;

export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }
}

function sendTwirpError(res: http.ServerResponse, code: TwirpCode, msg: string): number {
  sendJson(res, TWIRP_STATUS[code], { code, msg });
  return TWIRP_STATUS[code];
}

export interface CallRecord {
  operation: string;
  /** The HTTP status answered; 0 for a dropped connection, STALLED for a call left unanswered. */
  status: number;
}

/** The status recorded for a call that a 'stall' fault leaves without an answer. */
export const STALLED = -1;

/**
 * An HTTP status to answer with, 'reset' to drop the connection without an answer (the client sees ECONNRESET), or
 * 'stall' to never answer: the request stays open until the client gives up or the server is closed, as with a
 * service that hangs.
 */
export type Fault = number | 'reset' | 'stall';

interface FaultRule {
  operation: string;
  remaining: number;
  fault: Fault;
  /** Calls still to be served normally before this rule starts failing them. */
  passing: number;
}

/** Makes operations fail on purpose: the next N calls, or every call, answer with an error status. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  /** The next `count` calls of `operation` ('*' for any) answer `status`; later ones behave normally. */
  failNext(operation: string, count: number, fault: Fault = 500): void {
    this.rules.push({ operation, remaining: count, fault, passing: 0 });
  }

  failAlways(operation = '*', fault: Fault = 500): void {
    this.rules.push({ operation, remaining: Number.POSITIVE_INFINITY, fault, passing: 0 });
  }

  /** The first `passing` calls of `operation` are served; every later one fails with `fault`. */
  failAfter(operation: string, passing: number, fault: Fault = 500): void {
    this.rules.push({ operation, remaining: Number.POSITIVE_INFINITY, fault, passing });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to fail this call with, or null to serve it; consumes one failure of the matching rule. */
  take(operation: string): Fault | null {
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (r.operation === '*' || r.operation === operation),
    );
    if (!rule) return null;
    if (rule.passing > 0) {
      rule.passing--;
      return null;
    }
    rule.remaining--;
    return rule.fault;
  }
}

/** Answers with an injected fault; returns the status to record (0 for a dropped connection). */
export function sendFault(res: http.ServerResponse, fault: Fault, body: unknown): number {
  if (fault === 'stall') return STALLED;
  if (fault === 'reset') {
    res.socket?.destroy();
    return 0;
  }
  sendJson(res, fault, body);
  return fault;
}

export type TwirpMethod = (body: Record<string, unknown>, caller: BackendIds) => Promise<object>;

/** Whether the request is a Twirp call to `service`; returns the method name. */
export function twirpMethod(req: http.IncomingMessage, service: string): string | null {
  const prefix = `/twirp/${service}/`;
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  return req.method === 'POST' && pathname.startsWith(prefix) ? pathname.slice(prefix.length) : null;
}

/** Serves one Twirp JSON call: auth from the runtime token, fault injection, the method, Twirp-shaped errors. */
export async function serveTwirp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  method: string,
  methods: Record<string, TwirpMethod>,
  faults: FaultInjector,
  calls: CallRecord[],
): Promise<void> {
  const record = (status: number): void => {
    calls.push({ operation: method, status });
  };
  const body = await readBody(req);
  const implementation = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!implementation) return record(sendTwirpError(res, 'bad_route', `no handler for ${method}`));
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return record(sendTwirpError(res, 'bad_route', 'only application/json is served'));
  }
  const caller = backendIdsFromAuthorization(req.headers.authorization);
  if (!caller)
    return record(sendTwirpError(res, 'unauthenticated', 'missing or invalid ACTIONS_RUNTIME_TOKEN'));
  const injected = faults.take(method);
  if (injected !== null) {
    const code = injected === 429 ? 'resource_exhausted' : injected === 503 ? 'unavailable' : 'internal';
    return record(sendFault(res, injected, { code, msg: `injected failure ${injected}` }));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return record(sendTwirpError(res, 'malformed', `body is not JSON: ${(error as Error).message}`));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return record(sendTwirpError(res, 'malformed', 'body is not a JSON object'));
  }
  try {
    const answer = await implementation(parsed as Record<string, unknown>, caller);
    sendJson(res, 200, answer);
    record(200);
  } catch (error) {
    if (error instanceof TwirpError) return record(sendTwirpError(res, error.code, error.message));
    throw error;
  }
}

/** A string field of a Twirp JSON body (proto field names, as the clients send them). */
export function stringField(body: Record<string, unknown>, name: string, required = true): string {
  const value = body[name];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value === '')) {
    throw new TwirpError('invalid_argument', `${name} is required and must be a string`);
  }
  return value;
}
