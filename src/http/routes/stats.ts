/** `GET /stats`: counts of matching sites by category, region, state and danger (facets), for `/query`'s filters. */
import type Router from '@koa/router';
import { FILTER_PARAMETERS, codecsOf } from '../../query/parameters.js';
import { filterErrors } from '../../query/site-query.js';
import { computeStats } from '../../query/stats.js';
import { sendCached, type AnswerCache } from '../answer-cache.js';
import type { CpuBudget } from '../cpu-budget.js';
import { markCompressible } from '../compression.js';
import { answeredNotModified } from '../conditional.js';
import { CONTENT_TYPES } from '../negotiate.js';
import { decodeQuery, invalidParameters, queryDecoder } from '../query-params.js';
import { answerEtag } from '../representation/etag.js';
import { CACHE_CONTROL } from '../representation/headers.js';
import { requireDataset, type RouteDeps } from './route-deps.js';

export const STATS_DECODER = queryDecoder({}, codecsOf(FILTER_PARAMETERS));

export function registerStatsRoutes(router: Router, deps: RouteDeps & { readonly answers: AnswerCache; readonly budget: CpuBudget }): void {
  router.get('/stats', async (ctx) => {
    const filter = decodeQuery(STATS_DECODER, ctx.query);
    const errors = filterErrors(filter);
    if (errors.length > 0) throw invalidParameters(errors);
    const dataset = requireDataset(deps);
    const etag = answerEtag(dataset.version.id, '/stats', 'json', ctx.query);
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', CACHE_CONTROL.data);
    markCompressible(ctx);
    if (answeredNotModified(ctx, etag)) return;
    await sendCached(ctx, deps.answers, deps.budget, etag, () => ({
      headers: { 'Content-Type': CONTENT_TYPES.json },
      body: Buffer.from(JSON.stringify(computeStats(dataset.index, filter)), 'utf8'),
    }));
  });
}
