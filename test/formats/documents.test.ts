/**
 * src/formats called directly (the documents as bytes, decoded here as UTF-8) on a real page of
 * matches: the JSON, CSV and GeoJSON documents read back by independent parsers (JSON.parse,
 * csv-parse) equal the rows of the reference CSV reader (test/helpers/reference-csv.ts).
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { COLUMNS } from '../../src/data/row.js';
import { csvDocument } from '../../src/formats/csv.js';
import { geoJsonDocument } from '../../src/formats/geojson.js';
import { jsonArray } from '../../src/formats/json.js';
import { parseSort } from '../../src/query/order.js';
import { runQuery, type Match } from '../../src/query/run.js';
import { expectedCsvCell } from '../helpers/formula-csv.js';
import { bundledIndex } from '../helpers/query-fixture.js';
import { DATA_FILE, referenceData } from '../helpers/reference-csv.js';
import { position, referenceDistanceKm } from '../helpers/reference-query.js';

const { header, rows: fileRows } = referenceData(DATA_FILE);
/** The service answers in unique_number order; the file is in its own. */
const rows = [...fileRows].sort((a, b) => (a['unique_number'] as number) - (b['unique_number'] as number));
const byNumber = new Map(rows.map((row) => [row['unique_number'], row]));

describe('src/formats on the real CSV (unit)', () => {
  let all: readonly Match[];
  let near: readonly Match[];
  const paris: [number, number] = [48.8566, 2.3522];
  before(async () => {
    const index = await bundledIndex();
    const sort = parseSort('unique_number');
    if (sort === undefined) throw new Error('sort');
    all = runQuery(index, { filter: {}, sort, limit: 2000, cursor: undefined, fields: undefined }).page;
    const distance = parseSort('distance_km');
    if (distance === undefined) throw new Error('sort');
    near = runQuery(index, {
      filter: { near: { lat: paris[0], lon: paris[1] }, radius_km: 500 },
      sort: distance,
      limit: 2000,
      cursor: undefined,
      fields: undefined,
    }).page;
  });

  it('jsonArray of whole rows parses to the reference rows, keys in file order', () => {
    const parsed = JSON.parse(jsonArray(all, undefined).toString('utf8')) as Record<string, unknown>[];
    expect(parsed).to.deep.equal(rows);
    expect(Object.keys(parsed[0] ?? {})).to.deep.equal(header);
  });

  it('jsonArray with fields and near adds distance_km, rounded to metres, from an independent distance', () => {
    const parsed = JSON.parse(jsonArray(near, ['unique_number', 'distance_km']).toString('utf8')) as {
      unique_number: number;
      distance_km: number;
    }[];
    expect(parsed.length).to.be.greaterThan(5);
    for (const { unique_number: n, distance_km: km } of parsed) {
      const at = position(byNumber.get(n) ?? {});
      if (at === undefined) throw new Error(`${n} has no position`);
      expect(km).to.be.closeTo(referenceDistanceKm(paris, at), 0.002);
    }
  });

  it('csvDocument reads back with csv-parse as the header and every cell as the file writes it, formulas behind a quote', () => {
    const text = csvDocument(all, COLUMNS).toString('utf8');
    expect(text.endsWith('\r\n')).to.equal(true);
    const [head, ...records]: string[][] = parse(text);
    expect(head).to.deep.equal(header);
    // Text a spreadsheet would run (the real file's one: rev_bis "-894 Rev") gains a leading quote.
    expect(records.flat()).to.include("'-894 Rev").and.include('-257');
    expect(records).to.deep.equal(
      rows.map((row) => header.map((column) => expectedCsvCell(row[column] as string | number | boolean | null))),
    );
  });

  it('geoJsonDocument has one feature per row, [lon, lat] or null geometry for the 0,0 placeholder and missing positions', () => {
    const doc = JSON.parse(geoJsonDocument(all, ['name_en']).toString('utf8')) as {
      type: string;
      features: { id: number; geometry: { coordinates: [number, number] } | null; properties: Record<string, unknown> }[];
    };
    expect(doc.type).to.equal('FeatureCollection');
    expect(doc.features.map((f) => f.id)).to.deep.equal(rows.map((row) => row['unique_number']));
    for (const feature of doc.features) {
      const row = byNumber.get(feature.id) ?? {};
      const at = position(row);
      expect(feature.geometry?.coordinates ?? null).to.deep.equal(at === undefined ? null : [at[1], at[0]]);
      expect(feature.properties).to.deep.equal({ name_en: row['name_en'] });
    }
  });
});
