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
