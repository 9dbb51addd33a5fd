/**
 * JSON arrays of rows. Whole rows reuse the JSON built once at load (the body), so a page is string
 * joins, not a `JSON.stringify` of every row; only chosen `fields` are serialised per request.
 */
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { fieldValue, roundKm } from './fields.js';

export function jsonRow(match: Match, fields: readonly OutputField[] | undefined): string {
  if (fields === undefined) {
    const { json } = match.site;
    return match.distanceKm === undefined ? json : `${json.slice(0, -1)},"distance_km":${roundKm(match.distanceKm)}}`;
  }
  const row = match.site.row;
  return JSON.stringify(Object.fromEntries(fields.map((field) => [field, fieldValue(match, row, field)])));
}

export function jsonArray(matches: readonly Match[], fields: readonly OutputField[] | undefined): string {
  return `[${matches.map((m) => jsonRow(m, fields)).join(',')}]`;
}
