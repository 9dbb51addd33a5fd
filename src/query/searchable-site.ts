/**
 * What queries test a site against: the few values filters, sorts and facets read, folded list
 * elements, criteria, the map point, and the words `q` searches. Built at load, row by row, from
 * the decoded row, which is then dropped: the row itself is kept only as its JSON body (the
 * dataset's storage). Pages are written from `body` (src/formats); `row` parses it back, for the
 * few callers that need values the index does not keep.
 */
import type { Spans } from '../data/body-spans.js';
import type { Row } from '../data/row.js';
import { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';
import { criteriaOf, type Criterion } from './criteria.js';
import type { Point } from './geo.js';
import { fold, plainText, words } from './text.js';
import { buildWordIndex, type WordIndex } from './word-index.js';

export { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';

/** Where a site's body lives: the dataset's slabs, with where each value lies in it (src/data/body-spans.ts). */
export interface StoredRows {
  body(position: number): Buffer;
  spans(position: number, into: Spans): void;
}

/** One shared empty set: most sites have one region and one state, many none of some lists. */
const NONE: ReadonlySet<never> = new Set<never>();
/** Interned strings: a million rows hold a few hundred distinct names, not millions of copies. */
type Intern = (s: string) => string;

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
  /** Folded, English and French: what `region`, `state` and `iso_code` match. */
  readonly regions: ReadonlySet<string>;
  readonly states: ReadonlySet<string>;
  readonly isoCodes: ReadonlySet<string>;
  readonly criteria: ReadonlySet<Criterion>;
  /** Undefined where the file has no usable position (no coordinates, or the 0,0 placeholder). */
  readonly point: Point | undefined;
  readonly #stored: StoredRows;
  readonly #position: number;

  constructor(row: Row, stored: StoredRows, position: number, intern: Intern) {
    this.uniqueNumber = row.unique_number;
    this.idNo = row.id_no;
    this.category = row.category;
    this.danger = row.danger === true;
    this.transboundary = row.transboundary === true;
    this.dateInscribed = row.date_inscribed;
    this.regionNames = [...listElements(row.region_en)].map(intern);
    this.stateNames = [...listElements(row.states_name_en)].map(intern);
    this.regions = foldedList(intern, row.region_en, row.region_fr);
    this.states = foldedList(intern, row.states_name_en, row.states_name_fr);
    this.isoCodes = foldedList(intern, row.iso_code);
    this.criteria = criteriaOf(row);
    this.point = pointOf(row);
    this.#stored = stored;
    this.#position = position;
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

const elementsOf = (site: SearchableSite, column: ListColumn): Iterable<string> => (column === 'category' ? [site.category] : site[column]);

async function positionsByElement(
  sites: readonly SearchableSite[],
  column: ListColumn,
  checkpoint: Checkpoint,
): Promise<ReadonlyMap<string, readonly number[]>> {
  const positions = new Map<string, number[]>();
  await forEachSliced(sites, checkpoint, (site, position) => {
    for (const element of elementsOf(site, column)) {
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

/** Splits aligned list cells (states, ISO codes, regions) into folded elements. */
function foldedList(intern: Intern, ...cells: (string | null)[]): ReadonlySet<string> {
  const elements = new Set<string>();
  for (const cell of cells) {
    for (const element of listElements(cell)) {
      const folded = fold(plainText(element));
      if (folded !== '') elements.add(intern(folded));
    }
  }
  return elements.size === 0 ? NONE : elements;
}

/** 0,0 is where the export puts a site it has no position for, not a site in the Gulf of Guinea. */
function pointOf(row: Row): Point | undefined {
  if (row.latitude === null || row.longitude === null) return undefined;
  if (row.latitude === 0 && row.longitude === 0) return undefined;
  return { lat: row.latitude, lon: row.longitude };
}

/** Distinct folded words of the names and short descriptions, HTML removed. */
function searchedWords(row: Row): string[] {
  return words(SEARCHED_COLUMNS.map((column) => plainText(row[column] ?? '')).join(' '));
}

/** Collects the index row by row while a file loads; `build` orders it by `unique_number`. */
export class QueryIndexBuilder {
  readonly #sites: SearchableSite[] = [];
  readonly #words: (readonly string[])[] = [];
  readonly #strings = new Map<string, string>();
  readonly #intern: Intern = (s) => {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  };

  add(row: Row, stored: StoredRows, position: number): void {
    this.#sites.push(new SearchableSite(row, stored, position, this.#intern));
    this.#words.push([...new Set(searchedWords(row))].map(this.#intern));
  }

  /** Asks `checkpoint` between sites and words: at 100,000 rows the build is seconds of work. */
  async build(checkpoint: Checkpoint = NO_PAUSE): Promise<QueryIndex> {
    const order = await this.#order(checkpoint);
    const sites = order.map((i) => this.#sites[i] as SearchableSite);
    const words = await buildWordIndex(
      order.map((i) => this.#words[i] as readonly string[]),
      checkpoint,
    );
    this.#words.length = 0;
    const positionsOf: Partial<Record<ListColumn, ReadonlyMap<string, readonly number[]>>> = {};
    for (const column of LIST_COLUMNS) positionsOf[column] = await positionsByElement(sites, column, checkpoint);
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
