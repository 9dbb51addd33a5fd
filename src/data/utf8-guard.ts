/**
 * A pass-through stream that rejects bytes that are not UTF-8, naming the line they are on.
 *
 * Decoding with replacement would hide corruption, and a search for U+FFFD afterwards cannot
 * tell it apart from a replacement character that is really in the data (the 2019 export has
 * one, in site 1136). `TextDecoder` with `fatal` finds bad input but not where it is, so the
 * rare failing chunk is scanned again by `firstInvalidUtf8Offset` to locate it.
 */
import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;

/** Byte offset of the first sequence that is not well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array, start = 0): number {
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const cont = bytes[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

export class InvalidUtf8Error extends Error {
  readonly line: number;
  readonly byteOffset: number;
  constructor(line: number, byteOffset: number) {
    super(`bytes at offset ${byteOffset} are not valid UTF-8`);
    this.name = 'InvalidUtf8Error';
    this.line = line;
    this.byteOffset = byteOffset;
  }
}

export function utf8Guard(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let linesBefore = 0;
  let bytesBefore = 0;
  // The last bytes of the previous chunk, so a character split across chunks can be located.
  let carry: Uint8Array = new Uint8Array(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        // `carry` (the previous chunk's last bytes) was accepted, but may end inside a character
        // that this chunk completes; skip its leading continuation bytes and rescan from there.
        const joined = Buffer.concat([carry, chunk]);
        let from = 0;
        while (from < carry.length && ((joined[from] ?? 0) & 0xc0) === 0x80) from++;
        const bad = Math.max(from, firstInvalidUtf8Offset(joined, from));
        const offset = bytesBefore - carry.length + bad;
        callback(new InvalidUtf8Error(linesBefore + countNewlines(joined, bad) - countNewlines(carry, carry.length) + 1, offset));
        return;
      }
      linesBefore += countNewlines(chunk, chunk.length);
      bytesBefore += chunk.length;
      const tail = Math.max(0, chunk.length - 3);
      carry = chunk.subarray(tail);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      try {
        decoder.decode();
        callback();
      } catch {
        callback(new InvalidUtf8Error(linesBefore + 1, bytesBefore));
      }
    },
  });
}
