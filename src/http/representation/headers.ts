/**
 * The headers this API sends beyond HTTP's own: their names, the cache lifetimes, and the
 * security headers every answer carries. Routes, the lookup fast path, the raw client-error
 * answers and the OpenAPI document all read them here.
 */

/** Rows matching a search, over all pages. */
export const TOTAL_COUNT_HEADER = 'X-Total-Count';
/** The next page's cursor alone, for clients that page with POST (a body's parameters may not fit a URL). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/** `Cache-Control` values, by what is answered. */
export const CACHE_CONTROL = {
  /** Rows, searches and facets: a new data file may land at any time, so a minute at most. */
  data: 'public, max-age=60',
  /** The OpenAPI document, which changes with a release or a new deployment. */
  document: 'public, max-age=300',
  /** The documentation page: revalidated on every visit. */
  revalidate: 'no-cache',
  /** Files that change only with a release: the documentation's scripts, the problem type pages. */
  release: 'public, max-age=86400',
  /** Errors, probes and metrics: always asked afresh. */
  never: 'no-store',
} as const;

export const NOSNIFF = 'nosniff';
/** Answers are data, never documents to render: nothing may load, run or frame them. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";
/**
 * `/docs`, the one HTML page, sets its own policy: Swagger UI sets style attributes and loads SVG
 * data: URIs; it fetches only this origin. Its script is a file too, so no 'unsafe-inline' scripts.
 */
export const DOCS_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The security headers every answer carries, and their values unless the answer set its own. */
const SECURITY: readonly (readonly [name: string, value: string])[] = [
  ['X-Content-Type-Options', NOSNIFF],
  ['Content-Security-Policy', DATA_POLICY],
];

/** The security headers as name/value pairs (the lookup fast path sends them as they are). */
export const SECURITY_HEADERS: readonly string[] = SECURITY.flat();

/**
 * Sets the security headers on an answer, errors included, once its handler is done (the
 * outermost Koa middleware, request-log.ts, calls it). A header the answer already has stays:
 * `/docs` sets DOCS_PAGE_POLICY. Like Koa's `ctx.set`, it does nothing once the headers are sent.
 */
export function setSecurityHeaders(res: {
  readonly headersSent: boolean;
  hasHeader(name: string): boolean;
  setHeader(name: string, value: string): unknown;
}): void {
  if (res.headersSent) return;
  for (const [name, value] of SECURITY) if (!res.hasHeader(name)) res.setHeader(name, value);
}
