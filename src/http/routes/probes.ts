/**
 * Kubernetes probes: `/health` (liveness, no data checks) and `/ready` (readiness).
 * Only base names of files are shown: bodies never reveal the server's directory layout.
 */
import type Router from '@koa/router';
import { basename } from 'node:path';
import { formatDataError } from '../../data/data-error.js';
import { HttpProblem } from '../problems.js';
import { notReadyReason, type RouteDeps } from './route-deps.js';

const HEALTH_BODY = Buffer.from(JSON.stringify({ status: 'ok' }));

export function registerProbeRoutes(router: Router, deps: RouteDeps): void {
  router.get('/health', (ctx) => {
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = HEALTH_BODY;
  });

  router.get('/ready', (ctx) => {
    const dataset = deps.store.current;
    ctx.set('Cache-Control', 'no-store');
    if (dataset === undefined || deps.isShuttingDown()) {
      const failure = deps.store.lastFailure;
      throw new HttpProblem('NOT_READY', notReadyReason(deps), {
        extensions: failure === undefined ? {} : { errors: failure.errors.map((e) => formatDataError({ ...e, file: basename(e.file) })) },
      });
    }
    const { id, rows, loadedAt, file } = dataset.version;
    ctx.body = { status: 'ready', dataset: { version: id, rows, loadedAt: loadedAt.toISOString(), file: basename(file) } };
  });
}
