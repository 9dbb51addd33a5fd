/**
 * `runQuery` through its behaviour only: orders, pages and cursors on the bundled data, against
 * the model's sort (`compareForSort`) over the hand-read CSV. The order and cursor modules are
 * checked on their own here too: nulls last, the total tie-break, cursors that round-trip.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_KEYED_CURSOR_LENGTH, decodeCursor, encodeCursor, type Cursor } from '../../src/query/cursor.js';
import { compareKeys, formatSort, parseSort, SORT_FIELDS, type SortKey } from '../../src/query/order.js';
import { runQuery } from '../../src/query/run.js';
import type { QueryIndex } from '../../src/query/searchable-site.js';
import { bundledIndex, plan } from '../helpers/query-fixture.js';
import { referenceData } from '../helpers/reference-csv.js';
import { compareForSort, filterParams, referenceMatch, type Filters } from '../helpers/reference-query.js';

const reference = referenceData();
/** Keys of thousands of characters: their cursors name the site instead of carrying the key. */
const LONG_TEXT = ['short_description_en', 'short_description_fr', 'justification_en', 'justification_fr'];
const COLUMNS = reference.header;

/** Every page of a query, following `next` cursors as a client follows Link headers. */
function allPages(index: QueryIndex, params: URLSearchParams): { ids: number[]; totals: number[]; pages: number } {
  const ids: number[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = new URLSearchParams(params);
    if (cursor !== undefined) page.set('cursor', cursor);
    const result = runQuery(index, plan(page));
    ids.push(...result.page.map((m) => m.uniqueNumber));
    totals.push(result.total);
    pages += 1;
    if (result.next === undefined) return { ids, totals, pages };
    cursor = encodeCursor(result.next);
    // What a client gets back must pass the parameter's own codec (its length cap included).
    expect(plan(new URLSearchParams({ ...Object.fromEntries(params), cursor })).cursor, cursor.slice(0, 40)).to.not.equal(undefined);
    if (pages > 2000) throw new Error('runaway paging');
  }
}

function modelOrder(filters: Filters, column: string, descending: boolean): number[] {
  return reference.rows
    .filter((row) => referenceMatch(row, filters) !== undefined)
    .sort((a, b) => compareForSort(a, b, column, descending))
    .map((row) => row['unique_number'] as number);
}

describe('runQuery: order and pages (unit, bundled data)', () => {
  let index: QueryIndex;
  before(async () => (index = await bundledIndex()));

  for (const column of ['unique_number', 'name_en', 'date_inscribed', 'area_hectares', 'danger', 'states_name_fr', 'longitude']) {
    for (const descending of [false, true]) {
      const sort = `${descending ? '-' : ''}${column}`;
      it(`sort=${sort}: the model's order, nulls last, ties by unique_number, in one page`, () => {
        const result = runQuery(index, plan(new URLSearchParams({ sort, limit: '1000' })));
        const expected = modelOrder({}, column, descending);
        expect(result.total).to.equal(reference.rows.length);
        const rest = runQuery(index, plan(new URLSearchParams({ sort, limit: '1000', cursor: encodeCursor(result.next as Cursor) })));
        expect([...result.page, ...rest.page].map((m) => m.uniqueNumber)).to.deep.equal(expected);
        expect(rest.next, 'the second page is the last').to.equal(undefined);
      });
    }
  }

  it('follows cursors over random filters, sorts and page sizes: the model order, each row once (property)', () => {
    const filters = fc.constantFrom<Filters>(
      {},
      { category: ['Natural'] },
      { danger: true },
      { region: ['Africa'] },
      { inscribed_from: 2005 },
      { q: 'church' },
    );
    fc.assert(
      fc.property(filters, fc.constantFrom(...COLUMNS), fc.boolean(), fc.integer({ min: 1, max: 400 }), (f, column, descending, limit) => {
        const params = filterParams(f);
        params.set('sort', `${descending ? '-' : ''}${column}`);
        params.set('limit', String(limit));
        const expected = modelOrder(f, column, descending);
        const { ids, totals, pages } = allPages(index, params);
        expect(ids, params.toString()).to.deep.equal(expected);
        expect(new Set(totals), 'every page counts the same total').to.deep.equal(new Set([expected.length]));
        expect(pages).to.equal(Math.max(1, Math.ceil(expected.length / limit)));
      }),
      { numRuns: 60 },
    );
  });

  // Paths by how many sites match: the index's own order (unique_number), a column's order
  // walked (many matches), the matches sorted (few).
  const byMatches: [string, Filters][] = [
    ['many', { category: ['Cultural'] }],
    ['few', { danger: true }],
  ];
  for (const [name, filters] of byMatches) {
    for (const sort of ['unique_number', '-unique_number', 'date_inscribed', '-name_en']) {
      it(`follows cursors, ${name} matches, sort=${sort}: the model order, 7 a page`, () => {
        const params = filterParams(filters);
        params.set('sort', sort);
        params.set('limit', '7');
        const descending = sort.startsWith('-');
        const expected = modelOrder(filters, descending ? sort.slice(1) : sort, descending);
        expect(allPages(index, params).ids).to.deep.equal(expected);
      });
    }
  }

  it('follows cursors when sorting by long text columns', () => {
    for (const column of LONG_TEXT)
      expect(allPages(index, new URLSearchParams({ sort: column, limit: '1' })).ids).to.deep.equal(modelOrder({}, column, false));
  });

  it('sorts near results by the model distance and pages them without repeats', () => {
    const f: Filters = { near: [35.0, 135.7], radius_km: 2000 };
    const params = filterParams(f);
    params.set('limit', '7');
    const expected = reference.rows
      .map((row) => ({ id: row['unique_number'] as number, match: referenceMatch(row, f) }))
      .filter((r) => r.match !== undefined)
      .sort((a, b) => (a.match?.distance ?? 0) - (b.match?.distance ?? 0) || a.id - b.id)
      .map((r) => r.id);
    expect(expected.length, 'the case spans several pages').to.be.above(14);
    expect(allPages(index, params).ids).to.deep.equal(expected);
  });

  // Wide radii match most sites, narrow ones a few: a page is found both ways (by walking the
  // column's order, or by sorting the matches), and both must carry each row's distance.
  for (const radius of [20_000, 800]) {
    it(`sorts near results within ${radius} km by a column when asked, each with the model distance`, () => {
      const f: Filters = { near: [41.9, 12.5], radius_km: radius };
      const params = filterParams(f);
      params.set('sort', '-name_en');
      params.set('limit', '40');
      const result = runQuery(index, plan(params));
      const expected = modelOrder(f, 'name_en', true);
      expect(result.total).to.equal(expected.length);
      expect(result.page.map((m) => m.uniqueNumber)).to.deep.equal(expected.slice(0, 40));
      for (const match of result.page) {
        const model = referenceMatch(reference.rows.find((r) => r['unique_number'] === match.uniqueNumber) ?? {}, f)?.distance;
        expect(match.distanceKm, `distance of ${match.uniqueNumber}`).to.be.closeTo(model as number, (model as number) * 0.006 + 0.01);
      }
    });
  }

  it('answers an empty last page with no next cursor for a filter that selects nothing', () => {
    const result = runQuery(index, plan(new URLSearchParams({ q: 'zzzzqqq' })));
    expect(result).to.deep.include({ total: 0, next: undefined });
    expect(result.page).to.deep.equal([]);
  });
});

