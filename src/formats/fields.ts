/** The values a result row carries: its columns, and `distance_km` when the query has `near`. */
import { COLUMNS, type ColumnName } from '../data/row.js';
import { DISTANCE_FIELD } from '../query/order.js';
import { OUTPUT_FIELDS, type OutputField } from '../query/parameters.js';
import type { ByteWriter } from './byte-writer.js';
import type { Spans } from '../data/body-spans.js';

/** Requested fields, or every column in file order plus `distance_km` when there is a distance. */
export function outputFields(fields: readonly OutputField[] | undefined, withDistance: boolean): readonly OutputField[] {
  return fields ?? (withDistance ? OUTPUT_FIELDS : COLUMNS);
}

/** Metres are precision enough for a distance between sites. */
export const roundKm = (km: number): number => Math.round(km * 1000) / 1000;

const COLUMN_INDEX = new Map<string, number>(COLUMNS.map((column, i) => [column, i]));

/** Where a column's value sits in `Spans`. */
export const columnIndex = (column: ColumnName): number => COLUMN_INDEX.get(column) as number;

/**
 * Writes `"field":value,…` for an object of the chosen fields, values copied as JSON from the
 * row's body (the bytes `JSON.stringify` would write for them again). A field named twice is
 * written once, where it first appears, as an object built from the list would hold it.
 */
export function writeJsonMembers(
  out: ByteWriter,
  body: Buffer,
  spans: Spans,
  fields: readonly OutputField[],
  distanceKm: number | undefined,
): void {
  let first = true;
  for (const field of new Set(fields)) {
    out.text(first ? `"${field}":` : `,"${field}":`);
    first = false;
    if (field === DISTANCE_FIELD) out.text(distanceKm === undefined ? 'null' : String(roundKm(distanceKm)));
    else {
      const at = columnIndex(field) * 3;
      out.bytes(body, spans[at] as number, spans[at + 1] as number);
    }
  }
}
