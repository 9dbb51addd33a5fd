/**
 * From decoded parameters to a query the runner can execute, with the rules that involve more
 * than one parameter: each broken rule names the parameter to fix.
 */
import type { Cursor } from './cursor.js';
import { DISTANCE_FIELD, formatSort, type SortSpec } from './order.js';
import { DEFAULT_LIMIT, type FilterParams, type OutputField, type QueryParams } from './parameters.js';
import type { ParameterError } from './param-codecs.js';

export interface SiteQuery {
  readonly filter: FilterParams;
  readonly sort: SortSpec;
  readonly limit: number;
  readonly cursor: Cursor | undefined;
  /** Undefined: every column in file order (plus `distance_km` with `near`). */
  readonly fields: readonly OutputField[] | undefined;
}

/** Rules between filters, shared by `/query` and `/stats`. */
export function filterErrors(filter: FilterParams): ParameterError[] {
  const errors: ParameterError[] = [];
  if (filter.inscribed_from !== undefined && filter.inscribed_to !== undefined && filter.inscribed_from > filter.inscribed_to) {
    errors.push({
      parameter: 'inscribed_from',
      detail: `is ${filter.inscribed_from}, after inscribed_to ${filter.inscribed_to}; no site can match`,
    });
  }
  if (filter.radius_km !== undefined && filter.near === undefined) {
    errors.push({ parameter: 'radius_km', detail: 'needs near=lat,lon: a radius around which point?' });
  }
  return errors;
}

export function planQuery(params: QueryParams): SiteQuery | ParameterError[] {
  const { sort, limit, cursor, fields, format: _format, ...filter } = params;
  const errors = filterErrors(filter);
  const near = filter.near !== undefined;
  const effectiveSort: SortSpec = sort ?? { field: near ? DISTANCE_FIELD : 'unique_number', descending: false };
  if (effectiveSort.field === DISTANCE_FIELD && !near) {
    errors.push({ parameter: 'sort', detail: 'is distance_km, which needs near=lat,lon' });
  }
  if (fields !== undefined) {
    if (fields.includes(DISTANCE_FIELD) && !near) errors.push({ parameter: 'fields', detail: 'has distance_km, which needs near=lat,lon' });
    const repeated = fields.filter((f, i) => fields.indexOf(f) !== i);
    if (repeated.length > 0) errors.push({ parameter: 'fields', detail: `names ${repeated.join(', ')} more than once` });
  }
  if (cursor !== undefined && cursor.sort !== formatSort(effectiveSort)) {
    errors.push({
      parameter: 'cursor',
      detail: `was made for sort=${cursor.sort}, not sort=${formatSort(effectiveSort)}; keep the parameters of the first page`,
    });
  }
  if (errors.length > 0) return errors;
  return { filter, sort: effectiveSort, limit: limit ?? DEFAULT_LIMIT, cursor, fields };
}
