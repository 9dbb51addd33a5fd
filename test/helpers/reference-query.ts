/**
 * An independent model of `/query`'s filters, used as the oracle. It works on the rows of the
 * hand-written CSV reader (`reference-csv.ts`) and shares no code with `src/`: entities are
 * decoded by `he` (the service uses `entities`), criteria are read from `criteria_txt` (the
 * service reads the C1-N10 flags), distances come from unit vectors (the service uses haversine).
 */
import { decode as decodeHtml } from 'he';

export type ReferenceRow = Record<string, unknown>;

export interface Filters {
  unique_number?: number;
  id_no?: number;
  category?: string[];
  region?: string[];
  iso_code?: string[];
  state?: string[];
  danger?: boolean;
  transboundary?: boolean;
  inscribed_from?: number;
  inscribed_to?: number;
  criterion?: string[];
  q?: string;
  bbox?: [number, number, number, number];
  near?: [number, number];
  radius_km?: number;
}

export const foldText = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
export const htmlToText = (s: string): string => decodeHtml(s.replace(/<[^>]+>/g, ' '));
const text = (row: ReferenceRow, column: string): string => (typeof row[column] === 'string' ? row[column] : '');

/**
 * What the model derives from a row (folded lists, search text, sort keys), computed once per row:
 * the property tests ask for it thousands of times, and recomputing it (he's entity decoding, the
 * folds, once per comparison in a sort) took most of the unit tier's time (docs/testing.md).
 * A pure function of the row and the key; the reader's rows are never changed.
 */
const derived = new WeakMap<ReferenceRow, Map<string, unknown>>();
function perRow<T>(row: ReferenceRow, key: string, compute: () => T): T {
  let values = derived.get(row);
  if (values === undefined) derived.set(row, (values = new Map<string, unknown>()));
  if (!values.has(key)) values.set(key, compute());
  return values.get(key) as T;
}

const listOf = (row: ReferenceRow, ...columns: string[]): string[] =>
  perRow(row, `list:${columns.join()}`, () =>
    columns
      .flatMap((c) => text(row, c).split(','))
      .map((e) => foldText(htmlToText(e)).trim())
      .filter((e) => e !== ''),
  );

function anyOf(wanted: string[] | undefined, have: string[]): boolean {
  return wanted === undefined || wanted.some((w) => have.includes(foldText(w).trim()));
}

/** Where a site is, or undefined for no position and the 0,0 placeholder. */
export function position(row: ReferenceRow): [number, number] | undefined {
  const lat = row['latitude'];
  const lon = row['longitude'];
  if (typeof lat !== 'number' || typeof lon !== 'number' || (lat === 0 && lon === 0)) return undefined;
  return [lat, lon];
}

/** Angle between unit vectors via atan2(|a x b|, a . b), times the mean Earth radius. */
export function referenceDistanceKm([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]): number {
  const v = (lat: number, lon: number) => {
    const [p, l] = [(lat * Math.PI) / 180, (lon * Math.PI) / 180];
    return [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)] as const;
  };
  const [a, b] = [v(lat1, lon1), v(lat2, lon2)];
  const cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  return 6371.0088 * Math.atan2(Math.hypot(...cross), a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the row passes the filters; with `near`, the distance (or undefined when it does not pass). */
export function referenceMatch(row: ReferenceRow, f: Filters): { distance: number | undefined } | undefined {
  if (f.unique_number !== undefined && row['unique_number'] !== f.unique_number) return undefined;
  if (f.id_no !== undefined && row['id_no'] !== f.id_no) return undefined;
  if (!anyOf(f.category, [foldText(text(row, 'category'))])) return undefined;
  if (!anyOf(f.region, listOf(row, 'region_en', 'region_fr'))) return undefined;
  if (!anyOf(f.iso_code, listOf(row, 'iso_code'))) return undefined;
  if (!anyOf(f.state, listOf(row, 'states_name_en', 'states_name_fr'))) return undefined;
  if (f.danger !== undefined && (row['danger'] === true) !== f.danger) return undefined;
  if (f.transboundary !== undefined && (row['transboundary'] === true) !== f.transboundary) return undefined;
  const year = row['date_inscribed'];
  if (f.inscribed_from !== undefined && !(typeof year === 'number' && year >= f.inscribed_from)) return undefined;
  if (f.inscribed_to !== undefined && !(typeof year === 'number' && year <= f.inscribed_to)) return undefined;
  if (f.criterion !== undefined && !f.criterion.some((c) => text(row, 'criteria_txt').includes(`(${c.toLowerCase()})`))) return undefined;
  if (f.q !== undefined) {
    const haystack = perRow(row, 'q', () =>
      foldText(['name_en', 'name_fr', 'short_description_en', 'short_description_fr'].map((c) => htmlToText(text(row, c))).join(' ')),
    );
    const terms = foldText(htmlToText(f.q))
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t !== '');
    if (!terms.every((t) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(t)}`, 'u').test(haystack))) return undefined;
  }
  const at = position(row);
  if (f.bbox !== undefined) {
    if (at === undefined) return undefined;
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    const [lat, lon] = at;
    const lonInside = minLon <= maxLon ? lon >= minLon && lon <= maxLon : lon >= minLon || lon <= maxLon;
    if (!(lat >= minLat && lat <= maxLat && lonInside)) return undefined;
  }
  if (f.near === undefined) return { distance: undefined };
  if (at === undefined) return undefined;
  const distance = referenceDistanceKm(f.near, at);
  return f.radius_km === undefined || distance <= f.radius_km ? { distance } : undefined;
}

/** The filters as a query string, each list comma-joined. */
export function filterParams(f: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(f)) {
    if (value === undefined) continue;
    params.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params;
}

/** Sort key as the API documents it: text with HTML removed, entities decoded, folded; nulls last. */
export function referenceSortKey(row: ReferenceRow, column: string): string | number | boolean | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value as number | boolean;
  return perRow(row, `sort:${column}`, () => foldText(htmlToText(value)).replace(/\s+/g, ' ').trim());
}

export function compareForSort(a: ReferenceRow, b: ReferenceRow, column: string, descending: boolean): number {
  const [ka, kb] = [referenceSortKey(a, column), referenceSortKey(b, column)];
  let c = 0;
  if (ka === null && kb !== null) c = 1;
  else if (kb === null && ka !== null) c = -1;
  else if (ka !== null && kb !== null && ka !== kb) c = (ka < kb ? -1 : 1) * (descending ? -1 : 1);
  return c || (a['unique_number'] as number) - (b['unique_number'] as number);
}
