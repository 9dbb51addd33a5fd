/** Observes every request (metrics, one structured log line) and sets the headers every response carries. */
import type { Middleware } from 'koa';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** Route patterns, not paths, label the metrics: unknown paths must not create new series. */
function routeLabel(matched: unknown): string {
  return typeof matched === 'string' ? matched : 'unmatched';
}

export function observeRequests(logger: Logger, metrics: Metrics): Middleware {
  // Checked once: when `info` is off, requests build no log objects at all.
  const logging = logger.isLevelEnabled('info');
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - start;
      metrics.observeRequest(ctx.method, routeLabel((ctx as { _matchedRoute?: unknown })._matchedRoute), ctx.status, ms / 1000);
      if (logging) logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}

/**
 * Headers for every answer, errors included; set after the handlers (and after the problem
 * middleware, which clears a failed handler's headers). Koa sends no X-Powered-By.
 */
export function securityHeaders(isShuttingDown: () => boolean): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      // While draining, each keep-alive client is told to reconnect (to another replica) after this answer.
      if (isShuttingDown()) ctx.set('Connection', 'close');
    }
  };
}
