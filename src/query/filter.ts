/** Whether a site passes every filter (AND across parameters, OR within a list parameter). */
import { distanceKm, inBoundingBox } from './geo.js';
import type { FilterParams } from './parameters.js';
import type { SearchableSite } from './searchable-site.js';

const anyIn = (wanted: readonly string[], have: ReadonlySet<string>): boolean => wanted.some((w) => have.has(w));

/** Every term must start some word of the text: `cathedral` finds "cathedrals". */
function matchesWords(terms: readonly string[], siteWords: readonly string[]): boolean {
  return terms.every((term) => siteWords.some((word) => word.startsWith(term)));
}

/**
 * The site's distance from `near` when it passes (0 when there is no `near`), or undefined when
 * it does not: the distance is computed once, for the radius test and the answer.
 */
export function passes(site: SearchableSite, f: FilterParams): number | undefined {
  const { row } = site;
  if (f.unique_number !== undefined && row.unique_number !== f.unique_number) return undefined;
  if (f.id_no !== undefined && row.id_no !== f.id_no) return undefined;
  if (f.category !== undefined && !f.category.includes(row.category)) return undefined;
  if (f.region !== undefined && !anyIn(f.region, site.regions)) return undefined;
  if (f.iso_code !== undefined && !anyIn(f.iso_code, site.isoCodes)) return undefined;
  if (f.state !== undefined && !anyIn(f.state, site.states)) return undefined;
  if (f.danger !== undefined && (row.danger === true) !== f.danger) return undefined;
  if (f.transboundary !== undefined && (row.transboundary === true) !== f.transboundary) return undefined;
  if (f.inscribed_from !== undefined && (row.date_inscribed === null || row.date_inscribed < f.inscribed_from)) return undefined;
  if (f.inscribed_to !== undefined && (row.date_inscribed === null || row.date_inscribed > f.inscribed_to)) return undefined;
  if (f.criterion !== undefined && !f.criterion.some((c) => site.criteria.has(c))) return undefined;
  if (f.q !== undefined && !matchesWords(f.q, site.words)) return undefined;
  if (f.bbox !== undefined && (site.point === undefined || !inBoundingBox(site.point, f.bbox))) return undefined;
  if (f.near === undefined) return 0;
  if (site.point === undefined) return undefined;
  const distance = distanceKm(f.near, site.point);
  return f.radius_km === undefined || distance <= f.radius_km ? distance : undefined;
}
