/**
 * The lookup fast path (lookup-fast-path.ts) answers most lookups without Koa, so whatever a Koa
 * middleware does, most traffic skips. Each middleware of the app's stack, outermost first, is
 * listed here with what was decided for lookups: the fast path applies it too, or it does not
 * apply to the lookups the fast path answers, and why. test/http/fast-path.test.ts fails when the
 * app's stack (its middlewares' names, app.ts) is no longer this list, and when the router runs
 * anything before the `/query` route's handler (router.use, a route middleware): a new middleware
 * (auth, a rate limit, a request id) must be decided here before it ships.
 */

export interface ReviewedMiddleware {
  readonly name: string;
  readonly forLookups: 'applied by the fast path' | 'does not apply';
  readonly why: string;
}

export const REVIEWED_MIDDLEWARES: readonly ReviewedMiddleware[] = [
  {
    name: 'observeRequests',
    forLookups: 'applied by the fast path',
    why: 'the same metrics and log line; the same security headers (SECURITY_HEADERS) and request id (request-id.ts); while draining, requests go to Koa, which says Connection: close',
  },
  {
    name: 'problems',
    forLookups: 'does not apply',
    why: 'the fast path answers only what cannot fail (a known id); everything else goes to Koa',
  },
  {
    name: 'cors',
    forLookups: 'applied by the fast path',
    why: 'Vary: Origin (CORS_VARY) on every answer; a request with an Origin goes to Koa',
  },
  {
    name: 'requestLimits',
    forLookups: 'does not apply',
    why: 'the fast path takes one parameter of at most 15 digits, far under both limits',
  },
  {
    name: 'memoryGuard',
    forLookups: 'does not apply',
    why: 'a lookup sends the body built at load and allocates none: refusing it would free nothing',
  },
  { name: 'compression', forLookups: 'does not apply', why: 'lookups never opt in: a single row costs more to compress than to send' },
  {
    name: 'routes',
    forLookups: 'applied by the fast path',
    why: "the answer is the route's own (lookupAnswer); Vary: Accept from the route's negotiation (LOOKUP_VARY)",
  },
  { name: 'allowedMethods', forLookups: 'does not apply', why: 'only GET reaches the fast path, and /query takes it' },
];
