// What counts as a health answer: the route (found among the common ones when health-path is left at its default),
// the status, the body, and whether it is a page rather than a health check.
import type { SmokeOptions } from './plan.js';
import { HOST, probe, type Answer } from './probe.js';
import { quoteBody } from './report.js';

/** The two lines a Gin app needs for the default route (shown when it has none). */
export const GIN_HEALTH_HANDLER = 'r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })';

/** How the route was settled: given, found among the fallbacks, or not found at all. */
export type RouteOutcome =
  | { kind: 'given'; answer: Answer }
  | { kind: 'found'; answer: Answer; first: Answer }
  | { kind: 'none'; first: Answer; tried: string[] };

/**
 * With the default route answering 404 and fallbacks to try, asks each in turn on the same port and takes the first
 * that answers anything but 404 (an unhealthy 503 there is still the app's health route, and fails as such).
 */
export async function settleRoute(
  first: Answer,
  options: Pick<SmokeOptions, 'healthFallbacks' | 'healthStatus'>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<RouteOutcome> {
  const lookFurther =
    first.status === 404 && options.healthStatus !== 404 && options.healthFallbacks.length > 0;
  if (!lookFurther) return { kind: 'given', answer: first };
  const tried: string[] = [];
  for (const route of options.healthFallbacks) {
    const outcome = await probe(first.port, route, timeoutMs, signal);
    tried.push(route);
    if (outcome.kind === 'aborted') break;
    if (outcome.kind === 'answer' && outcome.answer.status !== 404) {
      return { kind: 'found', answer: outcome.answer, first };
    }
  }
  return { kind: 'none', first, tried };
}

/** An HTML document where a health check was expected (a single-page app's catch-all answers every path). */
export function isHtml(answer: Pick<Answer, 'contentType'>): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(answer.contentType);
}

/** The health check's verdict on a settled route: a failure reason, or a pass with what the user should hear. */
export type Judgement =
  | { ok: true; answer: Answer; warnings: string[]; notices: string[] }
  | { ok: false; answer: Answer; reason: string };

function url(answer: Answer): string {
  return `http://${HOST}:${answer.port}${answer.path}`;
}

function listRoutes(routes: readonly string[]): string {
  return routes.length <= 1 ? routes.join('') : `${routes.slice(0, -1).join(', ')} and ${routes.at(-1)}`;
}

/** Judges a settled route against the options: status, body, page or health check. Pure. */
export function judgeAnswer(
  outcome: RouteOutcome,
  options: Pick<SmokeOptions, 'healthStatus' | 'healthBodyRegex' | 'healthStrict'>,
): Judgement {
  if (outcome.kind === 'none') {
    return {
      ok: false,
      answer: outcome.first,
      reason:
        `no health route: GET ${outcome.first.path} answered 404, and so did ${listRoutes(outcome.tried)}. ` +
        `Add one, or set health-path to the route the app has; with Gin:\n  ${GIN_HEALTH_HANDLER}`,
    };
  }
  const answer = outcome.answer;
  const notices: string[] = [];
  if (outcome.kind === 'found') {
    notices.push(
      `GET ${outcome.first.path} answered 404; ${answer.path} answered ${answer.status}, so the smoke test checked ` +
        `${answer.path}. Set health-path: ${answer.path} to say so.`,
    );
  }
  const foundNote = outcome.kind === 'found' ? ` (${outcome.first.path} answered 404)` : '';
  if (answer.status !== options.healthStatus) {
    return {
      ok: false,
      answer,
      reason: `GET ${url(answer)}: expected status ${options.healthStatus}, got ${answer.status}${foundNote}; body: ${quoteBody(answer.body)}`,
    };
  }
  const regex = options.healthBodyRegex;
  if (regex) regex.lastIndex = 0;
  if (regex && !regex.test(answer.body)) {
    return {
      ok: false,
      answer,
      reason: `GET ${url(answer)}: the body does not match ${String(regex)}${foundNote}; body: ${quoteBody(answer.body)}`,
    };
  }
  const warnings: string[] = [];
  if (isHtml(answer)) {
    const page =
      `GET ${url(answer)} answered ${answer.status} with an HTML document (Content-Type: ${answer.contentType}): ` +
      'it looks like a page, not a health check (a catch-all route answers every path)';
    if (options.healthStrict) {
      return {
        ok: false,
        answer,
        reason: `${page}, and health-strict is true. Add a health route that answers text or JSON; with Gin:\n  ${GIN_HEALTH_HANDLER}`,
      };
    }
    warnings.push(
      `${page}. Add a health route that answers text or JSON, or set health-path to one; health-strict: true makes this a failure.`,
    );
  }
  return { ok: true, answer, warnings, notices };
}
