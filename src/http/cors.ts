/**
 * CORS (via @koa/cors): browser pages on the allowed origins may read answers, including the
 * headers they need for paging and caching. Requests without an `Origin` header (curl, servers,
 * same-origin pages) pass straight through.
 */
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import { NEXT_CURSOR_HEADER, TOTAL_COUNT_HEADER } from './representation/headers.js';

export const EXPOSED_HEADERS = ['ETag', 'Link', TOTAL_COUNT_HEADER, NEXT_CURSOR_HEADER] as const;

/** @koa/cors varies every answer on Origin, with an Origin header or without (the lookup fast path repeats it). */
export const CORS_VARY = 'Origin';

export function corsMiddleware(allowedOrigins: readonly string[]): Middleware {
  const anyOrigin = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      if (origin === '') return '';
      if (anyOrigin) return '*';
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST'],
    allowHeaders: ['Content-Type', 'If-None-Match', 'Accept'],
    exposeHeaders: [...EXPOSED_HEADERS],
    maxAge: 600,
    // The problem middleware keeps CORS headers on error answers itself (it clears only the failed handler's headers).
    keepHeadersOnError: false,
  });
}
