import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataFileError, formatDataError, type DataError } from '../../src/data/data-error.js';
import { DatasetBuilder } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { bundledDataset } from '../helpers/query-fixture.js';
import { timeSlices } from '../../src/data/time-slices.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const BOM = '\uFEFF';

/** Line and character column (1-based) of `offset` in `text`, counted here from the text alone. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, character: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

async function loadErrors(file: string): Promise<DataError[]> {
  try {
    await loadDataset(file);
  } catch (error) {
    expect(error).to.be.instanceOf(DataFileError);
    return [...(error as DataFileError).errors];
  }
  throw new Error(`${file} was accepted`);
}

describe('loadDataset', () => {
  const text = readDataText();
  const records = readRecords(text);
  const headerText = text.slice(0, records[0]?.end ?? 0);
  // The first data record (230) spans lines 2-10: its HTML description holds newlines.
  const rowText = (i: number) => text.slice(records[i]?.start ?? 0, records[i]?.end ?? 0);
  let dir: TempDir;
  before(() => {
    dir = tempDir();
  });
  after(() => dir.remove());

  it('loads the real file: 1121 rows, version = sha256 of its bytes', async () => {
    // loadDataset(DATA_FILE), shared with the query and formats tests (one load per run).
    const dataset = await bundledDataset();
    expect(dataset.version.rows).to.equal(1121);
    expect(dataset.version.id).to.equal(createHash('sha256').update(readFileSync(DATA_FILE)).digest('hex'));
    expect(dataset.rows.find((r) => r.unique_number === 230)?.id_no).to.equal(208);
  });

  /** Counts the event loop's turns (one `setImmediate` a turn) until the returned function is called. */
  function countTurns(): () => number {
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      if (!counting) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    return () => {
      counting = false;
      return turns;
    };
  }

  it('lets the event loop turn between slices of its work: with a zero budget, after every row, and builds the same dataset', async () => {
    const stop = countTurns();
    const sliced = await loadDataset(DATA_FILE, { sliceMs: 0 });
    const turns = stop();
    // The file stream alone turns it only when its buffer runs dry, some 60 times for this file;
    // the build's slices (256 sites or words each) add about a hundred.
    expect(turns).to.be.at.least(sliced.version.rows);
    // The shared load (the default budget: a few slices for this file) is the reference.
    const whole = await bundledDataset();
    expect(sliced.version.id).to.equal(whole.version.id);
    expect(sliced.rows).to.deep.equal(whole.rows);
    expect(sliced.index.sites.map((s) => s.uniqueNumber)).to.deep.equal(whole.index.sites.map((s) => s.uniqueNumber));
    expect(sliced.index.words).to.deep.equal(whole.index.words);
  });

  it('lets the event loop turn while it builds the index, after the last row: a timer set then fires before the dataset is ready', async () => {
    const builder = new DatasetBuilder();
    for (const row of (await bundledDataset()).rows) builder.add(row);
    let fired = false;
    setImmediate(() => (fired = true));
    const dataset = await builder.build({ id: 'a'.repeat(64), loadedAt: new Date(0), file: DATA_FILE }, timeSlices(0));
    expect(fired, 'a timer set before the build fired before it was done').to.equal(true);
    expect(dataset.index.sites).to.have.length(1121);
  });

  it('keeps the bodies in buffers no larger than they need: under one body of slack each, not an 8 MB slab', async () => {
    const dataset = await bundledDataset();
    const bodies = dataset.rows.map((row) => dataset.site(row.unique_number)?.queryBody ?? Buffer.alloc(0));
    const buffers = new Set(bodies.map((body) => body.buffer));
    const bodyBytes = bodies.reduce((sum, body) => sum + body.length, 0);
    const bufferBytes = [...buffers].reduce((sum, buffer) => sum + buffer.byteLength, 0);
    const largest = Math.max(...bodies.map((body) => body.length));
    expect(bodyBytes).to.be.above(2_000_000);
    expect(bufferBytes - bodyBytes, `${buffers.size} buffers of ${bufferBytes} bytes for ${bodyBytes} bytes of bodies`).to.be.below(
      buffers.size * largest,
    );
  });

  it('accepts a file with or without the byte order mark, and with multi-line quoted HTML', async () => {
    const sample = headerText + rowText(1) + rowText(2);
    expect(rowText(1).split('\n').length).to.be.greaterThan(2);
    for (const [name, content] of [['bom.csv', BOM + sample], ['no-bom.csv', sample]] as const) {
      const dataset = await loadDataset(dir.write(name, content));
      expect(dataset.rows.map((r) => r.unique_number), name).to.deep.equal([230, records[2]?.fields[0] ? Number(records[2].fields[0]) : -1]);
      const row = dataset.rows.find((r) => r.unique_number === 230) as Record<string, unknown> | undefined;
      const multiLine = (records[0]?.fields ?? []).filter((_, i) => records[1]?.fields[i]?.includes('\n'));
      expect(multiLine).not.to.be.empty;
      for (const column of multiLine) expect(row?.[column], column).to.include('\n');
    }
  });

  it('rejects a record with a missing field, naming the line it starts on', async () => {
    const shortRow = rowText(2).replace(/,[^,]*\r?\n$/, '\r\n');
    const file = dir.write('short.csv', headerText + rowText(1) + shortRow);
    const lineOfSecondRow = 1 + rowText(1).split('\n').length;
    const errors = await loadErrors(file);
    expect(errors).to.have.length(1);
    expect(errors[0]?.line).to.equal(lineOfSecondRow);
    expect(errors[0]?.message).to.equal('expected 37 fields, got 36');
  });

  it('rejects a duplicate unique_number, naming both lines', async () => {
    const errors = await loadErrors(dir.write('dup.csv', headerText + rowText(1) + rowText(1)));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ column: 'unique_number', value: '230', line: 11 });
    expect(errors[0]?.message).to.include('first on line 2');
  });

  it("lists every bad cell with file, the cell's own line and character column, its column's name and field number, and value", async () => {
    // Both cells come after the record's multi-line description: their line is not the record's first.
    const bad = rowText(1).replace(',67.82525,34.84694,', ',67.82525,134.84694,').replace('Cultural,C,', 'Cultureel,C,');
    const fileText = headerText + bad;
    const file = dir.write('cells.csv', fileText);
    const errors = await loadErrors(file);
    const header = records[0]?.fields ?? [];
    const latitude = positionAt(fileText, fileText.indexOf(',134.84694,') + 1);
    const category = positionAt(fileText, fileText.indexOf(',Cultureel,') + 1);
    expect(latitude.line).to.be.greaterThan(2);
    expect(errors.map((e) => [e.line, e.character, e.column, e.field, e.value])).to.deep.equal([
      [latitude.line, latitude.character, 'latitude', header.indexOf('latitude') + 1, '134.84694'],
      [category.line, category.character, 'category', header.indexOf('category') + 1, 'Cultureel'],
    ]);
    expect(formatDataError(errors[0] as DataError)).to.equal(
      `${file}:${latitude.line}:${latitude.character}: column "latitude" (field ${header.indexOf('latitude') + 1}): expected a number from -90 to 90, got "134.84694"`,
    );
  });

  it('locates a bad cell after quoted cells holding commas and newlines, and in the first field', async () => {
    const record = records[1];
    const header = records[0]?.fields ?? [];
    // The last cell of the record, and the first: each replaced by a value its codec refuses. The
    // newline inside quotes is a bare LF, as in the real file's descriptions (csv-parse 7 counts a
    // quoted CRLF as two lines, and the record lines after it one too far).
    const last = header.length - 1;
    const lastText = rowText(1).replace(/,[^,\r\n]*(\r?\n)$/, ',"not,a\nvalue"$1');
    const firstText = rowText(1).replace(/^[0-9]+,/, 'x1,');
    const fileText = headerText + lastText + firstText;
    const file = dir.write('located.csv', fileText);
    const errors = await loadErrors(file);
    expect(record?.fields[last], 'the last field of the real record').to.be.a('string');
    const lastAt = positionAt(fileText, headerText.length + lastText.lastIndexOf(',"not,a') + 1);
    const firstAt = positionAt(fileText, headerText.length + lastText.length);
    expect(errors.map((e) => [e.line, e.character, e.field])).to.deep.equal([
      [lastAt.line, lastAt.character, last + 1],
      [firstAt.line, 1, header.indexOf('unique_number') + 1],
    ]);
    expect(firstAt.character).to.equal(1);
  });

  it('rejects a file truncated inside a quoted field', async () => {
    const truncated = headerText + rowText(1) + rowText(2).slice(0, 200);
    const errors = await loadErrors(dir.write('truncated.csv', truncated));
    expect(errors[0]?.message).to.match(/quote/i);
    expect(errors[0]?.line).to.be.greaterThan(10);
  });

  it('rejects an empty file', async () => {
    const errors = await loadErrors(dir.write('empty.csv', ''));
    expect(errors[0]?.message).to.include('empty file');
  });

  it('rejects a header-only file', async () => {
    const errors = await loadErrors(dir.write('header-only.csv', BOM + headerText));
    expect(errors[0]?.message).to.include('no data rows');
  });

  it('rejects a header with a duplicated, unknown or missing column', async () => {
    const duplicated = headerText.replace('name_fr', 'name_en');
    const errors = await loadErrors(dir.write('bad-header.csv', duplicated + rowText(1)));
    const messages = errors.map((e) => e.message).join('\n');
    expect(messages).to.include('"name_en" appears twice');
    expect(messages).to.include('missing column "name_fr"');
    expect(errors.every((e) => e.line === 1)).to.equal(true);
  });

  it('rejects bytes that are not UTF-8, naming their line, though the real file holds a literal U+FFFD', async () => {
    expect(text).to.include('\uFFFD');
    const good = Buffer.from(headerText + rowText(1), 'utf8');
    const bad = Buffer.from(rowText(2).replace('a', '\u0000'), 'utf8');
    bad[bad.indexOf(0)] = 0xff;
    const errors = await loadErrors(dir.write('latin1.csv', Buffer.concat([good, bad])));
    expect(errors[0]?.message).to.include('not valid UTF-8');
    expect(errors[0]?.line).to.equal(11);
  });

  it('reports a missing file plainly', async () => {
    const errors = await loadErrors(`${dir.path}/nope.csv`);
    expect(errors[0]?.message).to.equal('file not found');
  });
});
