/**
 * CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma, a quote or
 * a line break. Values are written as the source file writes them: flags as 1/0, nulls empty,
 * except text a spreadsheet would run as a formula (data/formula-text.ts), written quoted behind
 * a single quote as OWASP advises (`"'=HYPERLINK(...)"`): a spreadsheet shows it as text, and the
 * quote tells a reader that something was added. JSON and GeoJSON answers keep the text as is.
 * Lines are transcoded from the rows' JSON bodies: a string without escapes is its bytes
 * (quoted when it holds a comma), a number is its JSON text, which is JavaScript's own.
 */
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { DISTANCE_FIELD } from '../query/order.js';
import { ByteWriter } from './byte-writer.js';
import { columnIndex, roundKm } from './fields.js';
import { ESCAPED, HAS_COMMA, newSpans, type Spans } from '../data/body-spans.js';
import { FORMULA_FIRST_BYTES, isFormulaText } from '../data/formula-text.js';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = 0x22;
const LETTER_T = 0x74;
const LETTER_F = 0x66;
const LETTER_N = 0x6e;

function csvText(text: string): string {
  if (isFormulaText(text)) return `"'${text.replaceAll('"', '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writeValue(out: ByteWriter, body: Buffer, spans: Spans, column: number): void {
  const start = spans[column * 3] as number;
  const end = spans[column * 3 + 1] as number;
  const flags = spans[column * 3 + 2] as number;
  const first = body[start];
  if (first === QUOTE) {
    // A tab or a carriage return is escaped in JSON: such text takes the first branch.
    if (flags & ESCAPED || FORMULA_FIRST_BYTES.has(body[start + 1] as number))
      out.text(csvText(JSON.parse(body.toString('utf8', start, end)) as string));
    else if (flags & HAS_COMMA)
      out.bytes(body, start, end); // the JSON quotes are the CSV quotes: no quote inside
    else out.bytes(body, start + 1, end - 1);
  } else if (first === LETTER_T)
    out.byte(0x31); // true: 1
  else if (first === LETTER_F)
    out.byte(0x30); // false: 0
  else if (first !== LETTER_N) out.bytes(body, start, end); // a number; null is empty
}

export function csvDocument(matches: readonly Match[], fields: readonly OutputField[]): Buffer {
  const out = new ByteWriter(matches.reduce((sum, m) => sum + m.site.body.length, 1024));
  out.text(`${fields.map(csvText).join(',')}\r\n`);
  const spans = newSpans();
  const columns = fields.map((field) => (field === DISTANCE_FIELD ? -1 : columnIndex(field)));
  for (const match of matches) {
    const { body } = match.site;
    match.site.readSpans(spans);
    columns.forEach((column, i) => {
      if (i > 0) out.byte(0x2c);
      if (column >= 0) writeValue(out, body, spans, column);
      else if (match.distanceKm !== undefined) out.text(String(roundKm(match.distanceKm)));
    });
    out.text('\r\n');
  }
  return out.done();
}
