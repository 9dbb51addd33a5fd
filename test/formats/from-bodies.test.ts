/**
 * Pages are written from the rows' stored JSON bodies without parsing them (src/formats). The
 * oracles are independent of that code: csv-parse reads the CSV back, JSON.parse reads JSON
 * and GeoJSON back, and both must give the row's own values, for the real file's rows and for
 * rows whose text holds everything that needs escaping in JSON or quoting in CSV.
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { csvDocument } from '../../src/formats/csv.js';
import { geoJsonDocument } from '../../src/formats/geojson.js';
import { jsonArray } from '../../src/formats/json.js';
import { DatasetBuilder } from '../../src/data/dataset.js';
import { COLUMNS, type Row } from '../../src/data/row.js';
import type { OutputField } from '../../src/query/parameters.js';
import type { Match } from '../../src/query/run.js';
import type { QueryIndex } from '../../src/query/searchable-site.js';
import { expectedCsvCell } from '../helpers/formula-csv.js';
import { bundledDataset } from '../helpers/query-fixture.js';

const NASTY = [
  'a,b',
  'say "hi"',
  'line\nbreak',
  'cr\r\nlf',
  'back\\slash',
  'tab\there',
  '\u0001ctl',
  'é€😀',
  '"',
  ',',
  '',
  ' spaced ',
  'lone \ud800 surrogate',
  '\\"',
  'x\\',
  '=1+2',
  '\t=tab first',
  '@SUM("a,b")',
  '-894 Rev',
  '-257',
];

/**
 * As the source file writes a value in CSV (flags 1/0, nulls empty): what csv-parse must read
 * back. CSV is UTF-8 bytes, where a lone surrogate can only be U+FFFD (JSON keeps it escaped).
 * Text a spreadsheet would run as a formula is read back behind a single quote.
 */
const csvCell = (value: Row[keyof Row]): string => expectedCsvCell(value).replace(/[\ud800-\udfff]/gu, '\ufffd');

function matchesOf(index: QueryIndex, distance?: (i: number) => number): Match[] {
  return index.sites.map((site, i) => ({ site, distanceKm: distance?.(i), key: null, uniqueNumber: site.uniqueNumber }));
}

async function nastyIndex(): Promise<{ rows: Row[]; index: QueryIndex }> {
  const real = (await bundledDataset()).rows;
  const builder = new DatasetBuilder();
  const rows = NASTY.map((text, i) => {
    const base = real[i] as Row;
    return {
      ...base,
      unique_number: 900_000 + i,
      name_en: text === '' ? 'x' : text,
      short_description_fr: text,
      justification_en: i % 2 ? null : text,
      iso_code: text,
      area_hectares: i % 3 ? null : 0.1 + i * 1e-9,
      danger: i % 2 === 0,
    };
  });
  rows.forEach((row) => builder.add(row));
  return { rows, index: (await builder.build({ id: 'f'.repeat(64), loadedAt: new Date(0), file: 'nasty.csv' })).index };
}

describe('pages written from stored bodies', () => {
  for (const source of ['the bundled file', 'text that needs escaping']) {
    describe(source, () => {
      let rows: Row[];
      let index: QueryIndex;
      before(async () => {
        if (source === 'the bundled file') {
          const dataset = await bundledDataset();
          rows = [...dataset.rows].sort((a, b) => a.unique_number - b.unique_number);
          index = dataset.index;
        } else ({ rows, index } = await nastyIndex());
      });

      it("CSV read back by csv-parse is every row's values, whole rows and chosen fields with distance", () => {
        const whole = parse(csvDocument(matchesOf(index), COLUMNS), { relax_quotes: false });
        expect(whole[0]).to.deep.equal([...COLUMNS]);
        expect(whole.slice(1)).to.deep.equal(rows.map((row) => COLUMNS.map((c) => csvCell(row[c]))));
        const fields: OutputField[] = ['name_en', 'distance_km', 'iso_code', 'danger', 'area_hectares', 'name_en'];
        const chosen = parse(
          csvDocument(
            matchesOf(index, (i) => i * 1.23456789),
            fields,
          ),
        );
        expect(chosen.slice(1)).to.deep.equal(
          rows.map((row, i) =>
            fields.map((f) => (f === 'distance_km' ? String(Math.round(i * 1.23456789 * 1000) / 1000) : csvCell(row[f]))),
          ),
        );
      });

      it('JSON pages parse back to the rows, whole and with chosen fields', () => {
        expect(JSON.parse(jsonArray(matchesOf(index), undefined).toString('utf8'))).to.deep.equal(rows);
        const fields: OutputField[] = ['iso_code', 'unique_number', 'distance_km', 'iso_code'];
        const chosen = JSON.parse(jsonArray(matchesOf(index), fields).toString('utf8')) as Record<string, unknown>[];
        expect(chosen).to.deep.equal(rows.map((row) => ({ iso_code: row.iso_code, unique_number: row.unique_number, distance_km: null })));
        expect(Object.keys(chosen[0] ?? {})).to.deep.equal(['iso_code', 'unique_number', 'distance_km']);
        const near = JSON.parse(
          jsonArray(
            matchesOf(index, (i) => i / 3),
            undefined,
          ).toString('utf8'),
        ) as Record<string, unknown>[];
        expect(near).to.deep.equal(rows.map((row, i) => ({ ...row, distance_km: Math.round((i / 3) * 1000) / 1000 })));
      });

      it('GeoJSON properties parse back to the chosen values', () => {
        const fields: OutputField[] = ['name_en', 'short_description_fr', 'latitude'];
        const doc = JSON.parse(geoJsonDocument(matchesOf(index), fields).toString('utf8')) as {
          type: string;
          features: { id: number; properties: Record<string, unknown> }[];
        };
        expect(doc.type).to.equal('FeatureCollection');
        expect(doc.features.map((f) => f.id)).to.deep.equal(rows.map((r) => r.unique_number));
        expect(doc.features.map((f) => f.properties)).to.deep.equal(
          rows.map((r) => ({ name_en: r.name_en, short_description_fr: r.short_description_fr, latitude: r.latitude })),
        );
      });
    });
  }
});
