/**
 * Where a load's time and bytes go, stage by stage (docs/performance.md, "Loading a large file").
 * Each stage reads the whole file again and does one more step of `loadDataset`'s work, so a
 * stage's own cost is its difference from the one before; the last is `loadDataset` itself,
 * holding its dataset. Memory is measured after a full collection, with what the stage built
 * still held:
 *   node --expose-gc --import tsx scripts/bench/load-stages.ts .bench/whc-100000.csv
 */
import { createReadStream, statSync } from 'node:fs';
import { readCsvRecords } from '../../src/data/csv-records.js';
import { DatasetBuilder } from '../../src/data/dataset.js';
import { decodeRecord } from '../../src/data/decode-record.js';
import { checkHeader, type ColumnIndex } from '../../src/data/header.js';
import { loadDataset } from '../../src/data/load.js';
import type { Row } from '../../src/data/row.js';
import { QueryIndexBuilder, type StoredRows } from '../../src/query/searchable-site.js';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

interface Memory {
  readonly heap: number;
  /** The heap V8 holds from the system, free pages included. */
  readonly heapTotal: number;
  readonly external: number;
  readonly rss: number;
}

function settled(): Memory {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  // `external` includes `arrayBuffers` (Node counts Buffers in both).
  return { heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss };
}

/** Calls `onRow` with each decoded row of `file` (its header must be valid). */
async function eachRow(file: string, onRow: ((row: Row) => void) | undefined): Promise<number> {
  let index: ColumnIndex | undefined;
  let width = 0;
  let rows = 0;
  for await (const record of readCsvRecords(createReadStream(file))) {
    if (index === undefined) {
      const check = checkHeader(record.fields);
      if (!check.ok) throw new Error(check.problems.join('; '));
      index = check.index;
      width = record.fields.length;
      continue;
    }
    if (onRow === undefined) {
      rows++;
      continue;
    }
    const decoded = decodeRecord(record, index, width, file);
    if (decoded._tag === 'Left') throw new Error(`line ${record.line}: not a valid row`);
    onRow(decoded.right);
    rows++;
  }
  return rows;
}

/** Every decoded row of `file`, held: the stages that build from rows time their own work apart from reading. */
async function readRows(file: string): Promise<Row[]> {
  const rows: Row[] = [];
  await eachRow(file, (row) => rows.push(row));
  return rows;
}

const NO_BODIES: StoredRows = {
  body: () => Buffer.alloc(0),
  spans: () => undefined,
};

const file = process.argv[2];
if (file === undefined) throw new Error('usage: load-stages.ts FILE.csv');
const fileBytes = statSync(file).size;

interface Stage {
  readonly name: string;
  run(): Promise<unknown>;
}

const stages: Stage[] = [
  { name: 'csv-parse (records, dropped)', run: () => eachRow(file, undefined) },
  { name: '+ io-ts decode (rows, dropped)', run: () => eachRow(file, () => undefined) },
  {
    name: 'DatasetBuilder.add on decoded rows held in an array (bodies, spans, and the index per row)',
    run: async () => {
      const rows = await readRows(file);
      const builder = new DatasetBuilder();
      const started = performance.now();
      for (const row of rows) builder.add(row);
      const addMs = performance.now() - started;
      rows.length = 0;
      return { builder, addMs };
    },
  },
  {
    name: '+ query index alone (sites, word numbers, word index, positions)',
    run: async () => {
      const rows = await readRows(file);
      const index = new QueryIndexBuilder();
      let started = performance.now();
      rows.forEach((row, position) => index.add(row, NO_BODIES, position));
      const addMs = performance.now() - started;
      rows.length = 0;
      started = performance.now();
      const built = await index.build();
      const buildMs = performance.now() - started;
      return { built, addMs, buildMs };
    },
  },
  { name: 'loadDataset (all of it)', run: () => loadDataset(file) },
];

process.stdout.write(`${file}: ${(fileBytes / MB).toFixed(1)} MB\n`);
const empty = settled();
process.stdout.write(
  `empty process: heap ${(empty.heap / MB).toFixed(0)} MB, external ${(empty.external / MB).toFixed(0)} MB, rss ${(empty.rss / MB).toFixed(0)} MB\n`,
);
for (const stage of stages) {
  const started = performance.now();
  // Held until the next stage starts: each stage's figures are its own.
  const kept = await stage.run();
  const seconds = (performance.now() - started) / 1000;
  const after = settled();
  const details = kept !== null && typeof kept === 'object' ? Object.entries(kept).filter(([, v]) => typeof v === 'number') : [];
  process.stdout.write(
    `${stage.name}: ${seconds.toFixed(2)} s; held: heap ${((after.heap - empty.heap) / MB).toFixed(0)} MB (of ${(after.heapTotal / MB).toFixed(0)} MB held from the system), external ${((after.external - empty.external) / MB).toFixed(0)} MB, rss ${(after.rss / MB).toFixed(0)} MB` +
      `${details.map(([k, v]) => `; ${k} ${(v as number).toFixed(1)}`).join('')}\n`,
  );
}
