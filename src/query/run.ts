/** Runs a query over a dataset: filter, order, then the page after the cursor. */
import { type Cursor } from './cursor.js';
import { passingSites, type Passing } from './filter.js';
import {
  DISTANCE_FIELD,
  ascendingOrder,
  columnSortKeys,
  compareKeyed,
  formatSort,
  visitInOrder,
  type Keyed,
  type SortKey,
  type SortSpec,
} from './order.js';
import { positionOf, type QueryIndex, type SearchableSite } from './searchable-site.js';
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
 * Above this share of all sites matching, a page sorted on a column is found by walking the
 * column's order (sorted once per dataset) past the sites that do not match, rather than by
 * sorting the matches: no object per match and no comparisons, for a pass over all sites.
 * Below it, sorting the few matches costs less than that pass.
 */
const WALK_ABOVE_SHARE = 1 / 8;

export function runQuery(index: QueryIndex, query: SiteQuery): QueryResult {
  const found = passingSites(index, query.filter);
  const { field } = query.sort;
  if (field === 'unique_number') return indexOrderPage(index, query, found);
  if (field !== DISTANCE_FIELD && found.positions.length > index.sites.length * WALK_ABOVE_SHARE) return walkedPage(index, query, found);
  return sortedPage(index, query, found);
}

/**
 * The page of a search in `unique_number` order (the default): the index's own order, which
 * the matches are found in, so the cursor is found by bisection and the page is a slice.
 */
function indexOrderPage(index: QueryIndex, query: SiteQuery, { positions, distances }: Passing): QueryResult {
  const { descending } = query.sort;
  const count = positions.length;
  // The i-th match in the asked order.
  const nth = (i: number) => (descending ? count - 1 - i : i);
  const uniqueNumberAt = (i: number) => (index.sites[positions[nth(i)] as number] as SearchableSite).uniqueNumber;
  const after = cursorAfter(index, query);
  const start =
    after === undefined ? 0 : firstAfter(count, (i) => ({ key: uniqueNumberAt(i), uniqueNumber: uniqueNumberAt(i) }), after, descending);
  const page: Match[] = [];
  for (let i = start; i < Math.min(count, start + query.limit); i++)
    page.push(matchAt(index, query, positions[nth(i)] as number, distances[nth(i)] as number, uniqueNumberAt(i)));
  return result(query, count, page, start + page.length < count);
}

function matchAt(index: QueryIndex, query: SiteQuery, position: number, distance: number, key: SortKey): Match {
  const site = index.sites[position] as SearchableSite;
  return { site, distanceKm: query.filter.near === undefined ? undefined : distance, key, uniqueNumber: site.uniqueNumber };
}

/** The page, from a Match per matching site, sorted. */
function sortedPage(index: QueryIndex, query: SiteQuery, { positions, distances }: Passing): QueryResult {
  const { field, descending } = query.sort;
  const keys = field === DISTANCE_FIELD ? undefined : columnSortKeys(index, field);
  const matches = positions.map((position, i) => {
    const distance = distances[i] as number;
    return matchAt(index, query, position, distance, keys === undefined ? distance : (keys[position] ?? null));
  });
  // The index is in unique_number order and Array#sort is stable, but the tie-break is explicit anyway.
  matches.sort((a, b) => compareKeyed(a, b, descending));
  const after = cursorAfter(index, query);
  const start = after === undefined ? 0 : firstAfter(matches.length, (i) => matches[i] as Match, after, descending);
  const page = matches.slice(start, start + query.limit);
  return result(query, matches.length, page, start + page.length < matches.length);
}

/** The page of a search sorted on a column, from the column's order, skipping the sites that do not match. */
function walkedPage(index: QueryIndex, query: SiteQuery, { positions, distances }: Passing): QueryResult {
  const { field, descending } = query.sort;
  if (field === DISTANCE_FIELD) throw new Error('distances have no precomputed order');
  // Each match's place in `positions`, plus one; 0 for the sites that do not match. Int32 (4
  // bytes a site) only when there are distances to find again; one byte a site otherwise.
  const withDistances = query.filter.near !== undefined;
  const place = withDistances ? new Int32Array(index.sites.length) : new Uint8Array(index.sites.length);
  if (withDistances) positions.forEach((position, i) => (place[position] = i + 1));
  else for (const position of positions) place[position] = 1;
  const keys = columnSortKeys(index, field);
  const after = cursorAfter(index, query);
  let pastCursor = after === undefined;
  const page: Match[] = [];
  let hasMore = false;
  visitInOrder(ascendingOrder(index, field), keys, descending, (position) => {
    const at = place[position] as number;
    if (at === 0) return true;
    const key = keys[position] as SortKey;
    // The order is sorted: once a match is past the cursor, so is every later one.
    if (!pastCursor) {
      const uniqueNumber = (index.sites[position] as SearchableSite).uniqueNumber;
      if (compareKeyed({ key, uniqueNumber }, after as Keyed, descending) <= 0) return true;
      pastCursor = true;
    }
    if (page.length === query.limit) {
      hasMore = true;
      return false;
    }
    // Without distances `at` is 1 for every match, and matchAt drops the distance it reads.
    page.push(matchAt(index, query, position, distances[at - 1] as number, key));
    return true;
  });
  return result(query, positions.length, page, hasMore);
}

function cursorAfter(index: QueryIndex, query: SiteQuery): Keyed | undefined {
  const { cursor } = query;
  if (cursor === undefined) return undefined;
  const after = cursorPosition(index, cursor, query.sort);
  // The route answers a cursor whose site is gone before it gets here (cursorPosition there too).
  if (after === undefined) throw new Error(`cursor names site ${cursor.uniqueNumber}, which the dataset does not hold`);
  return after;
}

function result(query: SiteQuery, total: number, page: Match[], hasMore: boolean): QueryResult {
  const last = page[page.length - 1];
  return {
    total,
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
  const position = positionOf(index.sites, uniqueNumber);
  return position === undefined ? undefined : { key: columnSortKeys(index, sort.field)[position] ?? null, uniqueNumber };
}

/** Binary search over `count` entries in order, `at(i)` the i-th: the first ordered strictly after `after`. */
function firstAfter(count: number, at: (i: number) => Keyed, after: Keyed, descending: boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeyed(at(middle), after, descending) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
