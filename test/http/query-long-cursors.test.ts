/**
 * Cursors after rows whose sort key is long (descriptions and justifications run to thousands
 * of characters): every cursor the server hands out is accepted, and following them visits
 * every row once in the order of the hand-read CSV. A cursor that continues after a site the
 * reloaded data no longer holds is a clear 400 problem.
 */
import { expect } from 'chai';
import { loadDataset } from '../../src/data/load.js';
import { expectProblem } from '../helpers/problem.js';
import { readDataText, readRecords, referenceData } from '../helpers/reference-csv.js';
import { compareForSort } from '../helpers/reference-query.js';
import { tempDir } from '../helpers/temp-files.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** The URL in a `Link` header's rel="next" entry, parsed by hand (RFC 8288 §3). */
function nextUrl(link: string | null, base: string): string | undefined {
  const match = link?.match(/^<([^>]*)>;\s*rel="next"$/);
  return match?.[1] === undefined ? undefined : new URL(match[1], base).toString();
}

type Rows = { unique_number: number }[];

describe('GET and POST /query: cursors after long sort keys', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  const expectedOrder = (column: string, descending: boolean): number[] =>
    [...reference.rows].sort((a, b) => compareForSort(a, b, column, descending)).map((row) => row['unique_number'] as number);

  for (const sort of ['justification_en', '-justification_en']) {
    const column = sort.replace(/^-/, '');
    const descending = sort.startsWith('-');

    it(`sort=${sort}&limit=50: following Link to the end gives the CSV's order, each row once`, async () => {
      const ids: number[] = [];
      let url: string | undefined = `${server.url}/query?sort=${sort}&limit=50&fields=unique_number`;
      for (let pages = 0; url !== undefined; pages++) {
        if (pages > 100) throw new Error('paging does not end');
        const response = await fetch(url);
        expect(response.status, await response.clone().text()).to.equal(200);
        ids.push(...((await response.json()) as Rows).map((r) => r.unique_number));
        url = nextUrl(response.headers.get('link'), server.url);
      }
      expect(ids).to.deep.equal(expectedOrder(column, descending));
    });

    it(`sort=${sort}&limit=50: following X-Next-Cursor in POST bodies gives the same`, async () => {
      const ids: number[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages === 0 || cursor !== null; pages++) {
        if (pages > 100) throw new Error('paging does not end');
        const body = { sort, limit: '50', fields: 'unique_number', ...(cursor === null ? {} : { cursor }) };
        const response = await fetch(`${server.url}/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status, await response.clone().text()).to.equal(200);
        ids.push(...((await response.json()) as Rows).map((r) => r.unique_number));
        cursor = response.headers.get('x-next-cursor');
      }
      expect(ids).to.deep.equal(expectedOrder(column, descending));
    });
  }

  it('answers 400 STALE_CURSOR for a cursor after a site the reloaded data no longer holds', async () => {
    const own = await startTestServer();
    const dir = tempDir();
    try {
      const first = await fetch(`${own.url}/query?sort=justification_en&limit=1&fields=unique_number`);
      const [last] = (await first.json()) as Rows;
      const next = nextUrl(first.headers.get('link'), own.url) as string;
      // The same file without the row of the page's last site.
      const text = readDataText();
      const records = readRecords(text);
      const column = records[0]?.fields.indexOf('unique_number') ?? -1;
      const at = records.findIndex((r) => r.fields[column] === String(last?.unique_number));
      expect(at, 'the site is in the file').to.be.above(0);
      const without = text.slice(0, records[at]?.start) + text.slice(records[at + 1]?.start ?? text.length);
      own.store.replace(await loadDataset(dir.write('without.csv', without)));
      const problem = await expectProblem(await fetch(next), 400, 'STALE_CURSOR');
      expect(problem.detail).to.include(String(last?.unique_number)).and.include('first page');
    } finally {
      dir.remove();
      await own.close();
    }
  });
});
