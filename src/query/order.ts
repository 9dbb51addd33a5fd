/**
 * Result order: one column, ascending or descending, nulls last either way, and always
 * tie-broken by `unique_number` ascending, so the order is total and pages are stable.
 * Text sorts by its searchable form (tags removed, entities decoded, case and accents folded):
 * `<em>Ancient</em>` sorts with the A's, `Écija` with the E's.
 */
import { COLUMNS, type ColumnName, type Row } from '../data/row.js';
import type { QueryIndex } from './searchable-site.js';
import { fold, plainText } from './text.js';

export const DISTANCE_FIELD = 'distance_km';
export type SortField = ColumnName | typeof DISTANCE_FIELD;
export const SORT_FIELDS: readonly SortField[] = [...COLUMNS, DISTANCE_FIELD];

export interface SortSpec {
  readonly field: SortField;
  readonly descending: boolean;
}

export type SortKey = string | number | boolean | null;

export function formatSort(spec: SortSpec): string {
  return `${spec.descending ? '-' : ''}${spec.field}`;
}

export function parseSort(text: string): SortSpec | undefined {
  const descending = text.startsWith('-');
  const field = descending ? text.slice(1) : text;
  return (SORT_FIELDS as readonly string[]).includes(field) ? { field: field as SortField, descending } : undefined;
}

function keyOfValue(value: Row[ColumnName]): SortKey {
  return typeof value === 'string' ? fold(plainText(value)) : value;
}

const columnKeys = new WeakMap<QueryIndex, Map<ColumnName, readonly SortKey[]>>();

/** The sort keys of a column, aligned with `index.sites`, computed once per dataset and column. */
export function columnSortKeys(index: QueryIndex, column: ColumnName): readonly SortKey[] {
  let byColumn = columnKeys.get(index);
  if (byColumn === undefined) columnKeys.set(index, (byColumn = new Map<ColumnName, readonly SortKey[]>()));
  let keys = byColumn.get(column);
  // Columns the index does not keep are read back from the bodies, once per dataset and column.
  if (keys === undefined)
    byColumn.set(
      column,
      (keys = index.sites.map((site) => (column === 'unique_number' ? site.uniqueNumber : keyOfValue(site.row[column])))),
    );
  return keys;
}

const ascendingOrders = new WeakMap<QueryIndex, Map<ColumnName, Int32Array>>();

/**
 * The positions of `index.sites` in ascending order of a column (nulls last, ties in position
 * order, which is `unique_number` order), sorted once per dataset and column: a search walks it
 * for its page instead of sorting its matches (see `visitInOrder`). 4 bytes a site per column
 * sorted on, built on first use, like the keys.
 */
export function ascendingOrder(index: QueryIndex, column: ColumnName): Int32Array {
  let byColumn = ascendingOrders.get(index);
  if (byColumn === undefined) ascendingOrders.set(index, (byColumn = new Map<ColumnName, Int32Array>()));
  let order = byColumn.get(column);
  if (order === undefined) {
    const keys = columnSortKeys(index, column);
    order = Int32Array.from(keys, (_, position) => position).sort(
      (a, b) => compareKeys(keys[a] as SortKey, keys[b] as SortKey, false) || a - b,
    );
    byColumn.set(column, order);
  }
  return order;
}

/**
 * Calls `visit` with each position in the order of `sort` on a column, until it answers false:
 * `ascending` (from `ascendingOrder`) forward, or, descending, its groups of equal keys from the
 * last to the first, each group still in position order (ties stay by `unique_number`
 * ascending), then its nulls, which come last either way.
 */
export function visitInOrder(
  ascending: Int32Array,
  keys: readonly SortKey[],
  descending: boolean,
  visit: (position: number) => boolean,
): void {
  const count = ascending.length;
  if (!descending) {
    for (let i = 0; i < count; i++) if (!visit(ascending[i] as number)) return;
    return;
  }
  const keyAt = (i: number) => keys[ascending[i] as number] as SortKey;
  let nulls = count;
  while (nulls > 0 && keyAt(nulls - 1) === null) nulls--;
  for (let last = nulls - 1; last >= 0;) {
    let first = last;
    while (first > 0 && compareKeys(keyAt(first - 1), keyAt(last), false) === 0) first--;
    for (let i = first; i <= last; i++) if (!visit(ascending[i] as number)) return;
    last = first - 1;
  }
  for (let i = nulls; i < count; i++) if (!visit(ascending[i] as number)) return;
}

/** Orders two keys of one column; null sorts last whatever the direction. */
export function compareKeys(a: SortKey, b: SortKey, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ascending = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -ascending : ascending;
}

export interface Keyed {
  readonly key: SortKey;
  readonly uniqueNumber: number;
}

export function compareKeyed(a: Keyed, b: Keyed, descending: boolean): number {
  return compareKeys(a.key, b.key, descending) || a.uniqueNumber - b.uniqueNumber;
}
