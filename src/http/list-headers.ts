/** Headers of answers computed per request: their strong ETag, the next page's link, the total. */
import { createHash } from 'node:crypto';
import type { Dataset } from '../data/dataset.js';
import { encodeCursor, type Cursor } from '../query/cursor.js';
import type { RawParams } from './query-params.js';
import { MAX_URL_LENGTH } from './request-limits.js';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';
/** The next page's cursor alone, for clients that page with POST (a body's parameters may not fit a URL). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * An answer is a pure function of the dataset, the route, the parameters and the format, so
 * hashing those names its bytes without building them: a 304 costs no query. Parameters are
 * sorted so that their order in the URL does not matter.
 */
export function computedEtag(dataset: Dataset, route: string, format: string, params: RawParams): string {
  const canonical = JSON.stringify([route, format, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  const digest = createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  return `"${dataset.version.id.slice(0, 16)}-${digest}"`;
}

/**
 * The next page's headers: `X-Next-Cursor`, and `Link: </query?...&cursor=...>; rel="next"`
 * (RFC 8288: the same parameters, the next cursor) unless that URL would be longer than this
 * server accepts, as a POST body's parameters can make it: a link that answers 414 is no link.
 */
export function nextPageHeaders(path: string, params: RawParams, next: Cursor): Record<string, string> {
  const cursor = encodeCursor(next);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (name === 'cursor' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  search.set('cursor', cursor);
  const url = `${path}?${search.toString()}`;
  return url.length > MAX_URL_LENGTH ? { [NEXT_CURSOR_HEADER]: cursor } : { [NEXT_CURSOR_HEADER]: cursor, Link: `<${url}>; rel="next"` };
}
