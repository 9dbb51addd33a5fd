/** One structured log line per request, and the headers every response carries. */
import type { Middleware } from 'koa';
import type { Logger } from '../log.js';

export function requestLog(logger: Logger): Middleware {
  // Checked once: when `info` is off, requests cost no clock reads or log objects at all.
  const enabled = logger.isLevelEnabled('info');
  return async (ctx, next) => {
    if (!enabled) return next();
    const start = performance.now();
    try {
      await next();
    } finally {
      logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round((performance.now() - start) * 100) / 100 }, 'request');
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
