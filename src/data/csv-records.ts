/**
 * Streams a CSV file as raw records (arrays of cell strings), each with the line it starts on.
 *
 * csv-parse runs without `columns` and without `cast`: the header is checked by `header.ts`
 * (with `columns: true` a repeated name silently keeps the last value) and every conversion is
 * done by the io-ts codecs. `relax_column_count` lets a short or long record reach the decoder,
 * which reports it with its line instead of aborting the whole parse at the first one.
 */
import { parse, CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import { InvalidUtf8Error, utf8Guard } from './utf8-guard.js';

/** A record this large is a broken file (an unclosed quote swallowing the rest), not data: the largest real one is about 10 KB. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvRecord {
  readonly fields: readonly string[];
  /** 1-based line on which the record starts (a quoted cell may span several lines). */
  readonly line: number;
  /** The record's text as it is in the file, to locate a cell when one is wrong (`locateField`). */
  readonly raw: string;
}

/** Where a cell starts in the file: 1-based line and character column (UTF-16 code units, as VS Code counts them). */
export interface FieldPosition {
  readonly line: number;
  readonly character: number;
}

/**
 * Where field `index` (0-based) of `record` starts, found by walking its raw text: commas inside
 * quotes do not separate fields, and a newline inside a quoted cell starts a new line. Only
 * called for a wrong cell or a warning (the CLI's), so the service loading a valid file walks none.
 */
export function locateField(record: CsvRecord, index: number): FieldPosition {
  let line = record.line;
  let lineStart = 0;
  let field = 0;
  let quoted = false;
  const raw = record.raw;
  for (let i = 0; i < raw.length && field < index; i++) {
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      field++;
      if (field === index) return { line, character: i + 1 - lineStart + 1 };
    } else if (c === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line: record.line, character: 1 };
}

/** A failure of the CSV syntax itself (an unclosed quote, bad bytes), located by line. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

function describeCsvError(error: CsvError): string {
  // csv-parse messages read "Quote Not Closed: the parsing is finished with ... at line 3"; the
  // line is reported separately, so keep only the part before " at line".
  return error.message.replace(/ at line \d+.*$/s, '');
}

export async function* readCsvRecords(input: Readable): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
  const guard = utf8Guard();
  guard.on('error', (error) => parser.destroy(error));
  input.on('error', (error) => parser.destroy(error));
  input.pipe(guard).pipe(parser);
  let previousEnd = 0;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      yield { fields: record, line: previousEnd + 1, raw };
      previousEnd = info.lines;
    }
  } catch (error) {
    if (error instanceof InvalidUtf8Error) throw new CsvSyntaxError(error.line, error.message);
    if (error instanceof CsvError) {
      const line = typeof error['lines'] === 'number' ? error['lines'] : previousEnd + 1;
      throw new CsvSyntaxError(line, describeCsvError(error));
    }
    throw error;
  } finally {
    input.destroy();
  }
}
