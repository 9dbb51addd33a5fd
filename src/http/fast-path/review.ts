/**
 * The fast paths (lookup.ts, search.ts) answer most lookups and plain searches without Koa, so
 * whatever a Koa middleware does, most traffic skips. Each middleware of the app's stack,
 * outermost first, is listed here with what was decided for each fast path: it applies the
 * middleware too, or the middleware does not apply to the requests it answers, and why.
 * test/http/fast-path.test.ts fails when the app's stack (its middlewares' names, app.ts) is no
 * longer this list, and when the router runs anything before the `/query` route's handler
 * (router.use, a route middleware): a new middleware (auth, a rate limit, a request id) must be
 * decided here before it ships.
 */

export interface Decision {
  readonly decision: 'applied by the fast path' | 'does not apply';
  readonly why: string;
}

export interface ReviewedMiddleware {
  readonly name: string;
  readonly forLookups: Decision;
  readonly forSearches: Decision;
}

const APPLIED = 'applied by the fast path';
const NOT_APPLICABLE = 'does not apply';

export const REVIEWED_MIDDLEWARES: readonly ReviewedMiddleware[] = [
  {
    name: 'observeRequests',
    forLookups: {
      decision: APPLIED,
      why: 'the same metrics and log line; the same security headers (SECURITY_HEADERS) and request id (request-id.ts); while draining, requests go to Koa, which says Connection: close',
    },
    forSearches: {
      decision: APPLIED,
      why: 'as for lookups, with the query string JSON-escaped and cut as Koa logs it, the problem code and refusals counted, and the request counted in flight while it waits for its turn',
    },
  },
  {
    name: 'problems',
    forLookups: {
      decision: NOT_APPLICABLE,
      why: 'the fast path answers only what cannot fail (a known id); everything else goes to Koa; a defect of its own is answered by defects.ts, as Koa would (500, logged, counted)',
    },
    forSearches: {
      decision: APPLIED,
      why: "what can fail before the computation (parameters, a stale cursor, no data) goes to Koa; a refusal by the queue or a failed computation is answered with the middleware's own problemOf and problemHeaders, and a defect of the fast path's own by defects.ts",
    },
  },
  {
    name: 'cors',
    forLookups: { decision: APPLIED, why: 'Vary: Origin (CORS_VARY) on every answer; a request with an Origin goes to Koa' },
    forSearches: { decision: APPLIED, why: 'the same' },
  },
  {
    name: 'requestLimits',
    forLookups: { decision: NOT_APPLICABLE, why: 'the fast path takes one parameter of at most 15 digits, far under both limits' },
    forSearches: {
      decision: APPLIED,
      why: 'a URL longer than MAX_URL_LENGTH or with more than MAX_QUERY_PARAMETERS parameters goes to Koa, which refuses it',
    },
  },
  {
    name: 'memoryGuard',
    forLookups: {
      decision: NOT_APPLICABLE,
      why: 'a lookup sends the body built at load and allocates none: refusing it would free nothing',
    },
    forSearches: {
      decision: APPLIED,
      why: "past the bound a search goes to Koa, which refuses it; the body's bytes are held until the answer closes; the check at the queue's turn is in the budget both share",
    },
  },
  {
    name: 'compression',
    forLookups: { decision: NOT_APPLICABLE, why: 'lookups never opt in: a single row costs more to compress than to send' },
    forSearches: {
      decision: APPLIED,
      why: 'Vary: Accept-Encoding on every 200 and 304, as the middleware adds it; a request with a non-empty Accept-Encoding goes to Koa, which compresses',
    },
  },
  {
    name: 'routes',
    forLookups: {
      decision: APPLIED,
      why: "the answer is the route's own (lookupAnswer); Vary: Accept from the route's negotiation (LOOKUP_VARY)",
    },
    forSearches: {
      decision: APPLIED,
      why: "the answer is the route's own (search-answer.ts) through the same answer cache and queue; its ETag, 304 and Cache-Control; Vary: Accept (SEARCH_VARY); only a plain Accept (JSON), so the format is format= or JSON",
    },
  },
  {
    name: 'allowedMethods',
    forLookups: { decision: NOT_APPLICABLE, why: 'only GET reaches the fast path, and /query takes it' },
    forSearches: { decision: NOT_APPLICABLE, why: 'the same' },
  },
];
