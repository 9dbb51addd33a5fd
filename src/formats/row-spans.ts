/**
 * Where each column's value lies in a row's stored JSON body, found without parsing it: pages
 * are written by copying these bytes (JSON, GeoJSON properties) or transcoding them (CSV), not
 * by a `JSON.parse` of the whole row and a fresh serialisation per request (about 11 µs of
 * parsing and 13 µs of rendering per CSV row, profiled under wrk: the largest cost of uncached
 * CSV pages, issue 17).
 *
 * The body is `[{"unique_number":…,…}]` as `JSON.stringify` writes a decoded row: every column,
 * in `COLUMNS` order (the decoder builds rows in that order), keys without escapes, strings
 * escaped only as JSON requires (`\"`, `\\`, control characters, lone surrogates), numbers as
 * JavaScript prints them, and no white space.
 */
import { COLUMNS } from '../data/row.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

/** The string holds an escape (`\"`, `\n`, …): its text is not its bytes. */
export const ESCAPED = 1;
/** The string holds a comma: CSV must quote it. */
export const HAS_COMMA = 2;

/** Per column: value start, value end (exclusive; strings with their quotes), flags. */
export type Spans = Int32Array;

export const newSpans = (): Spans => new Int32Array(COLUMNS.length * 3);

const KEY_LENGTHS = COLUMNS.map((column) => column.length);

/** Fills `spans` (one array reused across a page's rows) for `body`; throws if the body is not a row as stored. */
export function readSpans(body: Buffer, spans: Spans): void {
  let at = 2; // after `[{`
  for (let column = 0; column < KEY_LENGTHS.length; column++) {
    const keyEnd = at + 1 + (KEY_LENGTHS[column] as number);
    if (body[at] !== QUOTE || body[keyEnd] !== QUOTE) throw new Error(`a stored row body does not hold ${COLUMNS[column]} where expected`);
    const start = keyEnd + 2; // after `":`
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
    spans[column * 3] = start;
    spans[column * 3 + 1] = end;
    spans[column * 3 + 2] = flags;
    at = end + 1;
  }
}