describe('order and cursors (unit)', () => {
  it('parses every sort field both ways and formats it back', () => {
    for (const field of SORT_FIELDS) {
      for (const text of [field, `-${field}`])
        expect(formatSort(parseSort(text) ?? { field: 'unique_number', descending: false })).to.equal(text);
    }
    for (const bad of ['', '-', '--name_en', 'name', 'Name_en', ' name_en', '+name_en']) expect(parseSort(bad), bad).to.equal(undefined);
  });

  const keys = fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 }));
  it('puts null last in both directions and reverses everything else (property)', () => {
    fc.assert(
      fc.property(keys, keys, (a: SortKey, b: SortKey) => {
        if (a === null && b !== null) expect([compareKeys(a, b, false), compareKeys(a, b, true)]).to.deep.equal([1, 1]);
        if (a !== null && b !== null && typeof a === typeof b) expect(compareKeys(a, b, true)).to.equal(-compareKeys(a, b, false));
        expect(Math.sign(compareKeys(a, b, false))).to.equal(-Math.sign(compareKeys(b, a, false)));
      }),
    );
  });

  it('decodes what it encodes, and nothing else (property)', () => {
    const cursor = fc.record({
      sort: fc.constantFrom(...SORT_FIELDS),
      key: fc.oneof(fc.constant(null), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
      uniqueNumber: fc.nat(),
    });
    fc.assert(
      fc.property(cursor, (c) => {
        expect(decodeCursor(encodeCursor(c))).to.deep.equal({ ...c, key: Object.is(c.key, -0) ? 0 : c.key });
      }),
    );
    // Keys of any length: the cursor stays short, and names the site (no key) when the key does not fit.
    const longKey = fc.record({
      sort: fc.constantFrom(...SORT_FIELDS),
      key: fc.string({ minLength: 300, maxLength: 5000, unit: 'binary' }),
      uniqueNumber: fc.nat(),
    });
    fc.assert(
      fc.property(longKey, (c) => {
        const text = encodeCursor(c);
        expect(text.length).to.be.at.most(MAX_KEYED_CURSOR_LENGTH);
        expect(decodeCursor(text)).to.deep.equal({ ...c, key: undefined });
      }),
    );
    const notOurs = [
      '',
      '!!!',
      Buffer.from('{"s":"name_en"}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"s":"a","k":1,"u":1.5}').toString('base64url'),
      'A'.repeat(2049),
    ];
    for (const text of notOurs) expect(decodeCursor(text), text.slice(0, 20)).to.equal(undefined);
  });
});
