/**
 * What queries test a site against, prepared once per dataset: folded list elements, criteria,
 * search words and the map point. Built on the first query that needs it, not at load, so
 * start-up and `/query?unique_number=` lookups pay nothing for it.
 */
import type { Dataset } from '../data/dataset.js';
import type { Row } from '../data/row.js';
import { criteriaOf, type Criterion } from './criteria.js';
import type { Point } from './geo.js';
import { fold, plainText, words } from './text.js';
import { buildWordIndex, type WordIndex } from './word-index.js';

export interface SearchableSite {
  readonly row: Row;
  /** The row as JSON, as `/query` sends it. */
  readonly json: string;
  readonly category: string;
  readonly regions: ReadonlySet<string>;
  /** English and French names of the states parties, folded. */
  readonly states: ReadonlySet<string>;
  readonly isoCodes: ReadonlySet<string>;
  readonly criteria: ReadonlySet<Criterion>;
  /** Undefined where the file has no usable position (no coordinates, or the 0,0 placeholder). */
  readonly point: Point | undefined;
}

export interface QueryIndex {
  readonly dataset: Dataset;
  /** In `unique_number` order: the tie-break of every sort, so the base order is already right. */
  readonly sites: readonly SearchableSite[];
  /** The words of the names and short descriptions (HTML removed, folded), for `q`. */
  readonly words: WordIndex;
}

/** The columns `q` searches. */
export const SEARCHED_COLUMNS = ['name_en', 'name_fr', 'short_description_en', 'short_description_fr'] as const satisfies readonly (keyof Row)[];

/** Splits a comma-separated list cell (states, ISO codes, regions are aligned lists) into folded elements. */
function foldedList(...cells: (string | null)[]): Set<string> {
  const elements = new Set<string>();
  for (const cell of cells) {
    for (const element of listElements(cell)) {
      const folded = fold(plainText(element));
      if (folded !== '') elements.add(folded);
    }
  }
  return elements;
}

/** The distinct trimmed, non-empty elements of a comma-separated list cell, as written. */
export function listElements(cell: string | null): Set<string> {
  return new Set((cell ?? '').split(',').map((e) => e.trim()).filter((e) => e !== ''));
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

function searchableSite(row: Row): SearchableSite {
  return {
    row,
    json: JSON.stringify(row),
    category: fold(row.category),
    regions: foldedList(row.region_en, row.region_fr),
    states: foldedList(row.states_name_en, row.states_name_fr),
    isoCodes: foldedList(row.iso_code),
    criteria: criteriaOf(row),
    point: pointOf(row),
  };
}

const indexes = new WeakMap<Dataset, QueryIndex>();

export function queryIndexOf(dataset: Dataset): QueryIndex {
  let index = indexes.get(dataset);
  if (index === undefined) {
    const rows = [...dataset.rows].sort((a, b) => a.unique_number - b.unique_number);
    index = { dataset, sites: rows.map(searchableSite), words: buildWordIndex(rows.map(searchedWords)) };
    indexes.set(dataset, index);
  }
  return index;
}
