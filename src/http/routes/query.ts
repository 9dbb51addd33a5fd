/**
 * `/query`: rows of the list. `GET /query?unique_number=N` alone is the original service's
 * lookup, `[row]` or 404, answered from bodies built at load. Any other combination of filters
 * is a search: a page of matching rows as JSON, CSV or GeoJSON, with its total, a strong ETag
 * and a link to the next page. `POST /query` takes the same parameters as a JSON object.
 */
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Format } from '../../query/parameters.js';
import { cursorPosition } from '../../query/run.js';
import { planQuery } from '../../query/site-query.js';
import { sendCached, type AnswerCache } from '../answer-cache.js';
import type { CpuBudget } from '../cpu-budget.js';
import { paramsFromBody } from '../body-params.js';
import { markCompressible } from '../compression.js';
import { answeredNotModified, conditionalTags } from '../conditional.js';
import { LOOKUP_VARY, lookupAnswer } from '../lookup-answer.js';
import { chooseFormat } from '../negotiate.js';
import { HttpProblem } from '../problems.js';
import { decodeQuery, invalidParameters, type RawParams } from '../query-params.js';
import { answerEtag } from '../representation/etag.js';
import { CACHE_CONTROL } from '../representation/headers.js';
import { MAX_QUERY_BODY_BYTES, inKib } from '../representation/limits.js';
import { QUERY_DECODER, SEARCH_VARY, computeSearch } from '../search-answer.js';
import { setHeader } from '../set-header.js';
import { requireDataset, type RouteDeps } from './route-deps.js';

/** Only `unique_number` (and at most format=json): the original lookup and its prebuilt body. */
function isLookup(params: RawParams, format: Format): boolean {
  const names = Object.keys(params);
  return format === 'json' && names.includes('unique_number') && names.every((n) => n === 'unique_number' || n === 'format');
}

export interface QueryRouteDeps extends RouteDeps {
  readonly answers: AnswerCache;
  readonly budget: CpuBudget;
}

async function answerQuery(ctx: Context, params: RawParams, deps: QueryRouteDeps): Promise<void> {
  const decoded = decodeQuery(QUERY_DECODER, params);
  const query = planQuery(decoded);
  if (Array.isArray(query)) throw invalidParameters(query);
  const format = chooseFormat(ctx, decoded.format);
  const dataset = requireDataset(deps);
  for (const field of SEARCH_VARY) ctx.vary(field);
  setHeader(ctx, 'Cache-Control', CACHE_CONTROL.data);

  if (isLookup(params, format) && decoded.unique_number !== undefined) {
    const answer = lookupAnswer(dataset, decoded.unique_number, conditionalTags(ctx));
    if (answer === undefined) throw new HttpProblem('SITE_NOT_FOUND', `no site has unique_number ${decoded.unique_number}`);
    for (const field of LOOKUP_VARY) ctx.vary(field);
    for (let i = 0; i < answer.headers.length; i += 2) ctx.set(answer.headers[i] as string, answer.headers[i + 1] as string);
    if (answer.body === undefined) ctx.status = answer.status;
    else ctx.body = answer.body;
    return;
  }

  if (query.cursor !== undefined && cursorPosition(dataset.index, query.cursor, query.sort) === undefined) {
    throw new HttpProblem(
      'STALE_CURSOR',
      `the cursor continues after site ${query.cursor.uniqueNumber}, which the data no longer holds; start again from the first page`,
    );
  }
  const etag = answerEtag(dataset.version.id, '/query', format, params);
  setHeader(ctx, 'ETag', etag);
  markCompressible(ctx);
  if (answeredNotModified(ctx, etag)) return;
  await sendCached(ctx, deps.answers, deps.budget, etag, () => computeSearch(dataset, query, format, params));
}

const isEmptyBody = (ctx: Context): boolean => ctx.get('Content-Length') === '0' && ctx.get('Transfer-Encoding') === '';

function jsonBodyParser(bodyParser: typeof import('koa-bodyparser')): Middleware {
  return bodyParser({
    enableTypes: ['json'],
    // The types ask for a string; raw-body's `bytes` reads digits alone as bytes.
    jsonLimit: String(MAX_QUERY_BODY_BYTES),
    strict: true,
    // co-body marks a syntax error with status 400 but not `expose`; say what happened in the client's terms.
    onerror: (error) => {
      const status = (error as { status?: unknown }).status;
      if (status === 413)
        throw new HttpProblem(
          'PAYLOAD_TOO_LARGE',
          `the JSON body is larger than ${inKib(MAX_QUERY_BODY_BYTES)}; send fewer or shorter parameters`,
        );
      throw new HttpProblem('BAD_REQUEST', `the body is not valid JSON: ${error.message}`);
    },
  });
}

let parseJson: Promise<Middleware> | undefined;
/**
 * koa-bodyparser and its dependencies take about 60 ms to import: not at start-up, where it
 * would delay the listener, but by the warm-up's POST while the first dataset loads (warm-up.ts),
 * so the first POST after /ready does not pay it either (it took 121 ms against 4-7 ms warm).
 * Module-wide: the warm-up's throwaway app and the served one share the import.
 */
const loadJsonBodyParser = (): Promise<Middleware> =>
  (parseJson ??= import('koa-bodyparser').then((module) => jsonBodyParser(module.default)));

export function registerQueryRoutes(router: Router, deps: QueryRouteDeps): void {
  router.get('/query', (ctx) => answerQuery(ctx, ctx.query, deps));

  const parseJsonBody: Middleware = async (ctx, next) => {
    const parseJson = await loadJsonBodyParser();
    await parseJson(ctx, next);
  };
  router.post(
    '/query',
    async (ctx, next) => {
      if (Object.keys(ctx.query).length > 0)
        throw new HttpProblem('BAD_REQUEST', 'POST /query takes its parameters in the JSON body, not in the URL');
      // An empty body is no body (all parameters left out), whatever its type: `is` counts
      // `Content-Length: 0` as a body and would refuse it for want of a Content-Type.
      if (isEmptyBody(ctx)) return answerQuery(ctx, {}, deps);
      // `is` answers null for a request without a body and false for any type but JSON.
      if (ctx.is('application/json') === false) {
        throw new HttpProblem(
          'UNSUPPORTED_MEDIA_TYPE',
          `the body must be application/json, got ${ctx.get('Content-Type') || 'no Content-Type'}`,
        );
      }
      await next();
    },
    parseJsonBody,
    (ctx) => answerQuery(ctx, paramsFromBody(ctx.request.body ?? {}), deps),
  );
}
