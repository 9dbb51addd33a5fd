/**
 * What queries test a site against: the few values filters, sorts and facets read, folded list
 * elements, criteria, the map point, and the words `q` searches. Built at load, row by row, from
 * the decoded row, which is then dropped: the row itself is kept only as its JSON body (the
 * dataset's storage). Pages are written from `body` (src/formats); `row` parses it back, for the
 * few callers that need values the index does not keep. A site keeps only what is read per site;
 * what filters match (list elements, criteria, words) lives in the index's columns
 * and postings, and lists of names are shared between the sites that have the same ones.
 */
import type { Spans } from '../data/body-spans.js';
import type { Row } from '../data/row.js';
import { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';
import { criteriaOf } from './criteria.js';
import type { Point } from './geo.js';
import { fold, htmlText, plainText } from './text.js';
import { WordIndexBuilder, type WordIndex } from './word-index.js';

export { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';

/** Where a site's body lives: the dataset's slabs, with where each value lies in it (src/data/body-spans.ts). */
export interface StoredRows {
  body(position: number): Buffer;
  spans(position: number, into: Spans): void;
}

/**
 * Interned lists: a million rows hold a few hundred distinct combinations of regions, states or
 * criteria, so each site points to a shared array instead of holding its own (a `Set` per list
 * and site was most of the index's 1,030 bytes a site at 100,000 rows: docs/large-files.md).
 */
type InternList = (elements: readonly string[]) => readonly string[];

export class SearchableSite {
  readonly uniqueNumber: number;
  readonly idNo: number | null;
  readonly category: Row['category'];
  readonly danger: boolean;
  readonly transboundary: boolean;
  readonly dateInscribed: number | null;
  /** Regions (English) and states (English) as written, for facets. */
  readonly regionNames: readonly string[];
  readonly stateNames: readonly string[];
  /** NaN where the file has no usable position (no coordinates, or the 0,0 placeholder); numbers, not a point object a site. */
  readonly #latitude: number;
  readonly #longitude: number;
  readonly #stored: StoredRows;
  readonly #position: number;

  constructor(row: Row, stored: StoredRows, position: number, internList: InternList) {
    this.uniqueNumber = row.unique_number;
    this.idNo = row.id_no;
    this.category = row.category;
    this.danger = row.danger === true;
    this.transboundary = row.transboundary === true;
    this.dateInscribed = row.date_inscribed;
    this.regionNames = internList([...listElements(row.region_en)]);
    this.stateNames = internList([...listElements(row.states_name_en)]);
    // 0,0 is where the export puts a site it has no position for, not a site in the Gulf of Guinea.
    const located = row.latitude !== null && row.longitude !== null && !(row.latitude === 0 && row.longitude === 0);
    this.#latitude = located ? row.latitude : NaN;
    this.#longitude = located ? row.longitude : NaN;
    this.#stored = stored;
    this.#position = position;
  }

  /** Undefined where the file has no usable position. */
  get point(): Point | undefined {
    return Number.isNaN(this.#latitude) ? undefined : { lat: this.#latitude, lon: this.#longitude };
  }

  /** `[row]` as UTF-8 JSON, the lookup's body: a view into the dataset's storage. */
  get body(): Buffer {
    return this.#stored.body(this.#position);
  }

  /** Where each column's value lies in `body`. */
  readSpans(into: Spans): void {
    this.#stored.spans(this.#position, into);
  }

  /** The whole row, parsed from its body on each call: JSON round-trips these values exactly. */
  get row(): Row {
    const body = this.body;
    return JSON.parse(body.toString('utf8', 1, body.length - 1)) as Row;
  }
}

export interface QueryIndex {
  /** In `unique_number` order: the tie-break of every sort, so the base order is already right. */
  readonly sites: readonly SearchableSite[];
  /** The words of the names and short descriptions (HTML removed, folded), for `q`. */
  readonly words: WordIndex;
  /**
   * For each list column, the positions (in `sites`) of the sites holding each folded element:
   * `region=africa` marks its sites from here rather than asking every site's set (a `has` per
   * site was the largest cost of such a search under wrk).
   */
  readonly positionsOf: Readonly<Record<ListColumn, ReadonlyMap<string, readonly number[]>>>;
  /**
   * Each site's map point as two columns, by position, NaN where it has none: `near` and `bbox`
   * test every site, and reading two packed arrays is several times cheaper than following each
   * site's object to its point (measured on `near` searches under wrk).
   */
  readonly latitudes: Float64Array;
  readonly longitudes: Float64Array;
}

/** Where the site with `uniqueNumber` is in the index's sites, which are in `unique_number` order (bisection). */
export function positionOf(sites: readonly SearchableSite[], uniqueNumber: number): number | undefined {
  let low = 0;
  let high = sites.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sites[middle] as SearchableSite).uniqueNumber < uniqueNumber) low = middle + 1;
    else high = middle;
  }
  return sites[low]?.uniqueNumber === uniqueNumber ? low : undefined;
}

/**
 * The columns of a site that filters test for any of several values: the list columns, and the
 * category (one value a site), whose mask lets a search test only the sites of its categories.
 */
