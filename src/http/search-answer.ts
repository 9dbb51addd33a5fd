/**
 * A search's answer, `GET /query` with filters: its parameters' decoder, its ETag's inputs and
 * the page computed with its headers. Made here once and sent both by the Koa route
 * (routes/query.ts) and by the search fast path (fast-path/search.ts), which adds what Koa's
 * middlewares would (fast-path/review.ts).
 */
import type { Dataset } from '../data/dataset.js';
import { csvDocument } from '../formats/csv.js';
import { outputFields } from '../formats/fields.js';
import { geoJsonDocument } from '../formats/geojson.js';
import { jsonArray } from '../formats/json.js';
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS, codecsOf, type Format } from '../query/parameters.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { SiteQuery } from '../query/site-query.js';
import type { CachedAnswer } from './answer-cache.js';
import { nextPageHeaders } from './list-headers.js';
import { CONTENT_TYPES } from './negotiate.js';
import { queryDecoder, type RawParams } from './query-params.js';
import { TOTAL_COUNT_HEADER } from './representation/headers.js';

/** Every parameter `/query` takes, in the URL or in a POST body. */
export const QUERY_DECODER = queryDecoder({}, { ...codecsOf(FILTER_PARAMETERS), ...codecsOf(OUTPUT_PARAMETERS) });

/** Request headers a search's representation depends on: `/query` negotiates its format. */
export const SEARCH_VARY = ['Accept'] as const;

/** A search's page in its format. Also run by the benchmark's bare search server (scripts/bench/). */
export function renderPage(format: Format, result: QueryResult, query: SiteQuery): Buffer {
  if (format === 'json') return jsonArray(result.page, query.fields);
  const fields = outputFields(query.fields, query.filter.near !== undefined);
  return format === 'csv' ? csvDocument(result.page, fields) : geoJsonDocument(result.page, fields);
}

/**
 * The page `query` asks for, with the headers that go with it: the total, the media type and,
 * when there is one, the next page's cursor and link (`params` as given, for the link).
 */
export function computeSearch(dataset: Dataset, query: SiteQuery, format: Format, params: RawParams): CachedAnswer {
  const result = runQuery(dataset.index, query);
  const headers: Record<string, string> = { [TOTAL_COUNT_HEADER]: String(result.total), 'Content-Type': CONTENT_TYPES[format] };
  if (result.next !== undefined) Object.assign(headers, nextPageHeaders('/query', params, result.next));
  return { headers, body: renderPage(format, result, query) };
}
