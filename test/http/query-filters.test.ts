/**
 * Filters on the real data, against the independent model in `reference-query.ts`: every case
 * compares the set of `unique_number`s the API answers with the rows the model selects.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { expectProblem } from '../helpers/problem.js';
import { referenceData } from '../helpers/reference-csv.js';
import { filterParams, referenceMatch, type Filters } from '../helpers/reference-query.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /query filters', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function idsFor(f: Filters): Promise<{ ids: number[]; total: number }> {
    const params = filterParams(f);
    params.set('limit', '1000');
    params.set('fields', 'unique_number');
    const response = await fetch(`${server.url}/query?${params.toString()}`);
    expect(response.status, await response.clone().text()).to.equal(200);
    const rows = (await response.json()) as { unique_number: number }[];
    return { ids: rows.map((r) => r.unique_number), total: Number(response.headers.get('x-total-count')) };
  }
  const expectedIds = (f: Filters) =>
    reference.rows
      .filter((row) => referenceMatch(row, f) !== undefined)
      .map((row) => row['unique_number'] as number)
      .sort((a, b) => a - b);

  const cases: [string, Filters, number?][] = [
    ['category, case-insensitive, any of a list', { category: ['natural', 'MIXED'] }],
    ['region in English', { region: ['Africa'] }],
    ['region in French, accents folded', { region: ['etats arabes'] }],
    ['iso_code matches any state of a transboundary site', { iso_code: ['SK'] }],
    ['state, whole names, accent-insensitive', { state: ["cote d'ivoire", 'Peru'] }],
    ['state by its French name', { state: ['Allemagne'] }],
    ['danger', { danger: true }],
    ['not in danger, transboundary', { danger: false, transboundary: true }],
    ['inscribed between two years', { inscribed_from: 2000, inscribed_to: 2005 }],
    ['criterion, any of', { criterion: ['vii', 'X'] }],
    ['q: two words, any order, accent-insensitive', { q: 'Cathedrale Notre' }],
    ['q: French words with raw accents', { q: 'vallée bamiyan' }],
    ['q: a word some French texts spell with an entity (p&eacute;riode)', { q: 'periode' }],
    ['q: a word prefix', { q: 'buddhis' }],
    ['bbox', { bbox: [-10, 35, 5, 44] }],
    ['bbox across the 180th meridian', { bbox: [170, -50, -170, 0] }],
    ['near with a radius', { near: [48.8566, 2.3522], radius_km: 150 }],
    ['near across the 180th meridian', { near: [-17.7, 179.9], radius_km: 1500 }],
    ['id_no', { id_no: 208 }],
    ['combined filters', { region: ['Europe and North America'], criterion: ['i'], inscribed_from: 2010, danger: false }],
  ];
  for (const [name, filters] of cases) {
    it(`${name}: ${filterParams(filters).toString()}`, async () => {
      const expected = expectedIds(filters);
      expect(expected, 'the case selects something').to.not.be.empty;
      const { ids, total } = await idsFor(filters);
      if (filters.near === undefined) expect(ids).to.deep.equal(expected);
      else expect([...ids].sort((a, b) => a - b)).to.deep.equal(expected);
      expect(total).to.equal(expected.length);
    });
  }

  it('unique_number as a search filter: the one site or none, alone or with other filters, for every id and the gaps around them', async () => {
    const ids = reference.rows.map((row) => row['unique_number'] as number).sort((a, b) => a - b);
    const probes = [...new Set([0, 1, ...ids.flatMap((id) => [id - 1, id, id + 1]), (ids.at(-1) ?? 0) + 1000])].filter((id) => id > 0);
    for (const [i, id] of probes.entries()) {
      // Each probe with a second filter, so both the lone filter and a combination are searched;
      // a category of one value (its sites read from the index's list) in turn Natural and Cultural.
      const second: Filters[] = [{ danger: false }, { inscribed_from: 1978 }, { category: [i % 2 === 0 ? 'Natural' : 'Cultural'] }];
      const f: Filters = { unique_number: id, ...second[i % 3] };
      const { ids: got, total } = await idsFor(f);
      expect(got, `unique_number=${id}`).to.deep.equal(expectedIds(f));
      expect(total).to.equal(got.length);
    }
  });

  it('leaves the 0,0 placeholder out of geo results', async () => {
    const placeholder = reference.rows.find((r) => r['latitude'] === 0 && r['longitude'] === 0);
    expect(placeholder, 'the file has a site at 0,0').to.not.equal(undefined);
    const { ids } = await idsFor({ near: [0, 0], radius_km: 500 });
    expect(ids).to.not.include(placeholder?.['unique_number']);
    const inBox = await idsFor({ bbox: [-1, -1, 1, 1] });
    expect(inBox.ids).to.deep.equal([]);
  });

  it('sorts near results nearest first, each with its distance_km', async () => {
    const near: [number, number] = [41.9, 12.5];
    const response = await fetch(`${server.url}/query?near=${near.join(',')}&radius_km=300&fields=unique_number,distance_km`);
    const rows = (await response.json()) as { unique_number: number; distance_km: number }[];
    expect(rows.length).to.be.greaterThan(5);
    for (const row of rows) {
      const expected = referenceMatch(reference.rows.find((r) => r['unique_number'] === row.unique_number) ?? {}, { near });
      expect(row.distance_km).to.be.closeTo(expected?.distance ?? NaN, 0.002);
    }
    const distances = rows.map((r) => r.distance_km);
    expect(distances).to.deep.equal([...distances].sort((a, b) => a - b));
  });

  it('agrees with the model on random filter combinations (property)', async () => {
    const pick = <T>(values: T[]) => fc.constantFrom(...values);
    const regions = [...new Set(reference.rows.flatMap((r) => String((r['region_en'] as string | null) ?? '').split(',')))].filter(
      (r) => r !== '',
    );
    const isoCodes = [...new Set(reference.rows.flatMap((r) => String((r['iso_code'] as string | null) ?? '').split(',')))].filter(
      (c) => c !== '',
    );
    const words = ['temple', 'national', 'park', 'église', 'ville', 'roman', 'forest', 'islands', 'ancient'];
    const filters = fc.record(
      {
        category: fc.subarray(['Cultural', 'natural', 'MIXED'], { minLength: 1 }),
        region: fc.subarray(regions, { minLength: 1, maxLength: 2 }),
        iso_code: fc.array(pick(isoCodes), { minLength: 1, maxLength: 4 }),
        danger: fc.boolean(),
        transboundary: fc.boolean(),
        inscribed_from: fc.integer({ min: 1978, max: 2019 }),
        criterion: fc.subarray(['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'], { minLength: 1, maxLength: 3 }),
        q: pick(words),
        bbox: fc.tuple(
          fc.integer({ min: -180, max: 180 }),
          fc.integer({ min: -90, max: 0 }),
          fc.integer({ min: -180, max: 180 }),
          fc.integer({ min: 0, max: 90 }),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, async (f) => {
        const { ids } = await idsFor({ ...f, iso_code: f.iso_code === undefined ? undefined : [...new Set(f.iso_code)] } as Filters);
        expect(ids).to.deep.equal(expectedIds(f));
      }),
      { numRuns: 60 },
    );
  });

  describe('answers 400 naming the parameter', () => {
    const bad: [string, string][] = [
      ['category', 'category=Industrial'],
      ['category', 'category=Natural,,Mixed'],
      ['iso_code', 'iso_code=fra'],
      ['danger', 'danger=yes'],
      ['inscribed_from', 'inscribed_from=2010&inscribed_to=2000'],
      ['inscribed_to', 'inscribed_to=20x0'],
      ['criterion', 'criterion=xi'],
      ['q', 'q=%20%2C%2C'],
      ['bbox', 'bbox=1,2,3'],
      ['bbox', 'bbox=0,10,10,5'],
      ['bbox', 'bbox=0,0,200,10'],
      ['near', 'near=91,0'],
      ['radius_km', 'radius_km=10'],
      ['radius_km', 'near=0,0&radius_km=0'],
      ['sort', 'sort=colour'],
      ['sort', 'sort=distance_km'],
      ['limit', 'limit=1001'],
      ['limit', 'limit=0'],
      ['cursor', 'cursor=not-a-cursor'],
      ['fields', 'fields=unique_number,colour'],
      ['fields', 'fields=name_en,name_en'],
      ['fields', 'fields=distance_km'],
      ['format', 'format=xml'],
    ];
    for (const [parameter, qs] of bad) {
      it(`${qs}`, async () => {
        const problem = await expectProblem(await fetch(`${server.url}/query?${qs}`), 400, 'INVALID_PARAMETER');
        const errors = problem['errors'] as { parameter: string }[];
        expect(errors.map((e) => e.parameter)).to.include(parameter);
        expect(problem.detail).to.include(parameter);
      });
    }
  });
});
