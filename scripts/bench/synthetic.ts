/**
 * Writes a synthetic data file of N rows with the real schema: the real rows repeated, each copy
 * with a fresh unique_number (1..N) and its name suffixed, so every row is distinct and valid.
 *   node --import tsx scripts/bench/synthetic.ts 100000 .bench/whc-100000.csv
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/**
 * CRLF between records, as the export has, and every field holding a line break quoted:
 * csv-stringify quotes a field only when it holds the whole record delimiter, so a lone `\n`
 * inside a description was written bare, which the service's parser accepts but DuckDB and
 * Python's csv module read as the end of the record (issue 26).
 */
const OPTIONS = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const;

export async function writeSyntheticCsv(source: string, rows: number, target: string): Promise<void> {
  const records = parse(await readFile(source), { bom: true });
  const [header, ...body] = records;
  if (header === undefined || body.length === 0) throw new Error(`${source}: no rows`);
  const uniqueColumn = header.indexOf('unique_number');
  const nameColumn = header.indexOf('name_en');
  await mkdir(dirname(target), { recursive: true });
  const out = createWriteStream(target);
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`\uFEFF${stringify([header], OPTIONS)}`);
  const batch: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const copy = [...(body[i % body.length] as string[])];
    copy[uniqueColumn] = String(i + 1);
    copy[nameColumn] = `${copy[nameColumn]} #${Math.floor(i / body.length)}`;
    batch.push(copy);
    if (batch.length === 1000 || i === rows - 1) {
      await write(stringify(batch, OPTIONS));
      batch.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows, target] = process.argv.slice(2);
  await writeSyntheticCsv('data/whc-sites-2019.csv', Number(rows), target ?? `.bench/whc-${rows}.csv`);
}
