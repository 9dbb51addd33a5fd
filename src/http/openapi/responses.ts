/** Response objects of the document: problems by status, and the headers answers carry. */
import { PROBLEM_MEDIA_TYPE } from '../problems.js';
import { CODINGS } from '../representation/etag.js';
import { CACHE_CONTROL, NEXT_CURSOR_HEADER, TOTAL_COUNT_HEADER } from '../representation/headers.js';
import { MAX_QUERY_BODY_BYTES, MAX_URL_LENGTH, inKib } from '../representation/limits.js';

type Json = Record<string, unknown>;

const header = (description: string, schema: Json = { type: 'string' }, required = true) => ({ description, required, schema });

const ETAG = header(
  `Strong validator of this answer; ${CODINGS.map((coding) => `\`-${coding}\``).join('/')} is appended for compressed codings.`,
  { type: 'string', pattern: '^"[^"]+"$' },
);
const DATA_CACHE_CONTROL = header('How long caches may keep the answer.', { type: 'string', enum: [CACHE_CONTROL.data] });

/** Headers of a cacheable answer; lists add their total and the next page. */
export const CACHEABLE_HEADERS = { ETag: ETAG, 'Cache-Control': DATA_CACHE_CONTROL };
export const LIST_HEADERS = {
  ...CACHEABLE_HEADERS,
  [TOTAL_COUNT_HEADER]: header('Rows matching the filters, over all pages.', { type: 'integer', minimum: 0 }),
  Link: header(
    `\`</query?...&cursor=...>; rel="next"\` (RFC 8288) when there is a next page, unless that URL would be longer than ${inKib(MAX_URL_LENGTH)} (a long POST body).`,
    { type: 'string', pattern: '^<[^>]+>; rel="next"$' },
    false,
  ),
  [NEXT_CURSOR_HEADER]: header(
    "The next page's `cursor` when there is one: send it in the POST body (or the URL) to continue.",
    { type: 'string', minLength: 1 },
    false,
  ),
};

export const NOT_MODIFIED = { description: 'If-None-Match matched the ETag.', headers: { ETag: ETAG } };

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'A parameter is unknown, malformed, or conflicts with another; `errors` names each and `allowed` lists the parameters. On /query, code STALE_CURSOR: the `cursor` continues after a site the reloaded data no longer holds; start from the first page.',
  404: 'No such site or resource.',
  405: 'The path exists, but not for this method; `Allow` lists those that work.',
  406: 'No representation matches the Accept header; `available` lists the media types.',
  413: `The JSON body is larger than ${inKib(MAX_QUERY_BODY_BYTES)}.`,
  414: `The URL is longer than ${inKib(MAX_URL_LENGTH)}.`,
  415: 'The body is not application/json.',
  503: 'No dataset is loaded yet, the server is shutting down, or it is overloaded (code OVERLOADED; `Retry-After` says when to try again).',
};

const problem = (status: number): Json => ({
  description: DESCRIPTIONS[status] ?? 'Error.',
  headers: {
    'Cache-Control': header('Problems are never cached.', { type: 'string', enum: [CACHE_CONTROL.never] }),
    ...(status === 405 ? { Allow: header('The methods this path takes.', { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' }) } : {}),
    ...(status === 503
      ? {
          'Retry-After': header(
            'Seconds to wait before trying again, when the server is overloaded.',
            { type: 'string', pattern: '^[0-9]+$' },
            false,
          ),
        }
      : {}),
  },
  content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Problem responses for these statuses; every operation also gets 405 (another method) and 414 (a URL too long). */
export const errors = (...statuses: number[]): Json =>
  Object.fromEntries([...new Set([...statuses, 405, 414])].sort().map((s) => [String(s), problem(s)]));
