/**
 * CSV answers carry no spreadsheet formula (CSV injection, issue 24): a real server on a data file
 * of real rows with formulas planted in text cells (test/helpers/formula-csv.ts). The CSV is read
 * back by the hand-written reader of test/helpers/reference-csv.ts; JSON keeps the text as is.
 */
import { expect } from 'chai';
import { ATTACKS, PLAIN_NUMBERS, looksLikeFormula, writeFormulaFile, type FormulaFile } from '../helpers/formula-csv.js';
import { readRecords } from '../helpers/reference-csv.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /query?format=csv with formulas in the data', () => {
  let dir: TempDir;
  let planted: FormulaFile;
  let server: TestServer;
  before(async () => {
    dir = tempDir();
    planted = writeFormulaFile(dir);
    server = await startTestServer({ dataFile: planted.file });
  });
  after(async () => {
    await server.close();
    dir.remove();
  });

  const csvOf = async (query: string) => {
    const response = await fetch(`${server.url}/query?${query}&format=csv`);
    expect(response.status).to.equal(200);
    const [head, ...rows] = readRecords(await response.text()).map((r) => r.fields);
    return { head: head ?? [], rows };
  };

  it('writes each formula behind a single quote, and plain numbers (-257) as they are', async () => {
    const { head, rows } = await csvOf('limit=1000');
    for (const cell of planted.cells) {
      const row = rows.find((r) => r[head.indexOf('unique_number')] === String(cell.unique_number));
      const expected = looksLikeFormula(cell.value) ? `'${cell.value}` : cell.value;
      expect(row?.[head.indexOf(cell.column)], `${cell.column} of ${cell.unique_number}`).to.equal(expected);
    }
    expect(planted.cells.filter((c) => looksLikeFormula(c.value))).to.have.length(ATTACKS.length);
    expect(planted.cells.filter((c) => !looksLikeFormula(c.value))).to.have.length(PLAIN_NUMBERS.length);
    // No cell of the whole answer starts a formula; negative coordinates stay numbers.
    expect(rows.flat().filter(looksLikeFormula)).to.deep.equal([]);
    expect(rows.some((r) => (r[head.indexOf('latitude')] ?? '').startsWith('-'))).to.equal(true);
  });

  it('neutralises a formula cell asked for alone, with fields', async () => {
    const attack = planted.cells.find((c) => c.column === 'name_en');
    const { rows } = await csvOf(`unique_number=${attack?.unique_number}&fields=name_en`);
    expect(rows).to.deep.equal([[`'${attack?.value}`]]);
  });

  it('keeps the text as is in JSON and GeoJSON', async () => {
    for (const cell of planted.cells) {
      const json = (await (await fetch(`${server.url}/sites/${cell.unique_number}`)).json()) as Record<string, unknown>;
      expect(json[cell.column]).to.equal(cell.value);
      const geo = (await (
        await fetch(`${server.url}/query?unique_number=${cell.unique_number}&format=geojson&fields=${cell.column}`)
      ).json()) as {
        features: { properties: Record<string, unknown> }[];
      };
      expect(geo.features[0]?.properties[cell.column]).to.equal(cell.value);
    }
  });

  it("says so in the OpenAPI document, in the CSV format's description", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { description?: string } }> }> } }>;
    };
    const content = document.paths['/query']?.get.responses['200']?.content ?? {};
    const csv = Object.entries(content).find(([type]) => type.startsWith('text/csv'))?.[1];
    expect(csv?.schema.description).to.include('single quote').and.include('OWASP');
  });
});
