/** `GET /query?unique_number=N`: the original service's lookup, a JSON array holding that one row. */
import type Router from '@koa/router';
import { matchesIfNoneMatch } from '../conditional.js';
import { HttpProblem } from '../problems.js';
import { PositiveIntegerParam, decodeQuery, queryDecoder } from '../query-params.js';
import { requireDataset, type RouteDeps } from './route-deps.js';

const QueryParams = queryDecoder({ unique_number: PositiveIntegerParam });

// Set as a header string: `ctx.type = 'json'` looks the mime type up on every request.
const JSON_TYPE = 'application/json; charset=utf-8';

export function registerQueryRoutes(router: Router, deps: RouteDeps): void {
  router.get('/query', (ctx) => {
    const params = decodeQuery(QueryParams, ctx.query);
    const dataset = requireDataset(deps);
    const site = dataset.site(params.unique_number);
    if (site === undefined) throw new HttpProblem('SITE_NOT_FOUND', `no site has unique_number ${params.unique_number}`);
    ctx.set('ETag', site.queryEtag);
    ctx.set('Cache-Control', 'public, max-age=60');
    if (matchesIfNoneMatch(ctx.get('If-None-Match'), site.queryEtag)) {
      ctx.status = 304;
      return;
    }
    ctx.set('Content-Type', JSON_TYPE);
    ctx.body = site.queryBody;
  });
}
