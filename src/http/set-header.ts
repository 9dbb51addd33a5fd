/**
 * Sets a header to a string, as Koa's `ctx.set` does, without its per-call work (it builds two
 * arrays and checks the name against the single-value headers, which matters only for array
 * values): the hot paths set up to ten headers per request. Like `ctx.set`, it does nothing once
 * the headers are sent.
 */
import type { ServerResponse } from 'node:http';

export function setHeader(ctx: { readonly res: ServerResponse }, name: string, value: string): void {
  if (!ctx.res.headersSent) ctx.res.setHeader(name, value);
}
