/**
 * Observes every request (metrics, one structured log line with its id, query string, size and
 * problem code). Being the outermost middleware, it is also where representation/headers.ts's
 * setSecurityHeaders runs, and the request id is echoed, for every Koa answer.
 */
import type { Middleware } from 'koa';
import { MAX_LOGGED_QUERY, requestLineWriter, type Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { InFlight } from './in-flight.js';
import type { ProblemState } from './problem-middleware.js';
import { REQUEST_ID_HEADER, requestId } from './request-id.js';
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
    const id = requestId(ctx.req.headers['x-request-id']);
    inFlight.requestStarted();
    try {
      await next();
    } finally {
      inFlight.requestEnded();
      const problem = (ctx.state as ProblemState).problem;
      if (problem?.refusal !== undefined) metrics.requestRefused(problem.refusal);
      setSecurityHeaders(ctx.res);
      // After the handlers, like the security headers: the problem middleware clears a failed handler's headers.
      setHeader(ctx, REQUEST_ID_HEADER, id);
      // While draining, each keep-alive client is told to reconnect (to another replica) after this answer.
      if (isShuttingDown()) setHeader(ctx, 'Connection', 'close');
      const ms = performance.now() - start;
      metrics.observeRequest(
        ctx.method,
        routeLabel((ctx as { _matchedRoute?: unknown })._matchedRoute, ctx.path, patternOf),
        ctx.status,
        ms / 1000,
      );
      const query = ctx.querystring;
      logLine(
        id,
        ctx.method,
        ctx.path,
        query.length > MAX_LOGGED_QUERY ? query.slice(0, MAX_LOGGED_QUERY) : query,
        ctx.status,
        Math.round(ms * 100) / 100,
        ctx.response.length ?? 0,
        problem?.code,
      );
    }
  };
}
