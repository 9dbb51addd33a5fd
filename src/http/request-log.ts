/**
 * Observes every request (metrics, one structured log line). Being the outermost middleware, it
 * is also where representation/headers.ts's setSecurityHeaders runs for every Koa answer.
 */
import type { Middleware } from 'koa';
import { requestLineWriter, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { InFlight } from './in-flight.js';
import type { ProblemState } from './problem-middleware.js';
import { setSecurityHeaders } from './representation/headers.js';
import { setHeader } from './set-header.js';

/** Finds the route pattern of a path whatever the method, for answers no handler gave (preflights, 405s). */
export type RoutePatternOf = (path: string) => string | undefined;

/** Route patterns, not paths, label the metrics: unknown paths must not create new series. */
function routeLabel(matched: unknown, path: string, patternOf: RoutePatternOf): string {
  return typeof matched === 'string' ? matched : (patternOf(path) ?? 'unmatched');
}

/**
 * The outermost middleware. It also sets the headers every answer carries, errors included:
 * after the handlers and after the problem middleware (which clears a failed handler's headers);
 * which headers, and their values, is representation/headers.ts's business.
 * Koa sends no X-Powered-By. One layer, not two: each async layer costs on every request.
 */
export function observeRequests(
  logger: Logger,
  metrics: Metrics,
  inFlight: InFlight,
  isShuttingDown: () => boolean,
  patternOf: RoutePatternOf = () => undefined,
): Middleware {
  // pino's line as one string (log.ts): its general path was about 5 % of a search's CPU under wrk.
  // Paths come from clients, so they are JSON-escaped. When `info` is off, it does nothing.
  const logLine = requestLineWriter(logger, JSON.stringify);
  return async (ctx, next) => {
    const start = performance.now();
    inFlight.requestStarted();
    try {
      await next();
    } finally {
      inFlight.requestEnded();
      const refusal = (ctx.state as ProblemState).problem?.refusal;
      if (refusal !== undefined) metrics.requestRefused(refusal);
      setSecurityHeaders(ctx.res);
      // While draining, each keep-alive client is told to reconnect (to another replica) after this answer.
      if (isShuttingDown()) setHeader(ctx, 'Connection', 'close');
      const ms = performance.now() - start;
      metrics.observeRequest(
        ctx.method,
        routeLabel((ctx as { _matchedRoute?: unknown })._matchedRoute, ctx.path, patternOf),
        ctx.status,
        ms / 1000,
      );
      logLine(ctx.method, ctx.path, ctx.status, Math.round(ms * 100) / 100);
    }
  };
}
