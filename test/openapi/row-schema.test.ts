/**
 * The Row schema says which columns are never null: exactly those every row of the real CSV
 * fills, read by the independent reference reader. The loader keeps that promise for other
 * files: an empty cell in such a column rejects the file.
 */
import { expect } from 'chai';
import { loadDataset } from '../../src/data/load.js';
import { DataFileError } from '../../src/data/data-error.js';
import { readRecords, readDataText } from '../helpers/reference-csv.js';
import { fetchServedDocument } from '../helpers/served-document.js';
import { tempDir } from '../helpers/temp-files.js';
import { startTestServer } from '../helpers/test-server.js';

type Schema = { type?: string | string[]; required?: string[]; properties?: Record<string, Schema> };

describe('the Row schema against the CSV', () => {
  const [header, ...records] = readRecords(readDataText());
  const columns = header?.fields ?? [];
  const alwaysFilled = columns.filter((_, i) => records.every((r) => (r.fields[i] ?? '') !== ''));
  let row: Schema;
  before(async () => {
    const server = await startTestServer();
    try {
      row = (await fetchServedDocument(server)).components.schemas['Row'] as Schema;
    } finally {
      await server.close();
    }
  });

  it('requires every column and allows null exactly where the CSV has an empty cell', () => {
    expect(columns).to.have.length(37);
    expect(alwaysFilled.length).to.be.within(20, 36);
    expect([...(row.required ?? [])].sort()).to.deep.equal([...columns].sort());
    const nullable = (column: string) => [row.properties?.[column]?.type ?? []].flat().includes('null');
    expect(columns.filter((c) => !nullable(c))).to.deep.equal(alwaysFilled);
  });

  it('rejects a data file with an empty cell in a column documented as never null', async () => {
    const dir = tempDir();
    try {
      const text = readDataText();
      const [first] = records;
      const column = columns.indexOf('name_en');
      expect(alwaysFilled).to.include('name_en');
      const fields = [...(first?.fields ?? [])];
      fields[column] = '';
      const line = fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',');
      const broken = text.slice(0, first?.start ?? 0) + line + '\r\n' + text.slice(first?.end ?? 0);
      const error = await loadDataset(dir.write('blank-name.csv', broken)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DataFileError);
      expect(String((error as DataFileError).errors[0]?.message)).to.include('never empty');
    } finally {
      dir.remove();
    }
  });
});
