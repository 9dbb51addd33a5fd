/**
 * `/problems/{type}`: what each problem `type` URI names (RFC 9457 §3.1.1 asks that it resolve to
 * documentation for people). One short page per problem kind, from the catalogue in problems.ts.
 */
import type Router from '@koa/router';
import { HttpProblem, PROBLEM_KINDS, problemType, type ProblemCode } from '../problems.js';
import { CACHE_CONTROL } from '../representation/headers.js';

/** When each kind is answered and what the client can do; a kind without an entry still gets its title and status. */
const EXPLANATIONS: Partial<Record<ProblemCode, string>> = {
  BAD_REQUEST:
    'The request is malformed: a body that is not valid JSON or not an object, parameters in the URL of a POST, or bytes that are not HTTP/1.1. `detail` says which.',
  INVALID_PARAMETER:
    'A parameter has a value this API cannot use, or two parameters conflict (`radius_km` without `near`, `inscribed_from` after `inscribed_to`). `errors` names each parameter and what is wrong with it.',
  UNKNOWN_PARAMETER: 'The route does not take a parameter of that name. `allowed` lists the ones it takes; see /docs.',
  TOO_MANY_PARAMETERS:
    'The query string has more parameters than any route takes. Send fewer, or put them in the JSON body of POST /query.',
  STALE_CURSOR:
    "The `cursor` continues after a site that the data this server now serves no longer holds (the data was reloaded since the previous page), and the cursor was too long to carry that site's sort key itself. Start again from the first page.",
  SITE_NOT_FOUND: 'No site has that `unique_number` in the data this server serves.',
  ROUTE_NOT_FOUND: 'There is no resource at this path. /openapi.json lists the paths.',
  METHOD_NOT_ALLOWED: 'The path exists but does not take this method. The `Allow` header lists the methods that work.',
  NOT_ACCEPTABLE:
    'None of the media types in `Accept` can be answered. `available` lists those this route answers; `format=` chooses one as well.',
  PAYLOAD_TOO_LARGE: 'The JSON body of POST /query is larger than the limit. Parameters need only a few KiB; send fewer or shorter ones.',
  URI_TOO_LONG: 'The URL is longer than this server accepts. Send the parameters as the JSON body of POST /query instead.',
  UNSUPPORTED_MEDIA_TYPE: 'POST /query takes its parameters as `Content-Type: application/json`, or no body at all.',
  HEADERS_TOO_LARGE: 'The request headers are larger than this server accepts (often a large cookie).',
  NOT_READY: 'The server has no valid data loaded yet, or is shutting down. Try again shortly, or another replica; /status tells why.',
  INTERNAL: 'The server failed to answer; the error was logged. Retrying may help.',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function page(kind: ProblemCode): string {
  const { status, title } = PROBLEM_KINDS[kind];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} (${status})</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>HTTP status <strong>${status}</strong>, <code>code</code> <code>${kind}</code>, <code>type</code> <code>${problemType(kind)}</code>.</p>
<p>${code(EXPLANATIONS[kind] ?? `${title}.`)}</p>
<p>Every error of this API is an <code>application/problem+json</code> document (RFC 9457): <code>detail</code> says what went wrong with this request. API description: <a href="/docs">/docs</a>.</p>
</body>
</html>
`;
}

/** Built at start-up: a handful of pages, a few hundred bytes each. */
const PAGES = new Map<string, string>((Object.keys(PROBLEM_KINDS) as ProblemCode[]).map((kind) => [problemType(kind), page(kind)]));

export function registerProblemPages(router: Router): void {
  router.get('/problems/:type', (ctx) => {
    const body = PAGES.get(ctx.path);
    if (body === undefined) throw new HttpProblem('ROUTE_NOT_FOUND', `no problem type at ${ctx.path}`);
    ctx.set('Content-Type', 'text/html; charset=utf-8');
    ctx.set('Cache-Control', CACHE_CONTROL.release);
    ctx.body = body;
  });
}
