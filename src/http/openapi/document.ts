/**
 * The OpenAPI 3.1 description of every route, served at `/openapi.json` and rendered at `/docs`.
 * Parameters come from `src/query/parameters.ts`, where their codecs are; a test compares this
 * document with the router's routes and each route's decoder, so neither can grow alone, and
 * Redocly CLI and Spectral lint it in `npm test` (redocly.yaml, .spectral.yaml).
 */
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS, type ParameterDoc } from '../../query/parameters.js';
import { EXPOSED_HEADERS } from '../cors.js';
import { MEDIA_TYPES } from '../negotiate.js';
import { PROBLEM_MEDIA_TYPE } from '../problems.js';
import { ANSWER_SCHEMAS } from './answer-schemas.js';
import { CACHEABLE_HEADERS, LIST_HEADERS, NOT_MODIFIED, errors } from './responses.js';
import { PROBLEM_SCHEMA, ROW_SCHEMA, STATS_SCHEMA } from './row-schema.js';

type Json = Record<string, unknown>;
type Parameters = Readonly<Record<string, { readonly doc: ParameterDoc }>>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/*
 * Examples sit in each schema's `examples`, not in the parameter's `example`: Swagger UI fills
 * its inputs with the latter, and twenty examples sent together answer 400 (a cursor made for
 * another sort). So the page first shows a query that works, and each example stays typed (and
 * linted); the description repeats it, since Swagger UI shows schema examples nowhere.
 */
const queryParameters = (parameters: Parameters): Json[] =>
  Object.entries(parameters).map(([name, p]) => ({
    name,
    in: 'query',
    required: false,
    description: `${p.doc.description} Example: \`${String(p.doc.example)}\`.`,
    schema: { ...p.doc.schema, examples: [p.doc.example] },
  }));

const bodySchema = (parameters: Parameters): Json => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.entries(parameters).map(([name, p]) => [name, { description: p.doc.description, ...(p.doc.body ?? p.doc.schema) }]),
  ),
});

const rowsContent = {
  [MEDIA_TYPES.json]: { schema: { type: 'array', items: ref('Row') } },
  [MEDIA_TYPES.csv]: {
    schema: {
      type: 'string',
      description:
        'RFC 4180, a header row, flags as 1/0. Against CSV injection (OWASP), text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a plain number such as `-257`) is written quoted behind a single quote: `"\'=1+2"`. JSON and GeoJSON carry the text as is.',
    },
    example: 'unique_number,name_en\r\n230,Cultural Landscape and Archaeological Remains of the Bamiyan Valley\r\n',
  },
  [MEDIA_TYPES.geojson]: { schema: ref('FeatureCollection') },
};

const queryResponses = {
  '200': {
    description: 'A page of rows. `unique_number` alone answers `[row]`, as the original service did.',
    headers: LIST_HEADERS,
    content: rowsContent,
  },
  '304': NOT_MODIFIED,
  ...errors(400, 404, 406, 503),
};

const json = (schema: Json, description: string, headers?: Json) => ({
  description,
  ...(headers === undefined ? {} : { headers }),
  content: { [MEDIA_TYPES.json]: { schema } },
});
const text = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

/** An operation with its tag and text; every one answers 405 and 414 besides (see `errors`). */
const operation = (tag: string, operationId: string, summary: string, description: string, rest: Json): Json => ({
  tags: [tag],
  operationId,
  summary,
  description,
  ...rest,
});

const SITES = 'Sites';
const OPS = 'Operations';
const DOCS = 'Documentation';

