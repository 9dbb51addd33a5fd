/** HTTP conditional requests (RFC 9110 §13.1.2): `If-None-Match` uses weak comparison. */
import { CODING_SUFFIXES } from './compression.js';

/** The ETag as the route made it: compression appends `-br` or `-gzip` inside the quotes. */
function withoutCodingSuffix(tag: string): string {
  for (const suffix of CODING_SUFFIXES) {
    if (tag.endsWith(`${suffix}"`)) return `${tag.slice(0, -suffix.length - 1)}"`;
  }
  return tag;
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined || header === '') return false;
  if (header.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return withoutCodingSuffix(tag.startsWith('W/') ? tag.slice(2) : tag) === opaque;
  });
}

/**
 * Answers 304 when the request's If-None-Match matches `etag` (GET and HEAD only: RFC 9110
 * §13.1.2 gives other methods 412, which this API never needs). True when it did; the route
 * has set the ETag and the other headers a 304 repeats.
 */
export function answeredNotModified(ctx: { readonly method: string; get(field: string): string; status: number }, etag: string): boolean {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
  if (!matchesIfNoneMatch(ctx.get('If-None-Match'), etag)) return false;
  ctx.status = 304;
  return true;
}
