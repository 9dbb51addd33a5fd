/**
 * The OpenAPI 3.1 description of every route, served at `/openapi.json` and rendered at `/docs`.
 * Parameters come from `src/query/parameters.ts`, where their codecs are; a test compares this
 * document with the router's routes and each route's decoder, so neither can grow alone.
 */
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS, type ParameterDoc } from '../../query/parameters.js';
import { EXPOSED_HEADERS } from '../cors.js';
import { NEXT_CURSOR_HEADER, TOTAL_COUNT_HEADER } from '../list-headers.js';
import { MEDIA_TYPES } from '../negotiate.js';
import { PROBLEM_MEDIA_TYPE } from '../problems.js';
import { PROBLEM_SCHEMA, ROW_SCHEMA, STATS_SCHEMA } from './row-schema.js';

type Json = Record<string, unknown>;

const queryParameters = (parameters: Readonly<Record<string, { readonly doc: ParameterDoc }>>): Json[] =>
  Object.entries(parameters).map(([name, p]) => ({ name, in: 'query', required: false, description: p.doc.description, schema: p.doc.schema, example: p.doc.example }));

const problem = (description: string) => ({ description, content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } });
const errors = (...statuses: number[]): Json => {
  const descriptions: Record<number, string> = {
    400: 'A parameter is unknown, malformed, or conflicts with another; `errors` names each.',
    404: 'No such site or route.',
    406: 'No representation matches the Accept header.',
    413: 'The JSON body is larger than 16 KiB.',
    415: 'The body is not application/json.',
    503: 'No dataset is loaded yet, the server is shutting down, or it is overloaded (code OVERLOADED, with Retry-After).',
  };
  return Object.fromEntries(statuses.map((s) => [String(s), problem(descriptions[s] ?? 'Error.')]));
};

const header = (description: string, type = 'string') => ({ description, schema: { type } });
const listHeaders = {
  ETag: header('Strong validator of this answer; `-br`/`-gzip` is appended for compressed codings.'),
  [TOTAL_COUNT_HEADER]: header('Rows matching the filters, over all pages.', 'integer'),
  Link: header('`<...>; rel="next"` when there is a next page, unless that URL would be longer than 8 KiB (a long POST body).'),
  [NEXT_CURSOR_HEADER]: header('The next page\'s `cursor` when there is one: send it in the POST body (or the URL) to continue.'),
  'Cache-Control': header('public, max-age=60'),
};

const rowsContent = {
  [MEDIA_TYPES.json]: { schema: { type: 'array', items: { $ref: '#/components/schemas/Row' } } },
  [MEDIA_TYPES.csv]: { schema: { type: 'string' }, example: 'unique_number,name_en\r\n230,Cultural Landscape and Archaeological Remains of the Bamiyan Valley\r\n' },
  [MEDIA_TYPES.geojson]: { schema: { type: 'object', description: 'RFC 7946 FeatureCollection of Points; geometry null for sites without a position.' } },
};

const queryResponses = {
  '200': { description: 'A page of rows. `unique_number` alone answers `[row]`, as the original service did.', headers: listHeaders, content: rowsContent },
  '304': { description: 'If-None-Match matched the ETag.' },
  ...errors(400, 404, 406, 503),
};

const json = (schema: Json, description: string) => ({ description, content: { [MEDIA_TYPES.json]: { schema } } });

export function openApiDocument(version: string): Json {
  const allQueryParameters = { ...FILTER_PARAMETERS, ...OUTPUT_PARAMETERS };
  return {
    openapi: '3.1.0',
    info: {
      title: 'whc-api',
      version,
      description: `The UNESCO World Heritage List (2019 export) as an HTTP API. Errors are ${PROBLEM_MEDIA_TYPE}. Browsers may read ${EXPOSED_HEADERS.join(', ')}.`,
    },
    paths: {
      '/query': {
        get: { operationId: 'query', summary: 'Rows matching filters: JSON, CSV or GeoJSON, paged', parameters: queryParameters(allQueryParameters), responses: queryResponses },
        post: {
          operationId: 'queryByBody',
          summary: 'The same query with its parameters in a JSON body',
          requestBody: {
            required: false,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  properties: Object.fromEntries(
                    Object.entries(allQueryParameters).map(([name, p]) => [name, { description: p.doc.description, type: ['string', 'number', 'boolean', 'array'] }]),
                  ),
                },
                example: { category: ['Natural', 'Mixed'], danger: true, limit: 5 },
              },
            },
          },
          responses: { ...queryResponses, ...errors(413, 415) },
        },
      },
      '/sites/{unique_number}': {
        get: {
          operationId: 'site',
          summary: 'One site as an object',
          parameters: [{ name: 'unique_number', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, example: 230 }],
          responses: { '200': json({ $ref: '#/components/schemas/Row' }, 'The site.'), '304': { description: 'Not modified.' }, ...errors(400, 404, 503) },
        },
      },
      '/stats': {
        get: {
          operationId: 'stats',
          summary: 'Counts by category, region, state and danger for the filters of /query',
          parameters: queryParameters(FILTER_PARAMETERS),
          responses: { '200': json({ $ref: '#/components/schemas/Stats' }, 'Facets, most frequent first.'), '304': { description: 'Not modified.' }, ...errors(400, 503) },
        },
      },
      '/health': { get: { operationId: 'health', summary: 'Liveness: the process answers', responses: { '200': json({ type: 'object' }, 'Alive.') } } },
      '/ready': { get: { operationId: 'ready', summary: 'Readiness: a dataset is loaded', responses: { '200': json({ type: 'object' }, 'Ready.'), ...errors(503) } } },
      '/status': { get: { operationId: 'status', summary: 'The dataset served and the last reload error', responses: { '200': json({ type: 'object' }, 'Status.') } } },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1.') } } },
      '/docs': { get: { operationId: 'docs', summary: 'Interactive documentation (Swagger UI, served from this service)', responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/docs/{asset}': {
        get: {
          operationId: 'docsAsset',
          summary: "The documentation page's scripts and styles",
          parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'A script or a stylesheet.' }, ...errors(404) },
        },
      },
    },
    components: { schemas: { Row: ROW_SCHEMA, Stats: STATS_SCHEMA, Problem: PROBLEM_SCHEMA } },
  };
}
