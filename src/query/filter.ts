/**
 * Filters compiled once per request into a test per site: AND across parameters, OR within a
 * list parameter. Only the parameters given become checks, and `q` is answered from the word
 * index as a mask of sites, so a request does not re-read every word of every site.
 */
import { EARTH_RADIUS_KM, distanceKm, inBoundingBox } from './geo.js';
import type { FilterParams } from './parameters.js';
import type { ListColumn, QueryIndex, SearchableSite } from './searchable-site.js';
import { sitesWithPrefix } from './word-index.js';

/** Slightly under the true figure, so that the latitude test never drops a site within the radius. */
const KM_PER_DEGREE_OF_LATITUDE = ((EARTH_RADIUS_KM * Math.PI) / 180) * 0.999;

type Check = (site: SearchableSite, position: number) => boolean;

/**
 * The site's distance from `near` when it passes (0 when there is no `near`), or undefined when
 * it does not: the distance is computed once, for the radius test and the answer.
 */
export type SiteTest = (site: SearchableSite, position: number) => number | undefined;

/** Sites holding any of the `wanted` elements in `column`, marked from the index's positions. */
function listMask(index: QueryIndex, column: ListColumn, wanted: readonly string[]): Uint8Array {
  const mask = new Uint8Array(index.sites.length);
  const positions = index.positionsOf[column];
  for (const value of wanted) for (const position of positions.get(value) ?? []) mask[position] = 1;
  return mask;
}

/** Sites holding, for every term, a word that starts with it. */
function searchMask(index: QueryIndex, terms: readonly string[]): Uint8Array {
  const count = index.sites.length;
  const [first, ...rest] = terms.map((term) => sitesWithPrefix(index.words, term, count));
  const mask = first ?? new Uint8Array(count).fill(1);
  for (const other of rest) for (let i = 0; i < count; i++) mask[i] = (mask[i] as number) & (other[i] as number);
  return mask;
}

function checksOf(index: QueryIndex, f: FilterParams): Check[] {
  const { latitudes, longitudes } = index;
  const checks: Check[] = [];
  const add = (check: Check) => checks.push(check);
  if (f.unique_number !== undefined) add((site) => site.uniqueNumber === f.unique_number);
  if (f.id_no !== undefined) add((site) => site.idNo === f.id_no);
  if (f.category !== undefined) add((site) => (f.category as readonly string[]).includes(site.category));
  for (const [column, wanted] of [
    ['regions', f.region],
    ['isoCodes', f.iso_code],
    ['states', f.state],
    ['criteria', f.criterion],
  ] as const) {
    if (wanted === undefined) continue;
    const mask = listMask(index, column, wanted);
    add((_, position) => mask[position] === 1);
  }
  if (f.danger !== undefined) add((site) => site.danger === f.danger);
  if (f.transboundary !== undefined) add((site) => site.transboundary === f.transboundary);
  const from = f.inscribed_from;
  if (from !== undefined) add(({ dateInscribed }) => dateInscribed !== null && dateInscribed >= from);
  const to = f.inscribed_to;
  if (to !== undefined) add(({ dateInscribed }) => dateInscribed !== null && dateInscribed <= to);
  if (f.q !== undefined) {
    const mask = searchMask(index, f.q);
    add((_, position) => mask[position] === 1);
  }
  const box = f.bbox;
  if (box !== undefined) add((_, position) => inBoundingBox(latitudes[position] as number, longitudes[position] as number, box));
  return checks;
}

export function compileFilter(index: QueryIndex, f: FilterParams): SiteTest {
  const checks = checksOf(index, f);
  const { near, radius_km: radius } = f;
  const count = checks.length;
  const runChecks = (site: SearchableSite, position: number): boolean => {
    for (let i = 0; i < count; i++) if (!(checks[i] as Check)(site, position)) return false;
    return true;
  };
  if (near === undefined) return (site, position) => (runChecks(site, position) ? 0 : undefined);
  // A great circle is at least as long as its north-south part: sites farther in latitude than
  // the radius are out without the trigonometry (most of them, for a radius of a few hundred km).
  // So `near` is tested first, from the index's columns; a site with no point (NaN) fails it.
  const latitudeReach = radius === undefined ? Infinity : radius / KM_PER_DEGREE_OF_LATITUDE;
  const maxKm = radius ?? Infinity;
  const { latitudes, longitudes } = index;
  return (site, position) => {
    const lat = latitudes[position] as number;
    if (!(Math.abs(lat - near.lat) <= latitudeReach)) return undefined;
    const distance = distanceKm(near.lat, near.lon, lat, longitudes[position] as number);
    return distance <= maxKm && runChecks(site, position) ? distance : undefined;
  };
}