export type ListColumn = 'regions' | 'isoCodes' | 'states' | 'criteria' | 'category';
const LIST_COLUMNS: readonly ListColumn[] = ['regions', 'isoCodes', 'states', 'criteria', 'category'];

/** Per list column, each site's folded elements (interned), in the order the sites were added. */
type ElementsBySite = Record<ListColumn, (readonly string[])[]>;

async function positionsByElement(
  elements: readonly (readonly string[])[],
  order: readonly number[],
  checkpoint: Checkpoint,
): Promise<ReadonlyMap<string, readonly number[]>> {
  const positions = new Map<string, number[]>();
  await forEachSliced(order, checkpoint, (site, position) => {
    for (const element of elements[site] as readonly string[]) {
      const list = positions.get(element);
      if (list === undefined) positions.set(element, [position]);
      else list.push(position);
    }
  });
  return positions;
}

/** The columns `q` searches. */
export const SEARCHED_COLUMNS = [
  'name_en',
  'name_fr',
  'short_description_en',
  'short_description_fr',
] as const satisfies readonly (keyof Row)[];

/** The distinct trimmed, non-empty elements of a comma-separated list cell, as written. */
export function listElements(cell: string | null): Set<string> {
  return new Set(
    (cell ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  );
}

/** Splits aligned list cells (states, ISO codes, regions) into distinct folded elements. */
function foldedList(...cells: (string | null)[]): string[] {
  const elements = new Set<string>();
  for (const cell of cells) {
    for (const element of listElements(cell)) {
      const folded = fold(plainText(element));
      if (folded !== '') elements.add(folded);
    }
  }
  return [...elements];
}

/** Distinct folded words of the names and short descriptions, HTML removed. */
/**
 * The text `q` searches: the searched columns without their tags and entities, as `plainText`
 * gives them but for its collapsed spaces, which the words do not depend on.
 */
function searchedText(row: Row): string {
  return SEARCHED_COLUMNS.map((column) => htmlText(row[column] ?? '')).join(' ');
}

/** Collects the index row by row while a file loads; `build` orders it by `unique_number`. */
export class QueryIndexBuilder {
  readonly #sites: SearchableSite[] = [];
  readonly #words = new WordIndexBuilder();
  readonly #elements: ElementsBySite = { regions: [], isoCodes: [], states: [], criteria: [], category: [] };
  readonly #lists = new Map<string, readonly string[]>();
  readonly #internList: InternList = (elements) => {
    const key = elements.join('\u0000');
    const known = this.#lists.get(key);
    if (known !== undefined) return known;
    // Copies: elements split from a cell would keep the whole cell's text alive.
    const own = Object.freeze(elements.map((e) => Buffer.from(e, 'utf8').toString('utf8')));
    this.#lists.set(key, own);
    return own;
  };

  add(row: Row, stored: StoredRows, position: number): void {
    this.#sites.push(new SearchableSite(row, stored, position, this.#internList));
    const elements = this.#elements;
    elements.regions.push(this.#internList(foldedList(row.region_en, row.region_fr)));
    elements.states.push(this.#internList(foldedList(row.states_name_en, row.states_name_fr)));
    elements.isoCodes.push(this.#internList(foldedList(row.iso_code)));
    elements.criteria.push(this.#internList([...criteriaOf(row)]));
    elements.category.push(this.#internList([row.category]));
    this.#words.addText(searchedText(row));
  }

  /** Asks `checkpoint` between slices of sites and words: at 100,000 rows the build is seconds of work. */
  async build(checkpoint: Checkpoint = NO_PAUSE): Promise<QueryIndex> {
    const order = await this.#order(checkpoint);
    const sites = order.map((i) => this.#sites[i] as SearchableSite);
    const words = await this.#words.build(order, checkpoint);
    const positionsOf: Partial<Record<ListColumn, ReadonlyMap<string, readonly number[]>>> = {};
    for (const column of LIST_COLUMNS) positionsOf[column] = await positionsByElement(this.#elements[column], order, checkpoint);
    const latitudes = Float64Array.from(sites, (site) => site.point?.lat ?? NaN);
    const longitudes = Float64Array.from(sites, (site) => site.point?.lon ?? NaN);
    return { sites, words, positionsOf: positionsOf as QueryIndex['positionsOf'], latitudes, longitudes };
  }

  /**
   * The sites' places in `unique_number` order. Files are mostly in that order already, which one
   * pass finds; otherwise the numbers, distinct, are sorted as a typed array (no comparator calls).
   */
  async #order(checkpoint: Checkpoint): Promise<number[]> {
    const sites = this.#sites;
    let sorted = true;
    for (let i = 1; i < sites.length && sorted; i++)
      sorted = (sites[i - 1] as SearchableSite).uniqueNumber < (sites[i] as SearchableSite).uniqueNumber;
    if (sorted) return sites.map((_, i) => i);
    const placeOf = new Map<number, number>();
    await forEachSliced(sites, checkpoint, (site, i) => placeOf.set(site.uniqueNumber, i));
    return Array.from(Float64Array.from(sites, (site) => site.uniqueNumber).sort(), (n) => placeOf.get(n) as number);
  }
}
