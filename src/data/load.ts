/**
 * Loads a data file as a whole: every record is decoded and checked before a dataset exists, so
 * a file with any bad row never becomes a (partial) dataset. All errors are collected, up to a
 * cap, so one run of `data validate` lists everything to fix.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { CsvSyntaxError, locateField, readCsvRecords, type CsvRecord } from './csv-records.js';
import { type DataError, DataFileChangedError, DataFileError } from './data-error.js';
import { NotRegularFileError, openRegularFile, sameFile } from './data-file.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { decodeRecord } from './decode-record.js';
import { isFormulaText } from './formula-text.js';
import { checkHeader, type ColumnIndex } from './header.js';
import { COLUMNS, type Row } from './row.js';
import { SLICE_MS, timeSlices } from './time-slices.js';

export const MAX_REPORTED_ERRORS = 100;

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EISDIR: 'is a directory; only a regular file is read',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a component of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Node's own messages name the absolute path (`ELOOP: ..., open '/srv/...'`); these never do. */
function systemErrorMessage(error: unknown): string {
  if (error instanceof NotRegularFileError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) return SYSTEM_ERRORS[code] ?? `cannot read the file (${code})`;
  return error instanceof Error ? error.message : String(error);
}

export interface LoadOptions {
  /** The memory the dataset may take (bodies and index, `estimatedBytes`); a larger file is refused. */
  readonly maxBytes?: number;
  readonly now?: () => Date;
  /**
   * Told of each text cell a spreadsheet would run as a formula (data/formula-text.ts): valid data,
   * but worth a look (`whc-data validate`). The service passes none and pays nothing for it.
   */
  readonly warn?: (warning: DataError) => void;
  /**
   * The longest stretch of work, in ms, before the load lets the event loop turn (SLICE_MS): a
   * reload runs beside the requests it must not stall. 0 turns it after every row (tests).
   */
  readonly sliceMs?: number;
}

const FORMULA_WARNING = 'warning: text a spreadsheet would run as a formula; CSV answers write it behind a single quote';

/** Located as a wrong cell is (`file:line:column:`), so an editor or CI annotation opens at it. */
function warnFormulas(row: Row, record: CsvRecord, index: ColumnIndex, file: string, warn: (warning: DataError) => void): void {
  for (const column of COLUMNS) {
    const value = row[column];
    if (typeof value !== 'string' || !isFormulaText(value)) continue;
    const field = index[column];
    warn({ file, ...locateField(record, field), column, field: field + 1, value, message: FORMULA_WARNING });
  }
}

const MB = 1024 * 1024;

/**
 * Reads, decodes and validates `file`. Resolves to a dataset, or rejects with a `DataFileError`
 * (a `DataFileChangedError` when the file changed while it was read).
 */
export async function loadDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  const { maxBytes = Infinity, now = () => new Date(), warn, sliceMs = SLICE_MS } = options;
  const checkpoint = timeSlices(sliceMs);
  const errors: DataError[] = [];
  const report = (error: DataError): void => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
  };
  // Rows become bodies as they are decoded; a bad file's builder is simply dropped.
  const builder = new DatasetBuilder();
  const firstLineOf = new Map<number, number>();
  const hash = createHash('sha256');
  let opened: { handle: FileHandle; stats: Stats } | undefined;

  let header: { index: ColumnIndex; width: number } | undefined;
  let headerSeen = false;
  try {
    opened = await openRegularFile(file);
    // The handle's own stream closes it when the parser is done (even with autoClose off, Node 26).
    const input = opened.handle.createReadStream();
    input.on('data', (chunk) => hash.update(chunk));
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
        const field = header.index.unique_number;
        report({ file, ...locateField(record, field), column: 'unique_number', field: field + 1, value: String(row.unique_number), message: `duplicate unique_number (first on line ${firstLine})` });
        continue;
      }
      firstLineOf.set(row.unique_number, record.line);
      if (warn !== undefined) warnFormulas(row, record, header.index, file, warn);
      builder.add(row);
      if (builder.estimatedBytes > maxBytes) {
        // Stop reading: the rest would only take more memory. The last good dataset stays.
        report({ file, line: record.line, message: `the data needs more memory than its budget, DATA_MEMORY_MB=${Math.round(maxBytes / MB)} (over ${Math.floor(builder.estimatedBytes / MB)} MB at ${builder.size} rows); raise the budget and the container's memory limit, or serve a smaller file` });
        break;
      }
      // The file stream alone lets the loop turn only when its buffer runs dry (every 35 rows or so,
      // unless a garbage collection or a slow row falls between): the slices bound it.
      const pause = checkpoint();
      if (pause !== undefined) await pause;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) report({ file, line: error.line, message: error.message });
    else report({ file, line: 0, message: systemErrorMessage(error) });
  }
  if (opened !== undefined) {
    await opened.handle.close().catch(() => undefined); // a FileHandle closes once; never a reused descriptor
    // Bytes read while a writer was still at work may look like a smaller valid file. By path:
    // a file renamed into place meanwhile is read again too, which is harmless.
    const after = await stat(file).catch(() => undefined);
    if (after === undefined || !sameFile(opened.stats, after)) throw new DataFileChangedError(file);
  }

  if (errors.length === 0 && !headerSeen) report({ file, line: 0, message: 'empty file: expected a header row and at least one data row' });
  if (errors.length === 0 && builder.size === 0) report({ file, line: 1, message: 'no data rows after the header' });
  if (errors.length > 0) throw new DataFileError(errors);

  return builder.build({ id: hash.digest('hex'), loadedAt: now(), file }, checkpoint);
}
