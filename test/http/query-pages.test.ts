/** Sorting and cursor paging: following `Link: rel="next"` visits every matching row once, in order. */
import { expect } from 'chai';
import fc from 'fast-check';
import { expectProblem } from '../helpers/problem.js';
import { referenceData } from '../helpers/reference-csv.js';
import { compareForSort, filterParams, referenceMatch, type Filters } from '../helpers/reference-query.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** The URL in a `Link` header's rel="next" entry, parsed by hand (RFC 8288 §3). */
function nextUrl(link: string | null, base: string): string | undefined {
  const match = link?.match(/^<([^>]*)>;\s*rel="next"$/);
  return match?.[1] === undefined ? undefined : new URL(match[1], base).toString();
}

describe('GET /query sorting and paging', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function allPages(first: string): Promise<{ ids: number[]; pages: number; totals: number[] }> {
    const ids: number[] = [];
    const totals: number[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url !== undefined) {
      const response = await fetch(url);
      expect(response.status, await response.clone().text()).to.equal(200);
      const rows = (await response.json()) as { unique_number: number }[];
      ids.push(...rows.map((r) => r.unique_number));
      totals.push(Number(response.headers.get('x-total-count')));
      pages += 1;
      url = nextUrl(response.headers.get('link'), server.url);
      if (pages > 1200) throw new Error('paging does not end');
    }
    return { ids, pages, totals };
  }

  function expectedOrder(f: Filters, column: string, descending: boolean): number[] {
    return reference.rows
      .filter((row) => referenceMatch(row, f) !== undefined)
      .sort((a, b) => compareForSort(a, b, column, descending))
      .map((row) => row['unique_number'] as number);
  }

  it('answers the first 100 rows by unique_number with no parameters, and a next link', async () => {
    const response = await fetch(`${server.url}/query`);
    const rows = (await response.json()) as { unique_number: number }[];
    const all = reference.rows.map((r) => r['unique_number'] as number).sort((a, b) => a - b);
    expect(rows.map((r) => r.unique_number)).to.deep.equal(all.slice(0, 100));
    expect(response.headers.get('x-total-count')).to.equal(String(all.length));
    expect(nextUrl(response.headers.get('link'), server.url)).to.be.a('string');
  });

  for (const [sort, column, descending] of [
    ['name_en', 'name_en', false],
    ['-date_inscribed', 'date_inscribed', true],
    ['area_hectares', 'area_hectares', false],
    ['-states_name_en', 'states_name_en', true],
    ['danger', 'danger', false],
  ] as const) {
    it(`sort=${sort} orders as the model does, nulls last, ties by unique_number`, async () => {
      const { ids } = await allPages(`${server.url}/query?sort=${sort}&limit=1000&fields=unique_number`);
      expect(ids).to.deep.equal(expectedOrder({}, column, descending));
    });
  }

  it('follows next links over random filters, sorts and page sizes: each row once, in order (property)', async () => {
    const sorts = [
      'unique_number',
      '-unique_number',
      'name_en',
      '-name_fr',
      'date_inscribed',
      '-area_hectares',
      'latitude',
      '-criteria_txt',
      'category',
    ];
    const scenario = fc.record({
      filters: fc.record(
        {
          category: fc.subarray(['Cultural', 'Natural', 'Mixed'], { minLength: 1 }),
          danger: fc.boolean(),
          inscribed_from: fc.integer({ min: 1978, max: 2019 }),
          criterion: fc.subarray(['i', 'iv', 'vii', 'x'], { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      sort: fc.constantFrom(...sorts),
      limit: fc.integer({ min: 1, max: 120 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ filters, sort, limit }) => {
        const f = filters as Filters;
        const expected = expectedOrder(f, sort.replace(/^-/, ''), sort.startsWith('-'));
        fc.pre(expected.length / limit <= 60);
        const params = filterParams(f);
        params.set('sort', sort);
        params.set('limit', String(limit));
        params.set('fields', 'unique_number');
        const { ids, pages, totals } = await allPages(`${server.url}/query?${params.toString()}`);
        expect(ids).to.deep.equal(expected);
        expect(pages).to.equal(Math.max(1, Math.ceil(expected.length / limit)));
        expect(new Set(totals)).to.deep.equal(new Set([expected.length]));
      }),
      { numRuns: 40 },
    );
  });

  it('pages near results by distance without repeats', async () => {
    const f: Filters = { near: [35.0, 135.7], radius_km: 2000 };
    const params = filterParams(f);
    params.set('limit', '7');
    const { ids } = await allPages(`${server.url}/query?${params.toString()}`);
    const expected = reference.rows
      .map((row) => ({ id: row['unique_number'] as number, m: referenceMatch(row, f) }))
      .filter((x) => x.m !== undefined)
      .sort((a, b) => (a.m?.distance ?? 0) - (b.m?.distance ?? 0) || a.id - b.id)
      .map((x) => x.id);
    expect(ids).to.deep.equal(expected);
  });

  it('rejects a cursor made for another sort', async () => {
    const first = await fetch(`${server.url}/query?sort=name_en&limit=2`);
    const next = nextUrl(first.headers.get('link'), server.url) ?? '';
    const cursor = new URL(next).searchParams.get('cursor') ?? '';
    const problem = await expectProblem(await fetch(`${server.url}/query?sort=-name_en&cursor=${cursor}`), 400, 'INVALID_PARAMETER');
    expect(problem.detail).to.include('cursor').and.include('sort=name_en');
  });

  it('has no next link on the last page', async () => {
    const response = await fetch(`${server.url}/query?id_no=208`);
    expect(response.headers.get('link')).to.equal(null);
  });
});
