/**
 * Where each column's value lies in a row's stored JSON body: found once at load, so that pages
 * are written by copying these bytes (JSON, GeoJSON properties) or transcoding them (CSV), not
 * by a `JSON.parse` of the whole row and a fresh serialisation per request (about 11 µs of
 * parsing and 13 µs of rendering per CSV row, profiled under wrk: the largest cost of uncached
 * CSV pages, issue 17), nor by scanning the body again (5 µs a row).
 *
 * The body is `[{"unique_number":…,…}]` as `JSON.stringify` writes a decoded row: every column,
 * in `COLUMNS` order (the decoder builds rows in that order), keys without escapes, strings
 * escaped only as JSON requires (`\"`, `\\`, control characters, lone surrogates), numbers as
 * JavaScript prints them, and no white space. So a value starts a known distance after the
 * previous one ends, and a row's spans are one 32-bit word per column: where the value ends,
 * and two flags.
 */
import { COLUMNS } from './row.js';

const QUOTE = 0x22;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

/** The string holds an escape (`\"`, `\n`, …): its text is not its bytes. */
export const ESCAPED = 1;
/** The string holds a comma: CSV must quote it. */
export const HAS_COMMA = 2;

const FLAG_SHIFT = 30;
/** Bodies are far shorter; a row this long is refused at load rather than mis-indexed. */
export const MAX_BODY_BYTES = (1 << FLAG_SHIFT) - 1;

export const SPAN_WORDS_PER_ROW = COLUMNS.length;

/** Per column: value start, value end (exclusive; strings with their quotes), flags. */
export type Spans = Int32Array;

export const newSpans = (): Spans => new Int32Array(COLUMNS.length * 3);

/** `"key":` before each value, and `,` before every key but the first. */
const KEY_BYTES = COLUMNS.map((column, i) => column.length + 3 + (i === 0 ? 0 : 1));
const FIRST_KEY_AT = 2; // after `[{`

/** Scans `body` and writes its packed spans into `words` at `offset`; throws if the body is not a row as stored. */
export function scanBody(body: Buffer, words: Uint32Array, offset: number): void {
  if (body.length > MAX_BODY_BYTES) throw new Error(`a row's JSON is ${body.length} bytes; at most ${MAX_BODY_BYTES} are stored`);
  let at = FIRST_KEY_AT;
  for (let column = 0; column < COLUMNS.length; column++) {
    const keyAt = column === 0 ? at : at + 1;
    const start = at + (KEY_BYTES[column] as number);
    if (body[keyAt] !== QUOTE || body[start - 2] !== QUOTE || body[start - 1] !== COLON) throw new Error(`a stored row body does not hold ${COLUMNS[column]} where expected`);
    let end = start;
    let flags = 0;
    if (body[start] === QUOTE) {
      end = start + 1;
      for (;;) {
        const byte = body[end];
        if (byte === QUOTE) break;
        if (byte === BACKSLASH) {
          flags |= ESCAPED;
          end++;
        } else if (byte === COMMA) flags |= HAS_COMMA;
        else if (byte === undefined) throw new Error('a stored row body ends inside a string');
        end++;
      }
      end++;
    } else {
      while (body[end] !== COMMA && body[end] !== CLOSE_BRACE) {
        if (end >= body.length) throw new Error('a stored row body ends inside a value');
        end++;
      }
    }
    words[offset + column] = (end | (flags << FLAG_SHIFT)) >>> 0;
    at = end;
  }
}

/** Unpacks a row's words (from `scanBody`) into `spans`, one array reused across a page's rows. */
export function unpackSpans(words: Uint32Array, offset: number, spans: Spans): void {
  let at = FIRST_KEY_AT;
  for (let column = 0; column < COLUMNS.length; column++) {
    const word = words[offset + column] as number;
    const end = word & MAX_BODY_BYTES;
    spans[column * 3] = at + (KEY_BYTES[column] as number);
    spans[column * 3 + 1] = end;
    spans[column * 3 + 2] = word >>> FLAG_SHIFT;
    at = end;
  }
}
