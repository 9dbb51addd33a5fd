/**
 * Answers a small JSON document (the probes and /status), serialized here into bytes rather than
 * handed to Koa as an object. Koa's body setter asks of an object whether it is a web `Response`,
 * and that global's first read loads Node's bundled fetch (undici) and node:http's parser: 17-20 ms
 * on the first /ready after a start from the service's startup snapshot, which cannot hold them
 * (src/snapshot/entry.ts), about a sixth of the whole start (docs/performance.md). The bytes and
 * headers are the ones Koa sends for an object.
 */
import type { Context } from 'koa';
import { CONTENT_TYPES } from './negotiate.js';
import { setHeader } from './set-header.js';

export function sendJson(ctx: Context, document: unknown): void {
  setHeader(ctx, 'Content-Type', CONTENT_TYPES.json);
  ctx.body = Buffer.from(JSON.stringify(document));
}
