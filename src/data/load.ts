/**
 * Loads a data file as a whole: every record is decoded and checked before a dataset exists, so
 * a file with any bad row never becomes a (partial) dataset. All errors are collected, up to a
 * cap, so one run of `data validate` lists everything to fix.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { CsvSyntaxError, readCsvRecords } from './csv-records.js';
import { type DataError, DataFileError } from './data-error.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { decodeRecord } from './decode-record.js';
import { checkHeader, type ColumnIndex } from './header.js';

export const MAX_REPORTED_ERRORS = 100;

function systemErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return error instanceof Error ? error.message : String(error);
}

/** Reads, decodes and validates `file`. Resolves to a dataset, or rejects with a `DataFileError`. */
export async function loadDataset(file: string, now: () => Date = () => new Date()): Promise<Dataset> {
  const errors: DataError[] = [];
  const report = (error: DataError): void => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
  };
  // Rows become bodies as they are decoded; a bad file's builder is simply dropped.
  const builder = new DatasetBuilder();
  const firstLineOf = new Map<number, number>();
  const hash = createHash('sha256');
  const input = createReadStream(file);
  input.on('data', (chunk) => hash.update(chunk));

  let header: { index: ColumnIndex; width: number } | undefined;
  let headerSeen = false;
  try {
    for await (const record of readCsvRecords(input)) {
      if (!headerSeen) {
        headerSeen = true;
        const check = checkHeader(record.fields);
        if (!check.ok) {
          for (const problem of check.problems) report({ file, line: record.line, message: `header: ${problem}` });
          break;
        }
        header = { index: check.index, width: record.fields.length };
        continue;
      }
      if (header === undefined) break;
      const decoded = decodeRecord(record, header.index, header.width, file);
      if (E.isLeft(decoded)) {
        decoded.left.forEach(report);
        continue;
      }
      const row = decoded.right;
      const firstLine = firstLineOf.get(row.unique_number);
      if (firstLine !== undefined) {
        report({ file, line: record.line, column: 'unique_number', value: String(row.unique_number), message: `duplicate unique_number (first on line ${firstLine})` });
        continue;
      }
      firstLineOf.set(row.unique_number, record.line);
      builder.add(row);
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) report({ file, line: error.line, message: error.message });
    else report({ file, line: 0, message: systemErrorMessage(error) });
  }

  if (errors.length === 0 && !headerSeen) report({ file, line: 0, message: 'empty file: expected a header row and at least one data row' });
  if (errors.length === 0 && builder.size === 0) report({ file, line: 1, message: 'no data rows after the header' });
  if (errors.length > 0) throw new DataFileError(errors);

  return builder.build({ id: hash.digest('hex'), loadedAt: now(), file });
}
