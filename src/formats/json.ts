/**
 * JSON arrays of rows, written as bytes. Whole rows are copies of the bodies built once at load
 * (no decoding to strings and back); chosen `fields` are copies of their values' bytes.
 */
import type { OutputField } from '../query/parameters.js';
import type { Match } from '../query/run.js';
import { ByteWriter } from './byte-writer.js';
import { membersOf, roundKm, writeJsonMembers } from './fields.js';
import { newSpans } from '../data/body-spans.js';

/** Bytes a chosen field takes in a row, its key included: where a page of chosen fields starts its buffer. */
const FIELD_BYTES_GUESS = 48;

export function jsonArray(matches: readonly Match[], fields: readonly OutputField[] | undefined): Buffer {
  const bodies = matches.map((m) => m.site.body);
  // Whole rows take their bodies' length. Chosen fields start from a guess the writer grows
  // from: sizing for whole bodies cost a fresh buffer some twenty times a typical page of three
  // fields, and a copy out of it (the render of such a page took half as long again, measured).
  const expected =
    fields === undefined
      ? bodies.reduce((sum, body) => sum + body.length + 24, 2)
      : 2 + matches.length * (2 + FIELD_BYTES_GUESS * fields.length);
  const out = new ByteWriter(expected);
  const spans = newSpans();
  const members = membersOf(fields ?? []);
  out.byte(0x5b); // [
  matches.forEach((match, i) => {
    const body = bodies[i] as Buffer; // `[{…}]`
    if (i > 0) out.byte(0x2c); // ,
    if (fields === undefined) {
      if (match.distanceKm === undefined) out.bytes(body, 1, body.length - 1);
      else {
        out.bytes(body, 1, body.length - 2);
        out.text(`,"distance_km":${roundKm(match.distanceKm)}}`);
      }
      return;
    }
    match.site.readSpans(spans);
    out.byte(0x7b); // {
    writeJsonMembers(out, body, spans, members, match.distanceKm);
    out.byte(0x7d); // }
  });
  out.byte(0x5d); // ]
  return out.done();
}
