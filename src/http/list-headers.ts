/** Headers of answers computed per request: their strong ETag, the next page's link, the total. */
import { createHash } from 'node:crypto';
import type { Dataset } from '../data/dataset.js';
import { encodeCursor, type Cursor } from '../query/cursor.js';
import type { RawParams } from './query-params.js';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

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

/** `Link: </query?...&cursor=...>; rel="next"` (RFC 8288): the same parameters, the next cursor. */
export function nextLink(path: string, params: RawParams, next: Cursor): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (name === 'cursor' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  search.set('cursor', encodeCursor(next));
  return `<${path}?${search.toString()}>; rel="next"`;
}
