/**
 * A corpus of broken data files, each rejected with a precise message at start-up (the loader)
 * and on reload (the reloader, with a good dataset already served, which must stay served).
 */
import { expect } from 'chai';
import { DataFileError } from '../../src/data/data-error.js';
import { loadDataset } from '../../src/data/load.js';
import { DatasetReloader } from '../../src/data/reloader.js';
import { DatasetStore } from '../../src/data/store.js';
import { silentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { recordFigures } from '../helpers/figures.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

describe('broken data files are rejected precisely and never replace good data', function () {
  this.timeout(60_000);
  const text = readDataText();
  const records = readRecords(text);
  const headerText = text.slice(0, records[0]?.end ?? 0);
  const rows = text.slice(records[0]?.end ?? 0);
  const row = (i: number) => text.slice(records[i]?.start ?? 0, records[i]?.end ?? 0);
  const BOM = '\uFEFF';
  const lastColumnDropped = (block: string) =>
    readRecords(block)
      .map((r) =>
        r.fields
          .slice(0, -1)
          .map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
          .join(','),
      )
      .join('\r\n') + '\r\n';

  /** name -> [file content, what the first error must say, the line it must name (0: any)] */
  const corpus: Record<string, [string | Buffer, RegExp, number]> = {
    truncated: [BOM + headerText + row(1) + row(2).slice(0, 300), /quote not closed/i, 0],
    // csv-parse reads ahead: the quote after a ';' on line 2 can fail before the header is checked.
    'wrong delimiter': [
      BOM + headerText.replaceAll(',', ';') + row(1).replaceAll(',', ';'),
      /^(header: unknown column "unique_number;id_no|Invalid Opening Quote)/,
      0,
    ],
    'extra column': [
      BOM + headerText.replace('\r\n', ',extra\r\n') + row(1).replace(/\r\n$/, ',x\r\n'),
      /^header: unknown column "extra"/,
      1,
    ],
    'missing column': [BOM + lastColumnDropped(headerText + row(1)), /^header: missing column "transboundary"$/, 1],
    'extra field in a row': [BOM + headerText + row(1) + row(2).replace(/\r\n$/, ',surplus\r\n'), /^expected 37 fields, got 38$/, 11],
    'duplicate ids': [BOM + headerText + row(1) + row(1), /^duplicate unique_number \(first on line 2\)$/, 11],
    'bad number': [BOM + headerText + row(1).replace(',158.9265,', ',158,9265,'), /^expected 37 fields, got 38$/, 2],
    // A bad cell is located on its own line: the record starts on line 2, and its multi-line
    // description ends on line 10, where the coordinates and the flags are.
    'bad latitude': [BOM + headerText + row(1).replace(',34.84694,', ',north,'), /^expected a decimal number$/, 10],
    'bad flag': [BOM + headerText + row(1).replace(/,0\r\n$/, ',yes\r\n'), /^expected 0 or 1$/, 10],
    'invalid UTF-8': [
      Buffer.concat([Buffer.from(BOM + headerText + row(1)), Buffer.from([0xc3, 0x28]), Buffer.from(row(2))]),
      /not valid UTF-8/,
      11,
    ],
    empty: ['', /^empty file/, 0],
    'header only': [BOM + headerText, /^no data rows/, 1],
    'huge field': [BOM + headerText + row(1).replace('Bamiyan Valley', 'x'.repeat(2 * 1024 * 1024)), /max record size/i, 0],
  };

  let dir: TempDir;
  before(() => {
    dir = tempDir();
  });
  after(() => dir.remove());

  for (const [name, [content, message, line]] of Object.entries(corpus)) {
    it(`${name}: rejected at start-up and on reload, the good data kept`, async () => {
      const file = dir.write(`${name.replace(/\W+/g, '-')}.csv`, content);
      let error: unknown;
      try {
        await loadDataset(file);
      } catch (e) {
        error = e;
      }
      expect(error, 'rejected at load').to.be.instanceOf(DataFileError);
      const first = (error as DataFileError).errors[0];
      expect(first?.message).to.match(message);
      expect(first?.file).to.equal(file);
      if (line > 0) expect(first?.line).to.equal(line);

      // On reload: the store serves the real data; the broken file must not replace it.
      const store = new DatasetStore();
      const good = await loadDataset(DATA_FILE);
      store.replace(good);
      const metrics = createMetrics({ processMetrics: false });
      await new DatasetReloader(file, store, silentLogger, metrics).reload();
      expect(store.current?.version.id).to.equal(good.version.id);
      expect(store.lastFailure?.errors[0]?.message).to.match(message);
    });
  }

  it('accepts a file without the byte order mark (valid UTF-8 CSV) exactly like the original', async () => {
    const file = dir.write('no-bom.csv', headerText + rows);
    const [withBom, withoutBom] = await Promise.all([loadDataset(DATA_FILE), loadDataset(file)]);
    expect(withoutBom.rows).to.deep.equal(withBom.rows);
  });

  after(() =>
    recordFigures('broken-csv', {
      description: 'broken data files at start-up (loader) and on reload (with good data served)',
      files: Object.keys(corpus).length,
      kinds: Object.keys(corpus),
      asserted:
        'each rejected with the expected message, file and line; on reload the served version is unchanged and the failure recorded',
    }),
  );
});
