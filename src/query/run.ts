/** Runs a query over a dataset: filter, order, then the page after the cursor. */
import { type Cursor } from './cursor.js';
import { compileFilter } from './filter.js';
import { DISTANCE_FIELD, columnSortKeys, compareKeyed, formatSort, type Keyed, type SortKey, type SortSpec } from './order.js';
import type { SearchableSite, QueryIndex } from './searchable-site.js';
import type { SiteQuery } from './site-query.js';

export interface Match {
  readonly site: SearchableSite;
  /** Kilometres from `near`; undefined without `near`. */
  readonly distanceKm: number | undefined;
  readonly key: SortKey;
  readonly uniqueNumber: number;
}

export interface QueryResult {
  /** How many rows match, over all pages. */
  readonly total: number;
  readonly page: readonly Match[];
  /** Where the next page starts; undefined on the last page. */
  readonly next: Cursor | undefined;
}

/**
 * The positions in `sites` a search must test: all of them, or, with `unique_number`, at most the
 * one that has it, found by bisection in the index's `unique_number` order (testing all 1121
 * sites for it was most of such a search's filtering under wrk).
 */
function candidateRange(sites: readonly SearchableSite[], uniqueNumber: number | undefined): [number, number] {
  if (uniqueNumber === undefined) return [0, sites.length];
  const position = sitePosition(sites, uniqueNumber);
  return position === undefined ? [0, 0] : [position, position + 1];
}

/** Every matching site, unordered (in `unique_number` order, which is the index's order). */
export function matchingSites(index: QueryIndex, query: Pick<SiteQuery, 'filter' | 'sort'>): Match[] {
  const byDistance = query.sort.field === DISTANCE_FIELD;
  const keys = byDistance ? undefined : columnSortKeys(index, query.sort.field);
  const near = query.filter.near !== undefined;
  const test = compileFilter(index, query.filter);
  const matches: Match[] = [];
  const { sites } = index;
  const [first, end] = candidateRange(sites, query.filter.unique_number);
  for (let i = first; i < end; i++) {
    const site = sites[i] as SearchableSite;
    const distance = test(site, i);
    if (distance === undefined) continue;
    matches.push({
      site,
      distanceKm: near ? distance : undefined,
      key: byDistance ? distance : (keys?.[i] ?? null),
      uniqueNumber: site.uniqueNumber,
    });
  }
  return matches;
}

export function runQuery(index: QueryIndex, query: SiteQuery): QueryResult {
  const { descending } = query.sort;
  const matches = matchingSites(index, query);
  // The index is in unique_number order and Array#sort is stable, but the tie-break is explicit anyway.
  matches.sort((a, b) => compareKeyed(a, b, descending));
  const { cursor } = query;
  let start = 0;
  if (cursor !== undefined) {
    const after = cursorPosition(index, cursor, query.sort);
    // The route answers a cursor whose site is gone before it gets here (cursorPosition there too).
    if (after === undefined) throw new Error(`cursor names site ${cursor.uniqueNumber}, which the dataset does not hold`);
    start = firstAfter(matches, after, descending);
  }
  const page = matches.slice(start, start + query.limit);
  const last = page[page.length - 1];
  const hasMore = start + page.length < matches.length;
  return {
    total: matches.length,
    page,
    next: hasMore && last !== undefined ? { sort: formatSort(query.sort), key: last.key, uniqueNumber: last.uniqueNumber } : undefined,
  };
}

/**
 * Where a cursor points in the order: its key and site, or, for a cursor that names the site
 * alone (its key was too long to carry), that site's key in this dataset. Undefined when the
 * site is gone (the dataset was reloaded without it): there is no key to continue from.
 */
export function cursorPosition(index: QueryIndex, cursor: Cursor, sort: SortSpec): Keyed | undefined {
  const { uniqueNumber } = cursor;
  if (cursor.key !== undefined) return { key: cursor.key, uniqueNumber };
  // Distances are numbers: their cursors always carry the key, so the field here is a column.
  if (sort.field === DISTANCE_FIELD) return undefined;
  const position = sitePosition(index.sites, uniqueNumber);
  return position === undefined ? undefined : { key: columnSortKeys(index, sort.field)[position] ?? null, uniqueNumber };
}

/** Where the site with `uniqueNumber` is in the index's sites, which are in `unique_number` order (bisection). */
function sitePosition(sites: readonly SearchableSite[], uniqueNumber: number): number | undefined {
  let low = 0;
  let high = sites.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sites[middle] as SearchableSite).uniqueNumber < uniqueNumber) low = middle + 1;
    else high = middle;
  }
  return sites[low]?.uniqueNumber === uniqueNumber ? low : undefined;
}

/** Binary search: the first match ordered strictly after `after`. */
function firstAfter(sorted: readonly Match[], after: Keyed, descending: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeyed(sorted[middle] as Match, after, descending) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
