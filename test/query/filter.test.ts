/**
 * `passingSites` (what searches and facets run) and `compileFilter`, called directly on the
 * bundled data's index, against the independent model of
 * `reference-query.ts` over the hand-read CSV: hand-picked cases for every filter, then random
 * combinations drawn from values the data holds (fast-check), so most draws select something.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { compileFilter, passingSites } from '../../src/query/filter.js';
import type { QueryIndex } from '../../src/query/searchable-site.js';
import { bundledIndex, decodeParams } from '../helpers/query-fixture.js';
import { referenceData } from '../helpers/reference-csv.js';
import { filterParams, referenceMatch, type Filters } from '../helpers/reference-query.js';

const reference = referenceData();
const column = (name: string) => reference.rows.map((row) => row[name]).filter((v): v is string => typeof v === 'string' && v !== '');
const elementsOf = (name: string) =>
  [...new Set(column(name).flatMap((cell) => cell.split(',').map((e) => e.trim())))].filter(
    (e) => e !== '' && !e.includes('<') && !e.includes('&'),
  );

/** One to three filters whose values come from the data: states, regions, codes and name words that exist. */
const oneFilter = {
  category: fc.subarray(['Cultural', 'Natural', 'Mixed'], { minLength: 1 }),
  region: fc.subarray(elementsOf('region_en'), { minLength: 1, maxLength: 2 }),
  state: fc.subarray(elementsOf('states_name_en'), { minLength: 1, maxLength: 3 }),
  iso_code: fc.subarray(elementsOf('iso_code'), { minLength: 1, maxLength: 3 }),
  danger: fc.boolean(),
  transboundary: fc.boolean(),
  inscribed_from: fc.integer({ min: 1978, max: 2019 }),
  criterion: fc.subarray(['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'], { minLength: 1, maxLength: 2 }),
  q: fc
    .constantFrom(
      ...column('name_en')
        .flatMap((name) => name.split(/[^A-Za-z]+/))
        .filter((w) => w.length >= 4),
    )
    .map((word) => word.slice(0, 4)),
  bbox: fc
    .tuple(
      fc.integer({ min: -180, max: 170 }),
      fc.integer({ min: -60, max: 50 }),
      fc.integer({ min: 5, max: 90 }),
      fc.integer({ min: 5, max: 40 }),
    )
    .map(([lon, lat, width, height]): [number, number, number, number] => [
      lon,
      lat,
      lon + width > 180 ? lon + width - 360 : lon + width,
      Math.min(90, lat + height),
    ]),
};
const dataFilters: fc.Arbitrary<Filters> = fc
  .array(
    fc.oneof(...Object.entries(oneFilter).map(([name, value]) => (value as fc.Arbitrary<unknown>).map((v): Filters => ({ [name]: v })))),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => Object.assign({}, ...parts) as Filters);

/** The sites `passingSites` finds, in its order. */
function compiledIds(index: QueryIndex, f: Filters): number[] {
  return passingSites(index, decodeParams(filterParams(f))).positions.map((position) => index.sites[position]?.uniqueNumber ?? NaN);
}

const expectedIds = (f: Filters) =>
  reference.rows
    .filter((row) => referenceMatch(row, f) !== undefined)
    .map((row) => row['unique_number'] as number)
    .sort((a, b) => a - b);

describe('compileFilter (unit, bundled data)', () => {
  let index: QueryIndex;
  before(async () => (index = await bundledIndex()));

  const cases: [string, Filters][] = [
    ['no filter: every site', {}],
    ['unique_number', { unique_number: 230 }],
    ['id_no', { id_no: 208 }],
    ['category, any of', { category: ['Natural', 'Mixed'] }],
    ['region by its French name, accents folded', { region: ['etats arabes'] }],
    ['iso_code of a transboundary site', { iso_code: ['sk'] }],
    ['state by English and French names', { state: ["Côte d'Ivoire", 'Allemagne'] }],
    ['danger and transboundary', { danger: true, transboundary: false }],
    ['inscription years', { inscribed_from: 1990, inscribed_to: 1995 }],
    ['criterion, any of', { criterion: ['viii', 'ix'] }],
    ['q, word prefixes, all of them', { q: 'histori cent' }],
    ['q, an accented French word', { q: 'vallée' }],
    ['bbox across the 180th meridian', { bbox: [170, -50, -170, 0] }],
    ['near with a radius', { near: [41.9, 12.5], radius_km: 300 }],
  ];
  for (const [name, filters] of cases) {
    it(`${name}: ${filterParams(filters).toString() || '(none)'}`, () => {
      const expected = expectedIds(filters);
      expect(expected, 'the case selects something').to.not.be.empty;
      expect(compiledIds(index, filters)).to.deep.equal(expected);
    });
  }

  it('selects what the model selects for random combinations of filters (property)', () => {
    let selecting = 0;
    fc.assert(
      fc.property(dataFilters, (f) => {
        const expected = expectedIds(f);
        if (expected.length > 0) selecting += 1;
        expect(compiledIds(index, f), filterParams(f).toString()).to.deep.equal(expected);
      }),
      { numRuns: 150 },
    );
    expect(selecting, 'draws that select at least one site').to.be.at.least(15);
  });

  it('finds every site the whole test passes, with its distance, testing only those that can pass (property)', () => {
    fc.assert(
      fc.property(dataFilters, fc.option(fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: -180, max: 180 }))), (f, near) => {
        const params = decodeParams(filterParams(near === null ? f : { ...f, near, radius_km: 5000 }));
        const test = compileFilter(index, params);
        const expected = index.sites.flatMap((site, position) => {
          const distance = test(site, position);
          return distance === undefined ? [] : [[position, distance]];
        });
        const { positions, distances } = passingSites(index, params);
        expect(
          positions.map((position, i) => [position, distances[i]]),
          filterParams(f).toString(),
        ).to.deep.equal(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('returns the distance from near, as the model computes it, and undefined outside the radius', () => {
    const byNumber = new Map(reference.rows.map((row) => [row['unique_number'] as number, row]));
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 50, max: 3000 }),
        (lat, lon, radius) => {
          const f: Filters = { near: [Number(lat.toFixed(4)), Number(lon.toFixed(4))], radius_km: radius };
          const test = compileFilter(index, decodeParams(filterParams(f)));
          // Every site, the differences reported together: an assertion a site took most of this test's time.
          const wrong = index.sites.flatMap((site, position) => {
            const model = referenceMatch(byNumber.get(site.uniqueNumber) ?? {}, f);
            const distance = test(site, position);
            const agrees =
              model === undefined ? distance === undefined : distance !== undefined && Math.abs(distance - (model.distance ?? NaN)) <= 1e-6;
            return agrees ? [] : [`site ${site.uniqueNumber}: ${distance}, the model ${model === undefined ? 'out' : model.distance}`];
          });
          expect(wrong).to.deep.equal([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
