/**
 * Filters compiled once per request into a test per site: AND across parameters, OR within a
 * list parameter. Only the parameters given become checks, and `q` is answered from the word
 * index as a mask of sites, so a request does not re-read every word of every site.
 */
import { EARTH_RADIUS_KM, distanceKm, inBoundingBox } from './geo.js';
import type { FilterParams } from './parameters.js';
import { positionOf, type ListColumn, type QueryIndex, type SearchableSite } from './searchable-site.js';
import { sitesWithPrefix } from './word-index.js';

/** Slightly under the true figure, so that the latitude test never drops a site within the radius. */
const KM_PER_DEGREE_OF_LATITUDE = ((EARTH_RADIUS_KM * Math.PI) / 180) * 0.999;

type Check = (site: SearchableSite, position: number) => boolean;

/**
 * The site's distance from `near` when it passes (0 when there is no `near`), or undefined when
 * it does not: the distance is computed once, for the radius test and the answer.
 */
export type SiteTest = (site: SearchableSite, position: number) => number | undefined;

/** Sites marked with 1, and how many. */
interface Mask {
  readonly count: number;
  /** The marks; made on first use when `positions` says it all. */
  marks(): Uint8Array;
  /** The marked sites' positions, ascending, when the index holds them as they are: a list filter of one value. */
  readonly positions?: readonly number[];
}

const marked = (marks: Uint8Array, count: number): Mask => ({ count, marks: () => marks });

/** Sites holding any of the `wanted` elements in `column`, marked from the index's positions. */
function listMask(index: QueryIndex, column: ListColumn, wanted: readonly string[]): Mask {
  const sites = index.sites.length;
  const positions = index.positionsOf[column];
  if (wanted.length === 1) {
    // One value (`category=Natural`): its sites are the index's list, and a page of them needs no marks at all.
    const list = positions.get(wanted[0] as string) ?? [];
    let marks: Uint8Array | undefined;
    return {
      count: list.length,
      positions: list,
      marks: () => {
        if (marks !== undefined) return marks;
        marks = new Uint8Array(sites);
        for (const position of list) marks[position] = 1;
        return marks;
      },
    };
  }
  const marks = new Uint8Array(sites);
  let count = 0;
  for (const value of wanted) {
    for (const position of positions.get(value) ?? []) {
      count += 1 - (marks[position] as number);
      marks[position] = 1;
    }
  }
  return marked(marks, count);
}

/** Sites holding, for every term, a word that starts with it. */
function searchMask(index: QueryIndex, terms: readonly string[]): Mask {
  const sites = index.sites.length;
  const [first, ...rest] = terms.map((term) => sitesWithPrefix(index.words, term, sites));
  const marks = first ?? new Uint8Array(sites).fill(1);
  for (const other of rest) for (let i = 0; i < sites; i++) marks[i] = (marks[i] as number) & (other[i] as number);
  let count = 0;
  for (let i = 0; i < sites; i++) count += marks[i] as number;
  return marked(marks, count);
}

interface Checks {
  /** Every check but the narrowest mask's. */
  readonly checks: Check[];
  /** The mask that marks the fewest sites, when a filter makes one: only its sites can pass. */
  readonly narrowest: Mask | undefined;
}

const maskCheck =
  (marks: Uint8Array): Check =>
  (_, position) =>
    marks[position] === 1;

function checksOf(index: QueryIndex, f: FilterParams): Checks {
  const { latitudes, longitudes } = index;
  const checks: Check[] = [];
  const masks: Mask[] = [];
  const add = (check: Check) => checks.push(check);
  if (f.unique_number !== undefined) add((site) => site.uniqueNumber === f.unique_number);
  if (f.id_no !== undefined) add((site) => site.idNo === f.id_no);
  for (const [column, wanted] of [
    ['category', f.category],
    ['regions', f.region],
    ['isoCodes', f.iso_code],
    ['states', f.state],
    ['criteria', f.criterion],
  ] as const) {
    if (wanted !== undefined) masks.push(listMask(index, column, wanted));
  }
  if (f.danger !== undefined) add((site) => site.danger === f.danger);
  if (f.transboundary !== undefined) add((site) => site.transboundary === f.transboundary);
  const from = f.inscribed_from;
  if (from !== undefined) add(({ dateInscribed }) => dateInscribed !== null && dateInscribed >= from);
  const to = f.inscribed_to;
  if (to !== undefined) add(({ dateInscribed }) => dateInscribed !== null && dateInscribed <= to);
  if (f.q !== undefined) masks.push(searchMask(index, f.q));
  const box = f.bbox;
  if (box !== undefined) add((_, position) => inBoundingBox(latitudes[position] as number, longitudes[position] as number, box));
  // Only the narrowest mask's sites are visited, so its own check would always pass: it is left
  // out (a page of one list filter then tests nothing per site).
  const [narrowest, ...others] = masks.sort((a, b) => a.count - b.count);
  for (const other of others) add(maskCheck(other.marks()));
  return { checks, narrowest };
}

/** The sites that pass a search's filters, by position, ascending, with their distances from `near` (0 without). */
export interface Passing {
  readonly positions: number[];
  readonly distances: number[];
}

/**
 * Every site that passes the filters. Only the sites that can pass are tested: the one with
 * `unique_number`, found by bisection, or the sites of the narrowest list or `q` filter, skipped
 * over in their mask or, for a list filter of one value, read from the index's list of its sites
 * (testing every site, one function call each, was most of a search's filtering under wrk:
 * `region=Africa` marks 96 sites of 1121).
 */
export function passingSites(index: QueryIndex, f: FilterParams): Passing {
  const { sites } = index;
  const { checks, narrowest } = checksOf(index, f);
  const test = siteTest(index, f, checks);
  let [first, end] = [0, sites.length];
  if (f.unique_number !== undefined) {
    const position = positionOf(sites, f.unique_number);
    [first, end] = position === undefined ? [0, 0] : [position, position + 1];
  }
  const positions: number[] = [];
  const distances: number[] = [];
  const testsNothing = checks.length === 0 && f.near === undefined;
  const candidates = narrowest?.positions;
  if (candidates !== undefined) {
    // Only the narrowest filter's own sites, from the index's list: no pass over every site.
    for (const i of candidates) {
      if (i < first || i >= end) continue;
      const distance = testsNothing ? 0 : test(sites[i] as SearchableSite, i);
      if (distance === undefined) continue;
      positions.push(i);
      distances.push(distance);
    }
    return { positions, distances };
  }
  const marks = narrowest?.marks();
  if (testsNothing) {
    // No filter, or one list or `q` filter: every site (of its mask) passes, without a call to the test.
    for (let i = first; i < end; i++) {
      if (marks !== undefined && marks[i] === 0) continue;
      positions.push(i);
      distances.push(0);
    }
    return { positions, distances };
  }
  for (let i = first; i < end; i++) {
    if (marks !== undefined && marks[i] === 0) continue;
    const distance = test(sites[i] as SearchableSite, i);
    if (distance === undefined) continue;
    positions.push(i);
    distances.push(distance);
  }
  return { positions, distances };
}

/** The filters as one test of a site, which `passingSites` runs on the sites that can pass. */
export function compileFilter(index: QueryIndex, f: FilterParams): SiteTest {
  const { checks, narrowest } = checksOf(index, f);
  return siteTest(index, f, narrowest === undefined ? checks : [...checks, maskCheck(narrowest.marks())]);
}

function siteTest(index: QueryIndex, f: FilterParams, checks: readonly Check[]): SiteTest {
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
