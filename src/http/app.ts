/**
 * Builds the Koa application from its dependencies. It never listens: `server.ts` does, so tests
 * can serve the same app on an ephemeral port without side effects.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { compressBodies } from './compression.js';
import { corsMiddleware } from './cors.js';
import { problemMiddleware } from './problem-middleware.js';
import { observeRequests } from './request-log.js';
import { requestLimits } from './request-limits.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerProbeRoutes } from './routes/probes.js';
import { registerQueryRoutes } from './routes/query.js';
import type { RouteDeps } from './routes/route-deps.js';
import { registerSiteRoutes } from './routes/sites.js';
import { registerStatsRoutes } from './routes/stats.js';

export interface AppDeps extends RouteDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** CORS origins; default `*`. */
  readonly corsOrigins?: readonly string[];
}

/** Every route; `/openapi.json` must describe exactly these (a test compares them). */
export function createRouter(deps: AppDeps): Router {
  const router = new Router();
  registerProbeRoutes(router, deps);
  registerQueryRoutes(router, deps);
  registerSiteRoutes(router, deps);
  registerStatsRoutes(router, deps);
  registerOpsRoutes(router, deps);
  registerDocsRoutes(router);
  return router;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Errors are answered and logged by problemMiddleware; Koa's default handler would print stacks to stderr.
  app.silent = true;
  app.on('error', (error: unknown) => deps.logger.error({ err: error }, 'response error'));

  const router = createRouter(deps);

  app.use(observeRequests(deps.logger, deps.metrics, deps.isShuttingDown));
  app.use(problemMiddleware(deps.logger));
  app.use(corsMiddleware(deps.corsOrigins ?? ['*']));
  app.use(requestLimits);
  app.use(compressBodies);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
