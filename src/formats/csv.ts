/**
 * CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma, a quote or
 * a line break. Values are written as the source file writes them: flags as 1/0, nulls empty.
 */
import { COLUMNS, type Row } from '../data/row.js';
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { fieldValue, type FieldValue } from './fields.js';

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(value: FieldValue | string): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function wholeRowLine(row: Row): string {
  return COLUMNS.map((column) => csvField(row[column])).join(',');
}

export function csvDocument(matches: readonly Match[], fields: readonly OutputField[]): string {
  const lines = [fields.map(csvField).join(',')];
  const whole = fields === COLUMNS;
  for (const match of matches) {
    const row = match.site.row; // read back from the body, once per line
    lines.push(whole ? wholeRowLine(row) : fields.map((field) => csvField(fieldValue(match, row, field))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