export function openApiDocument(version: string): Json {
  const allQueryParameters = { ...FILTER_PARAMETERS, ...OUTPUT_PARAMETERS };
  return {
    openapi: '3.1.0',
    info: {
      title: 'whc-api',
      version,
      description: `The UNESCO World Heritage List (2019 export) as an HTTP API. Errors are ${PROBLEM_MEDIA_TYPE} (RFC 9457). Browsers may read ${EXPOSED_HEADERS.join(', ')}.`,
    },
    servers: [{ url: '/', description: 'The service that serves this document' }],
    // A public, read-only API: no operation needs credentials.
    security: [],
    tags: [
      { name: SITES, description: 'The rows of the list: searches, one site, facets.' },
      { name: OPS, description: 'Probes and metrics for the platform.' },
      { name: DOCS, description: 'This document, its page, and the pages problem types point to.' },
    ],
    paths: {
      '/query': {
        get: operation(
          SITES,
          'query',
          'Rows matching filters: JSON, CSV or GeoJSON, paged',
          'Filters combine with AND; `format` or `Accept` chooses the representation. The next page is in `Link`.',
          {
            parameters: queryParameters(allQueryParameters),
            responses: queryResponses,
          },
        ),
        post: operation(
          SITES,
          'queryByBody',
          'The same query with its parameters in a JSON body',
          'For filter sets too long for a URL. No body (or an empty one) is the same as `GET /query` without parameters.',
          {
            requestBody: {
              required: false,
              content: {
                [MEDIA_TYPES.json]: {
                  schema: bodySchema(allQueryParameters),
                  example: { category: ['Natural', 'Mixed'], danger: true, limit: 5 },
                },
              },
            },
            responses: { ...queryResponses, ...errors(400, 404, 406, 413, 415, 503) },
          },
        ),
      },
      '/sites/{unique_number}': {
        get: operation(SITES, 'site', 'One site as an object', 'The row whose `unique_number` is in the path.', {
          parameters: [
            {
              name: 'unique_number',
              in: 'path',
              required: true,
              description: "The site's row number in the export.",
              schema: { type: 'integer', minimum: 1, examples: [230] },
            },
          ],
          responses: { '200': json(ref('Row'), 'The site.', CACHEABLE_HEADERS), '304': NOT_MODIFIED, ...errors(400, 404, 503) },
        }),
      },
      '/stats': {
        get: operation(
          SITES,
          'stats',
          'Counts by category, region, state and danger',
          'Facets of the sites matching the filters of `/query`.',
          {
            parameters: queryParameters(FILTER_PARAMETERS),
            responses: {
              '200': json(ref('Stats'), 'Facets, most frequent first.', CACHEABLE_HEADERS),
              '304': NOT_MODIFIED,
              ...errors(400, 503),
            },
          },
        ),
      },
      '/health': {
        get: operation(OPS, 'health', 'Liveness: the process answers', 'No data checks.', {
          responses: { '200': json(ref('Health'), 'Alive.'), ...errors() },
        }),
      },
      '/ready': {
        get: operation(OPS, 'ready', 'Readiness: a dataset is loaded', '`503` before any valid file was loaded and while shutting down.', {
          responses: { '200': json(ref('Ready'), 'Ready.'), ...errors(503) },
        }),
      },
      '/status': {
        get: operation(
          OPS,
          'status',
          'The dataset served and the last reload error',
          'What this process serves, for people and dashboards.',
          { responses: { '200': json(ref('Status'), 'Status.'), ...errors() } },
        ),
      },
      '/metrics': {
        get: operation(OPS, 'metrics', 'Prometheus metrics', 'Text exposition format 0.0.4.', {
          responses: { '200': text('text/plain', 'Metrics.'), ...errors() },
        }),
      },
      '/openapi.json': {
        get: operation(DOCS, 'openapi', 'This document', 'OpenAPI 3.1.', {
          responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1.'), ...errors(400) },
        }),
      },
      '/docs': {
        get: operation(DOCS, 'docs', 'Interactive documentation', 'Swagger UI, served from this service (no CDN).', {
          responses: { '200': text('text/html', 'HTML.'), ...errors() },
        }),
      },
      '/docs/{asset}': {
        get: operation(
          DOCS,
          'docsAsset',
          "The documentation page's scripts and styles",
          'Files of the swagger-ui-dist package, and the page script.',
          {
            parameters: [
              {
                name: 'asset',
                in: 'path',
                required: true,
                description: 'A file name the page refers to.',
                schema: { type: 'string', examples: ['swagger-ui.css'] },
              },
            ],
            responses: {
              '200': {
                description: 'A script or a stylesheet.',
                content: { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } } },
              },
              ...errors(404),
            },
          },
        ),
      },
      '/problems/{type}': {
        get: operation(
          DOCS,
          'problemType',
          'What a problem type means',
          "The page a problem document's `type` points to: when the problem happens, and what to do.",
          {
            parameters: [
              {
                name: 'type',
                in: 'path',
                required: true,
                description: 'The last segment of a problem `type`.',
                schema: { type: 'string', examples: ['invalid-parameter'] },
              },
            ],
            responses: { '200': text('text/html', 'An explanation of the problem type.'), ...errors(404) },
          },
        ),
      },
    },
    components: { schemas: { Row: ROW_SCHEMA, Stats: STATS_SCHEMA, Problem: PROBLEM_SCHEMA, ...ANSWER_SCHEMAS } },
  };
}
