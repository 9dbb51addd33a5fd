/**
 * Builds the Koa application from its dependencies. It never listens: `server.ts` does, so tests
 * can serve the same app on an ephemeral port without side effects. `listener.ts` puts the fast
 * paths in front of it.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AnswerCache } from './answer-cache.js';
import { compressBodies } from './compression.js';
import type { CpuBudget } from './cpu-budget.js';
import type { InFlight } from './in-flight.js';
import { memoryGuard } from './memory-guard.js';
import { corsMiddleware } from './cors.js';
import { problemMiddleware } from './problem-middleware.js';
import { observeRequests } from './request-log.js';
import { requestLimits } from './request-limits.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerProblemPages } from './routes/problem-pages.js';
import { registerProbeRoutes } from './routes/probes.js';
import { registerQueryRoutes } from './routes/query.js';
import type { RouteDeps } from './routes/route-deps.js';
import { registerSiteRoutes } from './routes/sites.js';
import { registerStatsRoutes } from './routes/stats.js';

/** A client that closes or resets its connection mid-answer is routine, not a server fault. */
const CLIENT_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

function logResponseError(logger: Logger, error: unknown): void {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && CLIENT_GONE.has(code)) logger.debug({ code }, 'client went away before the answer was sent');
  else logger.error({ err: error }, 'response error');
}

/** What the app is made of; the settings come from `Config` (config.ts holds their defaults). */
export interface AppDeps extends RouteDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** CORS origins, `*` for any. */
  readonly corsOrigins: readonly string[];
  /** Bytes for computed answers; 0 turns the cache off. */
  readonly answerCacheBytes: number;
  /** Percent of the main thread computed answers may take while other requests wait; 100 turns the queue off. */
  readonly searchCpuPercent: number;
  /** Longest a computation may wait for its turn before it answers 503. */
  readonly searchWaitMs: number;
  /** Bytes answers in flight may hold before data requests answer 503. */
  readonly responseMemoryBytes: number;
}

/** Every route; `/openapi.json` must describe exactly these (a test compares them). */
function createRouter(deps: AppDeps, answers: AnswerCache, budget: CpuBudget): Router {
  const router = new Router();
  registerProbeRoutes(router, deps);
  registerQueryRoutes(router, { ...deps, answers, budget });
  registerSiteRoutes(router, deps);
  registerStatsRoutes(router, { ...deps, answers, budget });
  registerOpsRoutes(router, { ...deps, budget });
  registerDocsRoutes(router);
  registerProblemPages(router);
  return router;
}

/** Names a middleware, so that the stack can be read by name (`app.middleware`; the fast path's review checks it). */
function named<T extends Koa.Middleware<never, never>>(name: string, middleware: T): T {
  return Object.defineProperty(middleware, 'name', { value: name });
}

export interface KoaApp {
  readonly app: Koa;
  readonly router: Router;
}

/** What the app shares with the search fast path, which answers most searches without it (listener.ts). */
export interface SharedState {
  /** Bytes held for answers in flight, and the requests being answered. */
  readonly inFlight: InFlight;
  /** Computed answers and their compressed codings, by ETag. */
  readonly answers: AnswerCache;
  /** The queue searches, facets and /metrics compute in, with the memory bound checked at each turn. */
  readonly budget: CpuBudget;
}

export function createApp(deps: AppDeps, { inFlight, answers, budget }: SharedState): KoaApp {
  const app = new Koa();
  // Errors are answered and logged by problemMiddleware; Koa's default handler would print stacks to stderr.
  app.silent = true;
  app.on('error', (error: unknown) => logResponseError(deps.logger, error));

  const router = createRouter(deps, answers, budget);

  // Preflights and 405s match no handler; they are labelled with the route their path belongs to.
  const patternOf = (path: string) => {
    const pattern = router.match(path, 'GET').path.find((layer) => layer.methods.length > 0)?.path;
    return typeof pattern === 'string' ? pattern : undefined;
  };
  // Outermost first. A middleware added here must be reviewed for the fast paths, which answer
  // most lookups and searches without Koa (fast-path/review.ts; test/http/fast-path.test.ts checks).
  deps.metrics.inFlight(
    () => inFlight.requests,
    () => inFlight.bytes,
    deps.responseMemoryBytes,
  );
  app.use(named('observeRequests', observeRequests(deps.logger, deps.metrics, inFlight, deps.isShuttingDown, patternOf)));
  app.use(named('problems', problemMiddleware(deps.logger)));
  app.use(named('cors', corsMiddleware(deps.corsOrigins)));
  app.use(named('requestLimits', requestLimits));
  app.use(named('memoryGuard', memoryGuard(inFlight, deps.responseMemoryBytes)));
  app.use(named('compression', compressBodies(answers, inFlight)));
  app.use(named('routes', router.routes()));
  app.use(named('allowedMethods', router.allowedMethods()));
  return { app, router };
}
