/**
 * Parameter codecs and the rules between parameters, called directly: strict numbers (what
 * `Number(s)` would wrongly accept), lists, repeated keys, caps, and `planQuery`'s cross-checks.
 * Oracles are written here: digit patterns by hand, and values drawn by fast-check.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { either as E } from 'fp-ts';
import type * as t from 'io-ts';
import {
  BooleanParam,
  decimalParam,
  integerParam,
  listParam,
  MAX_ELEMENT_LENGTH,
  MAX_VALUE_LENGTH,
  oneOf,
  PositiveIntegerParam,
} from '../../src/query/param-codecs.js';
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS } from '../../src/query/parameters.js';
import { planQuery } from '../../src/query/site-query.js';
import { decodeParams } from '../helpers/query-fixture.js';

/** The decoded value, or the codec's message. */
function decode<A>(codec: t.Decoder<unknown, A>, input: unknown): { value: A } | { error: string } {
  const result = codec.decode(input);
  return E.isRight(result) ? { value: result.right } : { error: result.left.map((e) => e.message).join('; ') };
}

describe('parameter codecs (unit)', () => {
  it('reads positive integers from digits only, and every safe integer back (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(decode(PositiveIntegerParam, String(n))).to.deep.equal({ value: n });
      }),
    );
    for (const bad of ['0', '-1', '+1', '01', '1.0', '1e3', '0x10', ' 1', '1 ', '١٢', '9007199254740993', 'Infinity']) {
      expect(decode(PositiveIntegerParam, bad), bad)
        .to.have.property('error')
        .that.includes(`got ${JSON.stringify(bad)}`);
    }
  });

  it('names what is wrong with the raw shape: missing, empty, repeated, too long', () => {
    expect(decode(PositiveIntegerParam, undefined)).to.deep.equal({ error: 'is required' });
    expect(decode(PositiveIntegerParam, ''))
      .to.have.property('error')
      .that.matches(/^is empty/);
    expect(decode(PositiveIntegerParam, ['1', '2'])).to.deep.equal({ error: 'is given more than once; give it once' });
    const long = '1'.repeat(MAX_VALUE_LENGTH + 1);
    expect(decode(PositiveIntegerParam, long)).to.deep.equal({
      error: `is ${long.length} characters long; at most ${MAX_VALUE_LENGTH} are allowed`,
    });
  });

  it('keeps integer and decimal ranges at their bounds', () => {
    const year = integerParam('Year', 1, 9999);
    expect([decode(year, '1'), decode(year, '9999')]).to.deep.equal([{ value: 1 }, { value: 9999 }]);
    expect(decode(year, '10000')).to.have.property('error');
    const radius = decimalParam('Kilometres', 0, 20_100, { exclusiveMin: true });
    expect([decode(radius, '0.5'), decode(radius, '20100')]).to.deep.equal([{ value: 0.5 }, { value: 20_100 }]);
    for (const bad of ['0', '0.0', '-1', '20100.1', '.5', '5.', '1e2', '1,5']) expect(decode(radius, bad), bad).to.have.property('error');
  });

  it('reads booleans and fixed words case-insensitively, nothing else', () => {
    expect(['true', 'false', '1', '0'].map((s) => decode(BooleanParam, s))).to.deep.equal([
      { value: true },
      { value: false },
      { value: true },
      { value: false },
    ]);
    for (const bad of ['TRUE', 'yes', '2', 'on']) expect(decode(BooleanParam, bad), bad).to.have.property('error');
    expect(['natural', 'MIXED', 'Cultural', 'other'].map(oneOf(['Cultural', 'Natural', 'Mixed'] as const))).to.deep.equal([
      'Natural',
      'Mixed',
      'Cultural',
      undefined,
    ]);
  });

  it('splits lists on commas, trims elements, and refuses empty or oversized elements', () => {
    const codes = listParam('Codes', 'codes', (s) => (/^[a-z]+$/.test(s) ? s : undefined));
    expect(decode(codes, 'a, b ,c')).to.deep.equal({ value: ['a', 'b', 'c'] });
    expect(decode(codes, 'a,,b')).to.have.property('error').that.includes('an empty element');
    expect(decode(codes, 'a,B')).to.have.property('error').that.includes('has "B"');
    expect(decode(codes, 'a'.repeat(MAX_ELEMENT_LENGTH + 1)))
      .to.have.property('error')
      .that.includes(`at most ${MAX_ELEMENT_LENGTH}`);
  });

  it('gives every documented example a value its codec accepts', () => {
    for (const [name, p] of Object.entries({ ...FILTER_PARAMETERS, ...OUTPUT_PARAMETERS })) {
      const example = p.doc.example;
      expect(decode(p.codec as t.Decoder<unknown, unknown>, String(example)), name).to.have.property('value');
    }
  });

  it('decodes coordinates and boxes, and refuses them out of range', () => {
    expect(decodeParams(new URLSearchParams({ near: '48.85,2.35', bbox: '170,-50,-170,0' }))).to.deep.include({
      near: { lat: 48.85, lon: 2.35 },
      bbox: { minLon: 170, minLat: -50, maxLon: -170, maxLat: 0 },
    });
    for (const [name, text] of [
      ['near', '91,0'],
      ['near', '0,181'],
      ['near', '1'],
      ['bbox', '0,10,1,5'],
      ['bbox', '0,0,1'],
      ['bbox', '0,0,1,x'],
    ] as const) {
      expect(() => decodeParams(new URLSearchParams({ [name]: text })), `${name}=${text}`).to.throw(/do not decode/);
    }
  });
});

describe('planQuery (unit)', () => {
  const planned = (query: string) => planQuery(decodeParams(new URLSearchParams(query)));
  const problems = (query: string) => {
    const result = planned(query);
    return Array.isArray(result) ? result.map((e) => e.parameter) : [];
  };

  it('defaults to unique_number order, or distance with near, and 100 rows', () => {
    expect(planned('')).to.deep.include({
      sort: { field: 'unique_number', descending: false },
      limit: 100,
      cursor: undefined,
      fields: undefined,
    });
    expect(planned('near=1,2')).to.deep.include({ sort: { field: 'distance_km', descending: false } });
  });

  it('names every parameter that breaks a rule between parameters, all at once', () => {
    expect(problems('inscribed_from=2001&inscribed_to=2000')).to.deep.equal(['inscribed_from']);
    expect(problems('radius_km=5')).to.deep.equal(['radius_km']);
    expect(problems('sort=distance_km&fields=distance_km,name_en,name_en')).to.deep.equal(['sort', 'fields', 'fields']);
    const cursor = 'eyJzIjoidW5pcXVlX251bWJlciIsImsiOjEwLCJ1IjoxMH0'; // made for sort=unique_number
    expect(problems(`sort=name_en&cursor=${cursor}`)).to.deep.equal(['cursor']);
    expect(problems(`cursor=${cursor}`)).to.deep.equal([]);
  });
});
