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

/** The headers every data answer carries, as name/value pairs (the lookup fast path sends them as they are). */
export const SECURITY_HEADERS = ['X-Content-Type-Options', NOSNIFF, 'Content-Security-Policy', DATA_POLICY] as const;
