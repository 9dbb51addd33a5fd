/**
 * Facets computed directly on the bundled data, against counts made here from the CSV as
 * csv-parse reads it (plain records, no codec of the service): totals, categories, regions,
 * states and danger, with and without filters.
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { computeStats, type FacetCount } from '../../src/query/stats.js';
import type { QueryIndex } from '../../src/query/searchable-site.js';
import { bundledIndex, decodeParams } from '../helpers/query-fixture.js';
import { DATA_FILE } from '../helpers/reference-csv.js';

type Record = { [column: string]: string };
const records = parse<Record>(readFileSync(DATA_FILE), { bom: true, columns: true });

/** Most frequent first, then by value: the order the API documents for facets. */
function tally<V extends string | boolean>(values: V[]): FacetCount<V>[] {
  const counts = new Map<V, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
const listOf = (cell: string | undefined) => [
  ...new Set(
    (cell ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  ),
];

function expectedStats(selected: Record[]) {
  return {
    total: selected.length,
    facets: {
      category: tally(selected.map((r) => r['category'] ?? '')),
      region: tally(selected.flatMap((r) => listOf(r['region_en']))),
      state: tally(selected.flatMap((r) => listOf(r['states_name_en']))),
      danger: tally(selected.map((r) => r['danger'] === '1')),
    },
  };
}

describe('computeStats (unit, bundled data)', () => {
  let index: QueryIndex;
  before(async () => (index = await bundledIndex()));

  it('counts every site of the file under its category, regions, states and danger status', () => {
    expect(records).to.have.length(1121);
    expect(computeStats(index, {})).to.deep.equal(expectedStats(records));
  });

  it('counts only the sites a filter selects', () => {
    const cases: [string, (r: Record) => boolean][] = [
      ['danger=true', (r) => r['danger'] === '1'],
      ['category=Natural,Mixed', (r) => r['category'] === 'Natural' || r['category'] === 'Mixed'],
      ['inscribed_from=2010&transboundary=true', (r) => Number(r['date_inscribed']) >= 2010 && r['transboundary'] === '1'],
      ['iso_code=it', (r) => listOf(r['iso_code']).includes('it')],
    ];
    for (const [query, select] of cases) {
      const selected = records.filter(select);
      expect(selected, query).to.not.be.empty;
      expect(computeStats(index, decodeParams(new URLSearchParams(query))), query).to.deep.equal(expectedStats(selected));
    }
  });

  it('answers a total of 0 and no facets for a filter that selects nothing', () => {
    expect(computeStats(index, decodeParams(new URLSearchParams('q=zzzzqqq')))).to.deep.equal({
      total: 0,
      facets: { category: [], region: [], state: [], danger: [] },
    });
  });
});
