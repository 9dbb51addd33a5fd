/** Operations: `/status` (which data this pod serves, the last reload error) and `/metrics` (Prometheus). */
import type Router from '@koa/router';
import type { Metrics } from '../../metrics/metrics.js';
import type { CpuBudget } from '../cpu-budget.js';
import { sendJson } from '../json-body.js';
import { publicDatasetView, publicErrorMessages, type RouteDeps } from './route-deps.js';
import { CACHE_CONTROL } from '../representation/headers.js';

export function registerOpsRoutes(router: Router, deps: RouteDeps & { readonly metrics: Metrics; readonly budget: CpuBudget }): void {
  router.get('/status', (ctx) => {
    const dataset = deps.store.current;
    const failure = deps.store.lastFailure;
    ctx.set('Cache-Control', CACHE_CONTROL.never);
    sendJson(ctx, {
      ready: dataset !== undefined && !deps.isShuttingDown(),
      shuttingDown: deps.isShuttingDown(),
      dataset: dataset === undefined ? null : publicDatasetView(dataset),
      lastReloadError:
        failure === undefined
          ? null
          : { at: failure.at.toISOString(), errors: failure.errors.length, messages: publicErrorMessages(failure.errors.slice(0, 10)) },
    });
  });

  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', deps.metrics.registry.contentType);
    ctx.set('Cache-Control', CACHE_CONTROL.never);
    // Rendering every series is work like a search (an inflated registry took milliseconds a
    // scrape): it takes its turn, so a flood of scrapes cannot hold the probes up, but is never
    // refused (a pod under load must stay observable).
    ctx.body = await deps.budget.run(() => deps.metrics.registry.metrics(), { always: true });
  });
}
