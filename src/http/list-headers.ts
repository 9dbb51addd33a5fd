/** The next page's headers of a search answer. */
import { encodeCursor, type Cursor } from '../query/cursor.js';
import type { RawParams } from './query-params.js';
import { NEXT_CURSOR_HEADER } from './representation/headers.js';
import { MAX_URL_LENGTH } from './representation/limits.js';

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
