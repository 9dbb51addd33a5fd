/** JSON, CSV and GeoJSON by `format=` or Accept; CSV read back by the test's own reader equals the JSON rows. */
import { expect } from 'chai';
import fc from 'fast-check';
import { expectedCsvCell, looksLikeFormula } from '../helpers/formula-csv.js';
import { expectProblem } from '../helpers/problem.js';
import { readRecords, referenceData } from '../helpers/reference-csv.js';
import { position } from '../helpers/reference-query.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /query formats', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const get = (qs: string, init?: RequestInit) => fetch(`${server.url}/query?${qs}`, init);

  it('CSV read back equals the JSON rows, header included, for random filters and fields (property)', async () => {
    const columns = reference.header;
    const scenario = fc.record({
      fields: fc.option(fc.subarray(columns, { minLength: 1 }), { nil: undefined }),
      region: fc.constantFrom(
        'Africa',
        'Arab States',
        'Asia and the Pacific',
        'Europe and North America',
        'Latin America and the Caribbean',
      ),
      limit: fc.integer({ min: 1, max: 300 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ fields, region, limit }) => {
        const params = new URLSearchParams({ region, limit: String(limit) });
        if (fields !== undefined) params.set('fields', fields.join(','));
        const json = (await (await get(params.toString())).json()) as Record<string, unknown>[];
        params.set('format', 'csv');
        const response = await get(params.toString());
        expect(response.headers.get('content-type')).to.equal('text/csv; charset=utf-8; header=present');
        const text = await response.text();
        expect(text.endsWith('\r\n')).to.equal(true);
        const [header, ...records] = readRecords(text).map((r) => r.fields);
        expect(header).to.deep.equal(fields ?? columns);
        expect(records.map((r) => r.join('\u0000'))).to.deep.equal(
          json.map((row) => (fields ?? columns).map((c) => expectedCsvCell(row[c] as string | number | boolean | null)).join('\u0000')),
        );
      }),
      { numRuns: 25 },
    );
  });

  it("whole rows in CSV are the data file's own cells, a formula behind a quote", async () => {
    const text = await (await get('format=csv&limit=1000&sort=unique_number')).text();
    const [, ...records] = readRecords(text);
    const byId = new Map(reference.records.map((r) => [r.fields[0], r.fields]));
    expect(records).to.have.length(1000);
    for (const record of records) {
      const source = byId.get(record.fields[0]) ?? [];
      // Numbers are re-printed by JavaScript: compare them as numbers, everything else as text.
      record.fields.forEach((cell, i) => {
        const original = looksLikeFormula(source[i] ?? '') ? `'${source[i]}` : (source[i] ?? '');
        if (cell !== original) expect(Number(cell), `${reference.header[i]} of ${record.fields[0]}`).to.equal(Number(original));
      });
    }
  });

  it('GeoJSON is a valid FeatureCollection of [lon, lat] points, null geometry for 0,0', async () => {
    const response = await get('format=geojson&limit=1000&fields=unique_number,name_en');
    expect(response.headers.get('content-type')).to.equal('application/geo+json; charset=utf-8');
    const doc = (await response.json()) as {
      type: string;
      features: {
        type: string;
        id: number;
        geometry: { type: string; coordinates: number[] } | null;
        properties: Record<string, unknown>;
      }[];
    };
    expect(doc.type).to.equal('FeatureCollection');
    expect(doc.features).to.have.length(1000);
    const rows = new Map(reference.rows.map((r) => [r['unique_number'], r]));
    let nullGeometries = 0;
    for (const feature of doc.features) {
      expect(feature.type).to.equal('Feature');
      expect(Object.keys(feature.properties)).to.deep.equal(['unique_number', 'name_en']);
      const row = rows.get(feature.id) ?? {};
      const at = position(row);
      if (at === undefined) {
        expect(feature.geometry).to.equal(null);
        nullGeometries += 1;
        continue;
      }
      expect(feature.geometry?.type).to.equal('Point');
      const [lon, lat] = feature.geometry?.coordinates ?? [];
      expect([lat, lon]).to.deep.equal(at);
      expect(lon).to.be.within(-180, 180);
      expect(lat).to.be.within(-90, 90);
    }
    expect(nullGeometries).to.equal(1);
  });

  it('negotiates by Accept, and format= wins over it', async () => {
    expect((await get('limit=1', { headers: { Accept: 'text/csv' } })).headers.get('content-type')).to.match(/^text\/csv/);
    expect(
      (await get('limit=1', { headers: { Accept: 'application/geo+json, application/json;q=0.5' } })).headers.get('content-type'),
    ).to.match(/^application\/geo\+json/);
    expect((await get('limit=1&format=json', { headers: { Accept: 'text/csv' } })).headers.get('content-type')).to.match(
      /^application\/json/,
    );
    const lookup = await get('unique_number=230', { headers: { Accept: 'text/csv' } });
    expect(lookup.headers.get('content-type')).to.match(/^text\/csv/);
    expect((await lookup.text()).split('\r\n')[1]).to.match(/^230,208,/);
    const vary = (await get('limit=1')).headers.get('vary') ?? '';
    expect(vary.split(/,\s*/)).to.include('Accept');
  });

  it('answers 406 problem+json when nothing offered is acceptable', async () => {
    const problem = await expectProblem(await get('limit=1', { headers: { Accept: 'application/xml' } }), 406, 'NOT_ACCEPTABLE');
    expect(problem.detail).to.include('text/csv');
  });
});
