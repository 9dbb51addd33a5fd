/**
 * Unsigned varints (LEB128): 7 bits a byte, low bits first, the high bit set on every byte but a
 * number's last. The word index keeps ascending lists of numbers (site positions, word numbers) as
 * the varints of their gaps: most gaps are small, so a number takes one or two bytes, not four.
 * Numbers are integers from 0 to 2^32 - 1.
 */

/** Bytes `n` takes as a varint. */
export const varintLength = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5);

/** Writes `n` at `bytes[at]` and answers the offset after it. */
export function writeVarint(bytes: Uint8Array, at: number, n: number): number {
  let rest = n;
  while (rest >= 0x80) {
    bytes[at++] = (rest & 0x7f) | 0x80;
    rest = rest >>> 7;
  }
  bytes[at++] = rest;
  return at;
}

/**
 * Writes into `into` the ascending list whose gaps `bytes[start, end)` holds, the first gap counted
 * from 0, and answers how many numbers it wrote (`into` must have room for them). It multiplies
 * where a shift would do: the fifth byte shifted by 28 bits would wrap past JavaScript's 32-bit
 * shifts.
 */
export function readAscending(bytes: Uint8Array, start: number, end: number, into: Uint32Array): number {
  let value = 0;
  let count = 0;
  let at = start;
  while (at < end) {
    let byte = bytes[at++] as number;
    let gap = byte & 0x7f;
    for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
      byte = bytes[at++] as number;
      gap += (byte & 0x7f) * scale;
    }
    value += gap;
    into[count++] = value;
  }
  return count;
}

/**
 * Sets `mask[n]` to 1 for each number of the ascending list whose gaps `bytes[start, end)` holds:
 * `readAscending` with the mark written in, for searches, where a call a number made marking
 * 1.3-2x slower than marking from a `Uint32Array`, and this 0.6-0.9x (100,000 rows, prefixes
 * `a`, `temple` and `cathedral`, docs/large-files.md).
 */
export function markAscending(bytes: Uint8Array, start: number, end: number, mask: Uint8Array): void {
  let value = 0;
  let at = start;
  while (at < end) {
    let byte = bytes[at++] as number;
    let gap = byte & 0x7f;
    for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
      byte = bytes[at++] as number;
      gap += (byte & 0x7f) * scale;
    }
    value += gap;
    mask[value] = 1;
  }
}
