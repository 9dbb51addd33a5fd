/** `GET /sites/{unique_number}`: one site as a JSON object, from the body built at load. */
import type Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import { PositiveIntegerParam } from '../../query/param-codecs.js';
import { answeredNotModified } from '../conditional.js';
import { siteEtag } from '../representation/etag.js';
import { CACHE_CONTROL } from '../representation/headers.js';
import { CONTENT_TYPES } from '../negotiate.js';
import { HttpProblem } from '../problems.js';
import { NO_PARAMETERS, decodeQuery, invalidParameters } from '../query-params.js';
import { requireDataset, type RouteDeps } from './route-deps.js';

export function registerSiteRoutes(router: Router, deps: RouteDeps): void {
  router.get('/sites/:unique_number', (ctx) => {
    decodeQuery(NO_PARAMETERS, ctx.query);
    const id = PositiveIntegerParam.decode(ctx.params.unique_number);
    if (E.isLeft(id))
      throw invalidParameters([{ parameter: 'unique_number', detail: `in the path ${id.left[0]?.message ?? 'is invalid'}` }]);
    const dataset = requireDataset(deps);
    const site = dataset.site(id.right);
    if (site === undefined) throw new HttpProblem('SITE_NOT_FOUND', `no site has unique_number ${id.right}`);
    const etag = siteEtag(dataset.version.id, id.right);
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', CACHE_CONTROL.data);
    if (answeredNotModified(ctx, etag)) return;
    ctx.set('Content-Type', CONTENT_TYPES.json);
    ctx.body = site.siteBody;
  });
}
