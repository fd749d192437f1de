// The routes of the fake releases API (paths below the API root, as GitHub's REST docs name them) and the
// request helpers every route shares: a JSON body as GitHub reads it, pagination with Link headers.
import { ApiError } from './github-releases-store.js';

export interface Route {
  operation: string;
  method: string;
  pattern: RegExp;
  write?: boolean;
}

// Paths below the API root; `(?<name>...)` groups are the path parameters.
export const ROUTES: Route[] = [
  { operation: 'listReleases', method: 'GET', pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases$/ },
  {
    operation: 'createRelease',
    method: 'POST',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases$/,
    write: true,
  },
  {
    operation: 'generateReleaseNotes',
    method: 'POST',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/generate-notes$/,
    write: true,
  },
  {
    operation: 'getReleaseByTag',
    method: 'GET',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/tags\/(?<tag>.+)$/,
  },
  {
    operation: 'getReleaseAsset',
    method: 'GET',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/assets\/(?<id>\d+)$/,
  },
  {
    operation: 'deleteReleaseAsset',
    method: 'DELETE',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/assets\/(?<id>\d+)$/,
    write: true,
  },
  {
    operation: 'listReleaseAssets',
    method: 'GET',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/(?<id>\d+)\/assets$/,
  },
  {
    operation: 'getRelease',
    method: 'GET',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/(?<id>\d+)$/,
  },
  {
    operation: 'updateRelease',
    method: 'PATCH',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/(?<id>\d+)$/,
    write: true,
  },
  {
    operation: 'deleteRelease',
    method: 'DELETE',
    pattern: /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/(?<id>\d+)$/,
    write: true,
  },
];
export const UPLOAD_ROUTE = /^\/repos\/(?<o>[^/]+)\/(?<r>[^/]+)\/releases\/(?<id>\d+)\/assets$/;

/** A request's JSON object body ({} when empty); anything else is GitHub's 400. */
export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  return parsed as Record<string, unknown>;
}

/** One page of a list (`per_page` 30 by default, at most 100; `page` from 1) and its Link header. */
export function page<T>(items: T[], url: URL): [T[], Record<string, string>] {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const current = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string): string => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    target.searchParams.set('per_page', String(perPage));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []),
    ...(current > 1 ? [link(1, 'first'), link(current - 1, 'prev')] : []),
  ];
  return [
    items.slice((current - 1) * perPage, current * perPage),
    links.length > 0 ? { Link: links.join(', ') } : {},
  ];
}
