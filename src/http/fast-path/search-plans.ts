/**
 * Searches as the search fast path runs them, parsed, decoded and planned, kept by their query
 * string: what a database's prepared statement keeps, not the answer. Clients repeat their
 * searches (a page's own query, a map's window, the next pages), and reading the parameters,
 * decoding them with the io-ts codecs, planning the query and hashing its ETag took about a
 * seventh of an uncached search's CPU (docs/performance.md). The answer itself is computed on
 * every request the answer cache does not hold.
 *
 * A plan depends on the query string alone, never on the dataset: a reload keeps them. Bounded:
 * at most MAX_PLANS, the oldest dropped first, and no query string longer than MAX_KEY_LENGTH
 * is kept, so a stream of distinct searches costs a plan's work each, no more memory.
 */
import koaSearchParams from 'koa/lib/search-params.js';
import type { Format } from '../../query/parameters.js';
import { planQuery, type SiteQuery } from '../../query/site-query.js';
import { decodeQuery, type RawParams } from '../query-params.js';
import { answerDigest } from '../representation/etag.js';
import { QUERY_DECODER } from '../search-answer.js';

/** Plans kept: with at most MAX_KEY_LENGTH characters of key and a few KB of plan each, a few MB at most. */
export const MAX_PLANS = 512;
/** Longer query strings are planned on every request (a URL may reach 8 KiB). */
export const MAX_KEY_LENGTH = 1024;

export interface SearchPlan {
  /** The parameters as Koa's `ctx.query` holds them: for the next page's link. */
  readonly params: RawParams;
  readonly query: SiteQuery;
  /** `format=`, or JSON: the fast path takes only requests whose Accept makes JSON the default. */
  readonly format: Format;
  /** The answer's tag but for the dataset's version (representation/etag.ts). */
  readonly digest: string;
}

/**
 * Parameters exactly as Koa's `ctx.query` holds them (a name given twice is a list): Koa's own
 * parser, imported, not required at run time: a `createRequire` as the module is evaluated made
 * the service's V8 startup snapshot fail as it started (src/snapshot/).
 */
const paramsOf = (search: string): RawParams => koaSearchParams.parse(search);

/**
 * The plan of the search `search` (a query string without its `?`); undefined for anything but a
 * plain search the route would answer: a bad or unknown parameter, rules between parameters
 * broken, or `unique_number` (the lookup, or a search Koa answers).
 */
function planSearch(search: string, route: string): SearchPlan | undefined {
  const params = paramsOf(search);
  if (params['unique_number'] !== undefined) return undefined;
  let decoded;
  try {
    decoded = decodeQuery(QUERY_DECODER, params);
  } catch {
    return undefined;
  }
  const query = planQuery(decoded);
  if (Array.isArray(query)) return undefined;
  const format = decoded.format ?? 'json';
  return deepFrozen({ params, query, format, digest: answerDigest(route, format, params) });
}

/** `value`, and everything it holds, frozen: a kept plan serves every later request for it, and none may change it. */
function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFrozen(member);
  }
  return value;
}

export class SearchPlans {
  readonly #route: string;
  readonly #plans = new Map<string, SearchPlan>();

  constructor(route: string) {
    this.#route = route;
  }

  /** The plan of `search`, from those kept or made now (and kept). */
  planOf(search: string): SearchPlan | undefined {
    const kept = this.#plans.get(search);
    if (kept !== undefined) return kept;
    const plan = planSearch(search, this.#route);
    if (plan === undefined || search.length > MAX_KEY_LENGTH) return plan;
    if (this.#plans.size >= MAX_PLANS) this.#plans.delete(this.#plans.keys().next().value as string);
    this.#plans.set(search, plan);
    return plan;
  }

  /** How many are kept (for tests). */
  get size(): number {
    return this.#plans.size;
  }
}
