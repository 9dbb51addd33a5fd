/** HTTP conditional requests (RFC 9110 §13.1.2): answering 304 from a route. */
import { matchesIfNoneMatch } from './representation/etag.js';

/** The request's If-None-Match, for the methods it applies to (GET and HEAD), else undefined. */
export function conditionalTags(ctx: { readonly method: string; get(field: string): string }): string | undefined {
  return ctx.method === 'GET' || ctx.method === 'HEAD' ? ctx.get('If-None-Match') : undefined;
}

/**
 * Answers 304 when the request's If-None-Match matches `etag` (GET and HEAD only: RFC 9110
 * §13.1.2 gives other methods 412, which this API never needs). True when it did; the route
 * has set the ETag and the other headers a 304 repeats.
 */
export function answeredNotModified(ctx: { readonly method: string; get(field: string): string; status: number }, etag: string): boolean {
  if (!matchesIfNoneMatch(conditionalTags(ctx), etag)) return false;
  ctx.status = 304;
  return true;
}
