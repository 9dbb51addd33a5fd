/**
 * An independent reading of the data file, used as the oracle in tests. It shares no code with
 * the service: a hand-written RFC 4180 reader and conversion rules written from the issue's
 * column list, not from the io-ts codecs.
 */
import { readFileSync } from 'node:fs';

export const DATA_FILE = new URL('../../data/whc-sites-2019.csv', import.meta.url).pathname;

export interface RawRecord {
  readonly fields: string[];
  /** Byte-free character offsets of the record's text in the file (without the BOM). */
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** Splits CSV text into records; quoted fields may hold commas, quotes ("") and newlines. */
export function readRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let start = 0;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') continue;
    else if (ch === '\n') {
      fields.push(field);
      records.push({ fields, start, end: i + 1, line: startLine });
      fields = [];
      field = '';
      start = i + 1;
      line++;
      startLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, start, end: text.length, line: startLine });
  }
  return records;
}

export function readDataText(file = DATA_FILE): string {
  const text = readFileSync(file, 'utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

const INTEGER_COLUMNS = new Set(['unique_number', 'id_no', 'date_inscribed', 'date_end']);
const NUMBER_COLUMNS = new Set(['longitude', 'latitude', 'area_hectares']);
const FLAG_COLUMNS = new Set(['danger', 'transboundary', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'N7', 'N8', 'N9', 'N10']);

function expectedValue(column: string, cell: string): unknown {
  if (cell === '') return null;
  if (INTEGER_COLUMNS.has(column)) return parseInt(cell, 10);
  if (NUMBER_COLUMNS.has(column)) return parseFloat(cell);
  if (FLAG_COLUMNS.has(column)) return cell === '1';
  return cell;
}

export interface ReferenceData {
  readonly header: string[];
  readonly rows: Record<string, unknown>[];
  readonly records: RawRecord[];
  readonly text: string;
}

/** The whole file as the API should serve it: one object per row, keys in header order. */
export function referenceData(file = DATA_FILE): ReferenceData {
  const text = readDataText(file);
  const records = readRecords(text);
  const [headerRecord, ...body] = records;
  if (headerRecord === undefined) throw new Error('empty reference file');
  const header = headerRecord.fields;
  const rows = body.map((r) => Object.fromEntries(header.map((column, i) => [column, expectedValue(column, r.fields[i] ?? '')])));
  return { header, rows, records: body, text };
}
