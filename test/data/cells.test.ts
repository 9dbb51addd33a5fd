import { expect } from 'chai';
import { either as E } from 'fp-ts';
import type * as t from 'io-ts';
import { FlagCell, IntegerCell, NumberCell, nullableCell, oneOfCell, rangedNumberCell } from '../../src/data/cells.js';
import { Row } from '../../src/data/row.js';
import { readRecords, readDataText } from '../helpers/reference-csv.js';

function decodes<A>(codec: t.Type<A, string, unknown>, input: string): A {
  const result = codec.decode(input);
  if (E.isLeft(result)) throw new Error(`expected ${JSON.stringify(input)} to decode`);
  return result.right;
}

function rejects<A>(codec: t.Type<A, string, unknown>, input: unknown): string {
  const result = codec.decode(input);
  expect(E.isLeft(result), `${JSON.stringify(input)} should be rejected`).to.equal(true);
  return E.isLeft(result) ? (result.left[0]?.message ?? '') : '';
}

describe('cell codecs', () => {
  describe('IntegerCell', () => {
    it('decodes integers', () => {
      expect(decodes(IntegerCell, '230')).to.equal(230);
      expect(decodes(IntegerCell, '-7')).to.equal(-7);
      expect(decodes(IntegerCell, '0')).to.equal(0);
    });
    for (const bad of ['', ' 1', '1 ', '1.5', '1e3', '0x10', '+1', '01', 'abc', '9007199254740993']) {
      it(`rejects ${JSON.stringify(bad)}`, () => expect(rejects(IntegerCell, bad)).to.include('integer'));
    }
  });

  describe('NumberCell', () => {
    it('decodes decimals exactly as written', () => {
      expect(decodes(NumberCell, '-91.40638889')).to.equal(-91.40638889);
      expect(decodes(NumberCell, '72000')).to.equal(72000);
    });
    for (const bad of ['', '1,5', '1e3', 'NaN', 'Infinity', '.5', '5.', '--1']) {
      it(`rejects ${JSON.stringify(bad)}`, () => expect(rejects(NumberCell, bad)).to.include('decimal'));
    }
  });

  describe('rangedNumberCell', () => {
    const latitude = rangedNumberCell('Latitude', -90, 90);
    it('accepts the bounds', () => {
      expect(decodes(latitude, '-90')).to.equal(-90);
      expect(decodes(latitude, '90')).to.equal(90);
    });
    it('rejects values outside the range, naming it', () => expect(rejects(latitude, '90.5')).to.include('-90 to 90'));
  });

  describe('FlagCell', () => {
    it('decodes 0 and 1 to booleans', () => {
      expect(decodes(FlagCell, '1')).to.equal(true);
      expect(decodes(FlagCell, '0')).to.equal(false);
    });
    for (const bad of ['', 'true', '2', 'yes', ' 1']) it(`rejects ${JSON.stringify(bad)}`, () => expect(rejects(FlagCell, bad)).to.include('0 or 1'));
  });

  describe('nullableCell', () => {
    it('decodes the empty cell to null and anything else through the codec', () => {
      const codec = nullableCell(IntegerCell);
      expect(decodes(codec, '')).to.equal(null);
      expect(decodes(codec, '5')).to.equal(5);
      rejects(codec, 'x');
    });
  });

  describe('oneOfCell', () => {
    it('accepts only the listed values and names them when rejecting', () => {
      const codec = oneOfCell('Category', ['Cultural', 'Natural', 'Mixed']);
      expect(decodes(codec, 'Mixed')).to.equal('Mixed');
      expect(rejects(codec, 'cultural')).to.include('Cultural, Natural, Mixed');
      rejects(codec, '');
    });
  });

  describe('Row', () => {
    const records = readRecords(readDataText());
    const header = records[0]?.fields ?? [];
    const cellsOf = (index: number) => Object.fromEntries(header.map((name, i) => [name, records[index]?.fields[i] ?? '']));

    it('decodes a real row, with empty cells as null and flags as booleans', () => {
      const result = Row.decode(cellsOf(1));
      expect(E.isRight(result)).to.equal(true);
      if (E.isRight(result)) {
        expect(result.right.unique_number).to.equal(230);
        expect(result.right.date_end).to.equal(null);
        expect(result.right.danger).to.equal(true);
      }
    });

    it('names the column of a bad value', () => {
      const result = Row.decode({ ...cellsOf(1), latitude: '134.8' });
      expect(E.isLeft(result)).to.equal(true);
      if (E.isLeft(result)) expect(result.left.map((e) => e.context[1]?.key)).to.deep.equal(['latitude']);
    });

    it('rejects an empty or non-positive unique_number', () => {
      expect(E.isLeft(Row.decode({ ...cellsOf(1), unique_number: '' }))).to.equal(true);
      expect(E.isLeft(Row.decode({ ...cellsOf(1), unique_number: '0' }))).to.equal(true);
    });
  });
});
