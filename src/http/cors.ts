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
  const withOrigin = cors({
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
  // Without an Origin, @koa/cors only adds Vary and calls next, but through two awaits (it awaits
  // even a synchronous origin function): most requests have no Origin, so they skip those layers.
  return (ctx, next) => {
    if (ctx.get('Origin') !== '') return withOrigin(ctx, next) as Promise<void>; // @koa/cors's own type is any
    ctx.vary(CORS_VARY);
    return next();
  };
}
