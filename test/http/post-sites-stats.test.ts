/** `POST /query` (same answers as GET), `GET /sites/{id}` and `GET /stats` facets. */
import { expect } from 'chai';
import { expectProblem } from '../helpers/problem.js';
import { referenceData } from '../helpers/reference-csv.js';
import { referenceMatch, type Filters } from '../helpers/reference-query.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('POST /query, /sites and /stats', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/query`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  describe('POST /query', () => {
    it('answers exactly what GET answers for the same parameters, with lists as arrays', async () => {
      const viaGet = await fetch(`${server.url}/query?category=Natural,Mixed&danger=true&limit=3&fields=unique_number,name_en`);
      const viaPost = await post(
        JSON.stringify({ category: ['Natural', 'Mixed'], danger: true, limit: 3, fields: 'unique_number,name_en' }),
      );
      expect(viaPost.status).to.equal(200);
      expect(await viaPost.text()).to.equal(await viaGet.text());
      for (const name of ['x-total-count', 'link', 'etag']) expect(viaPost.headers.get(name), name).to.equal(viaGet.headers.get(name));
    });

    it('keeps the lookup: {"unique_number": 230} answers [row]', async () => {
      const viaPost = await post('{"unique_number": 230}');
      expect(await viaPost.text()).to.equal(await (await fetch(`${server.url}/query?unique_number=230`)).text());
    });

    it('answers 400 for malformed JSON, a non-object, a bad value, an unknown parameter', async () => {
      expect((await expectProblem(await post('{"danger": tru'), 400, 'BAD_REQUEST')).detail).to.include('JSON');
      await expectProblem(await post('[1,2]'), 400, 'BAD_REQUEST');
      const nested = await expectProblem(await post('{"limit": {"max": 3}}'), 400, 'INVALID_PARAMETER');
      expect(nested.detail).to.include('limit');
      expect((await expectProblem(await post('{"limit": 5000}'), 400, 'INVALID_PARAMETER')).detail).to.include('limit');
      expect((await expectProblem(await post('{"colour": "red"}'), 400, 'UNKNOWN_PARAMETER')).detail).to.include('colour');
    });

    it('answers 413 beyond 16 KiB and 415 for a body that is not JSON', async () => {
      await expectProblem(await post(JSON.stringify({ q: 'x'.repeat(17 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
      await expectProblem(await post('q=temple', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('GET /sites/{unique_number}', () => {
    it('answers the row as an object, equal to the independent reading', async () => {
      const response = await fetch(`${server.url}/sites/230`);
      expect(response.status).to.equal(200);
      const expected = reference.rows.find((r) => r['unique_number'] === 230);
      expect(await response.json()).to.deep.equal(expected);
      const etag = response.headers.get('etag') ?? '';
      expect((await fetch(`${server.url}/sites/230`, { headers: { 'If-None-Match': etag } })).status).to.equal(304);
    });

    it('answers 404 for an unknown site and 400 for a malformed id', async () => {
      await expectProblem(await fetch(`${server.url}/sites/999999`), 404, 'SITE_NOT_FOUND');
      expect((await expectProblem(await fetch(`${server.url}/sites/0x10`), 400, 'INVALID_PARAMETER')).detail).to.include('unique_number');
      await expectProblem(await fetch(`${server.url}/sites/230?format=csv`), 400, 'UNKNOWN_PARAMETER');
    });
  });

  describe('GET /stats', () => {
    /** The model's facets: each state and region of a site counted once. */
    function expectedFacets(f: Filters) {
      const rows = reference.rows.filter((r) => referenceMatch(r, f) !== undefined);
      const count = (values: unknown[]) => {
        const counts: Record<string, number> = {};
        for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
        return counts;
      };
      const listed = (column: string) =>
        rows.flatMap((r) => [
          ...new Set(
            String((r[column] as string | number | null) ?? '')
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== ''),
          ),
        ]);
      return {
        total: rows.length,
        category: count(rows.map((r) => r['category'])),
        region: count(listed('region_en')),
        state: count(listed('states_name_en')),
        danger: count(rows.map((r) => r['danger'] === true)),
      };
    }
    const asCounts = (facet: { value: unknown; count: number }[]) => Object.fromEntries(facet.map((f) => [String(f.value), f.count]));

    for (const [name, qs, filters] of [
      ['the whole list', '', {}],
      ['a region in danger', 'region=Africa&danger=true', { region: ['Africa'], danger: true }],
      ['a search', 'q=church', { q: 'church' }],
    ] as [string, string, Filters][]) {
      it(`counts ${name} as the model does`, async () => {
        const response = await fetch(`${server.url}/stats?${qs}`);
        expect(response.status).to.equal(200);
        const stats = (await response.json()) as { total: number; facets: Record<string, { value: unknown; count: number }[]> };
        const expected = expectedFacets(filters);
        expect(stats.total).to.equal(expected.total);
        for (const facet of ['category', 'region', 'state', 'danger'] as const) {
          expect(asCounts(stats.facets[facet] ?? []), facet).to.deep.equal(expected[facet]);
          const counts = (stats.facets[facet] ?? []).map((f) => f.count);
          expect(counts, `${facet} most frequent first`).to.deep.equal([...counts].sort((a, b) => b - a));
        }
      });
    }

    it('rejects paging and format parameters, which facets do not have', async () => {
      await expectProblem(await fetch(`${server.url}/stats?limit=5`), 400, 'UNKNOWN_PARAMETER');
      await expectProblem(await fetch(`${server.url}/stats?radius_km=5`), 400, 'INVALID_PARAMETER');
    });
  });
});
