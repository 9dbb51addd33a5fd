/**
 * The varint gaps the word index keeps its ascending lists in: any ascending list of 32-bit
 * numbers comes back as it went in, and the bytes are LEB128's, checked against examples worked
 * by hand from its definition (7 bits a byte, low bits first, the high bit on all but the last).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { markAscending, readAscending, varintLength, writeVarint } from '../../src/query/varint.js';

/** The list written as gaps (the first from 0) into an array of exactly the bytes they take. */
function encode(list: readonly number[]): Uint8Array {
  const gaps = list.map((n, i) => n - (i === 0 ? 0 : (list[i - 1] as number)));
  const bytes = new Uint8Array(gaps.reduce((sum, gap) => sum + varintLength(gap), 0));
  let at = 0;
  for (const gap of gaps) at = writeVarint(bytes, at, gap);
  expect(at, 'varintLength agrees with the bytes written').to.equal(bytes.length);
  return bytes;
}

/** Room for as many numbers as there are bytes (a number takes at least one), and one spare to see none is written past the count. */
function decode(bytes: Uint8Array): number[] {
  const into = new Uint32Array(bytes.length + 1).fill(7);
  const count = readAscending(bytes, 0, bytes.length, into);
  expect(into[count], 'nothing written past the count').to.equal(7);
  return [...into.subarray(0, count)];
}

describe('varint gaps (unit)', () => {
  const MAX = 2 ** 32 - 1;
  /** Small gaps, gaps at every byte boundary, and gaps up to the largest number. */
  const number = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.constantFrom(0, 0x7f, 0x80, 0x3fff, 0x4000, 0x1f_ffff, 0x20_0000, 0xfff_ffff, 0x1000_0000, MAX),
    fc.integer({ min: 0, max: MAX }),
  );
  const ascending = fc.uniqueArray(number, { maxLength: 40 }).map((list) => list.sort((a, b) => a - b));

  it('gives back any ascending list of 32-bit numbers, empty, from 0, and with gaps up to 2^32 - 1 (property)', () => {
    fc.assert(
      fc.property(ascending, (list) => {
        expect(decode(encode(list))).to.deep.equal(list);
      }),
      { numRuns: 2000, examples: [[[]], [[0]], [[MAX]], [[0, MAX]], [[0, 1, 2, 0x80, MAX - 1, MAX]]] },
    );
  });

  it('marks exactly the numbers of any ascending list, and only in the range asked (property)', () => {
    const SIZE = 5000;
    const small = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: SIZE - 1 })), { maxLength: 60 });
    fc.assert(
      fc.property(small, small, (list, other) => {
        list.sort((a, b) => a - b);
        other.sort((a, b) => a - b);
        const [head, body, tail] = [encode(other), encode(list), encode(other)];
        const bytes = new Uint8Array([...head, ...body, ...tail]);
        const mask = new Uint8Array(SIZE);
        markAscending(bytes, head.length, head.length + body.length, mask);
        expect(mask.reduce<number[]>((marked, bit, n) => (bit === 1 ? [...marked, n] : marked), [])).to.deep.equal(list);
      }),
      {
        numRuns: 500,
        examples: [
          [[], [1, 2]],
          [[0], []],
          [
            [0, SIZE - 1],
            [0x80, 0x4000 % SIZE],
          ],
        ],
      },
    );
  });

  it('decodes a range in the middle of a larger array', () => {
    const bytes = new Uint8Array([0xff, ...encode([5, 300, 70_000]), 0xff]);
    const into = new Uint32Array(3);
    expect(readAscending(bytes, 1, bytes.length - 1, into)).to.equal(3);
    expect([...into]).to.deep.equal([5, 300, 70_000]);
  });

  it('writes the bytes of LEB128, worked by hand', () => {
    // 300 = 0b10_0101100: low 7 bits 0x2c with the high bit, then 0b10.
    // 624,485 = 0x98765 = 0b100110_0001110_1100101: 0xe5, 0x8e, 0x26.
    // 2^32 - 1: four bytes of seven 1s with the high bit, then the last four 1s.
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [0x7f, [0x7f]],
      [0x80, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [624_485, [0xe5, 0x8e, 0x26]],
      [MAX, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [n, expected] of cases) {
      const bytes = new Uint8Array(8);
      expect([...bytes.subarray(0, writeVarint(bytes, 0, n))], String(n)).to.deep.equal(expected);
      expect(varintLength(n), String(n)).to.equal(expected.length);
    }
  });
});
