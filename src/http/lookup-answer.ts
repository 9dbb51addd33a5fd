/**
 * The lookup's answer, `GET /query?unique_number=N` (the original service's only request): made
 * here once, from the body built at load, and sent both by the Koa route (routes/query.ts) and
 * by the lookup fast path, which adds what Koa's middlewares would (fast-path-review.ts).
 */
import type { Dataset } from '../data/dataset.js';
import { CONTENT_TYPES } from './negotiate.js';
import { lookupEtag, matchesIfNoneMatch } from './representation/etag.js';
import { CACHE_CONTROL, TOTAL_COUNT_HEADER } from './representation/headers.js';

export interface LookupAnswer {
  readonly status: 200 | 304;
  /** The route's headers as name/value pairs, in the order the route sets them. */
  readonly headers: readonly string[];
  /** `[row]`; none for a 304. */
  readonly body: Buffer | undefined;
}

/** Request headers the lookup's representation depends on: `/query` negotiates its format. */
export const LOOKUP_VARY = ['Accept'] as const;

/**
 * The answer for `uniqueNumber`, or undefined when no site has it (the route answers that 404
 * as a problem). `ifNoneMatch` is the request's If-None-Match, for a GET or HEAD only.
 */
export function lookupAnswer(dataset: Dataset, uniqueNumber: number, ifNoneMatch: string | undefined): LookupAnswer | undefined {
  const site = dataset.site(uniqueNumber);
  if (site === undefined) return undefined;
  const etag = lookupEtag(dataset.version.id, uniqueNumber);
  const headers = ['Cache-Control', CACHE_CONTROL.data, 'ETag', etag, TOTAL_COUNT_HEADER, '1'];
  if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, headers, body: undefined };
  headers.push('Content-Type', CONTENT_TYPES.json);
  return { status: 200, headers, body: site.queryBody };
}
