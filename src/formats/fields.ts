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

/** One member of a written object: where its key's bytes sit in `Members.keys`, and where its value comes from. */
interface Member {
  readonly keyStart: number;
  readonly keyEnd: number;
  /** Where the value sits in `Spans`, or -1 for `distance_km`. */
  readonly spanAt: number;
}

export interface Members {
  /** Every key, `"a":,"b":…`, with the comma before it but for the first: one buffer for a page. */
  readonly keys: Buffer;
  readonly members: readonly Member[];
}

/**
 * The members an object of the chosen fields is written with, worked out once for a page rather
 * than for each row: keys as bytes (encoding them for every row of a 20-row page of three fields
 * was a third of its rendering), and a field named twice written once, where it first appears,
 * as an object built from the list would hold it.
 */
export function membersOf(fields: readonly OutputField[]): Members {
  const distinct = [...new Set(fields)];
  const keys = distinct.map((field, i) => `${i === 0 ? '' : ','}"${field}":`);
  let keyEnd = 0;
  const members = distinct.map((field, i) => {
    const keyStart = keyEnd;
    keyEnd += Buffer.byteLength(keys[i] as string);
    return { keyStart, keyEnd, spanAt: field === DISTANCE_FIELD ? -1 : columnIndex(field) * 3 };
  });
  return { keys: Buffer.from(keys.join('')), members };
}

/**
 * Writes `"field":value,…` for an object of the chosen members, values copied as JSON from the
 * row's body (the bytes `JSON.stringify` would write for them again).
 */
export function writeJsonMembers(
  out: ByteWriter,
  body: Buffer,
  spans: Spans,
  { keys, members }: Members,
  distanceKm: number | undefined,
): void {
  for (const { keyStart, keyEnd, spanAt } of members) {
    out.bytes(keys, keyStart, keyEnd);
    if (spanAt < 0) out.text(distanceKm === undefined ? 'null' : String(roundKm(distanceKm)));
    else out.bytes(body, spans[spanAt] as number, spans[spanAt + 1] as number);
  }
}
