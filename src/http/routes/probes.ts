/**
 * Kubernetes probes: `/health` (liveness, no data checks) and `/ready` (readiness).
 */
import type Router from '@koa/router';
import { sendJson } from '../json-body.js';
import { CONTENT_TYPES } from '../negotiate.js';
import { HttpProblem } from '../problems.js';
import { CACHE_CONTROL } from '../representation/headers.js';
import { setHeader } from '../set-header.js';
import { notReadyReason, publicDatasetView, publicErrorMessages, type RouteDeps } from './route-deps.js';

const HEALTH_BODY = Buffer.from(JSON.stringify({ status: 'ok' }));

export function registerProbeRoutes(router: Router, deps: RouteDeps): void {
  router.get('/health', (ctx) => {
    setHeader(ctx, 'Content-Type', CONTENT_TYPES.json);
    setHeader(ctx, 'Cache-Control', CACHE_CONTROL.never);
    ctx.body = HEALTH_BODY;
  });

  router.get('/ready', (ctx) => {
    const dataset = deps.store.current;
    ctx.set('Cache-Control', CACHE_CONTROL.never);
    if (dataset === undefined || deps.isShuttingDown()) {
      const failure = deps.store.lastFailure;
      throw new HttpProblem('NOT_READY', notReadyReason(deps), {
        extensions: failure === undefined ? {} : { errors: publicErrorMessages(failure.errors) },
      });
    }
    sendJson(ctx, { status: 'ready', dataset: publicDatasetView(dataset) });
  });
}
