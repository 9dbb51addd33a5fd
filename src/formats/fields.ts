/** The values a result row carries: its columns, and `distance_km` when the query has `near`. */
import { COLUMNS, type Row } from '../data/row.js';
import { DISTANCE_FIELD } from '../query/order.js';
import { OUTPUT_FIELDS, type OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';

export type FieldValue = Row[keyof Row];

/** Requested fields, or every column in file order plus `distance_km` when there is a distance. */
export function outputFields(fields: readonly OutputField[] | undefined, withDistance: boolean): readonly OutputField[] {
  return fields ?? (withDistance ? OUTPUT_FIELDS : COLUMNS);
}

/** Metres are precision enough for a distance between sites. */
export const roundKm = (km: number): number => Math.round(km * 1000) / 1000;

/** `row` is the match's row, parsed once by the caller for all its fields (it is read back from the body). */
export function fieldValue(match: Match, row: Row, field: OutputField): FieldValue {
  if (field === DISTANCE_FIELD) return match.distanceKm === undefined ? null : roundKm(match.distanceKm);
  return row[field];
}
