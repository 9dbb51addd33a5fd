import { expect } from 'chai';
import { expectProblem } from '../helpers/problem.js';
import { referenceData } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /query', () => {
  const reference = referenceData();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const query = (qs: string, init?: RequestInit) => fetch(`${server.url}/query${qs}`, init);

  it('answers unique_number=230 with the Bamiyan Valley row (id_no 208) as a one-element JSON array', async () => {
    const response = await query('?unique_number=230');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>[];
    expect(body).to.have.length(1);
    expect(body[0]?.['name_en']).to.equal('Cultural Landscape and Archaeological Remains of the Bamiyan Valley');
    expect(body[0]?.['id_no']).to.equal(208);
  });

  it('answers valid JSON with null (never NaN) for empty cells, where the old service sent NaN', async () => {
    const text = await (await query('?unique_number=230')).text();
    expect(text).not.to.include('NaN');
    const row = (JSON.parse(text) as Record<string, unknown>[])[0] ?? {};
    const expected = reference.rows.find((r) => r['unique_number'] === 230) ?? {};
    const emptyColumns = Object.keys(expected).filter((k) => expected[k] === null);
    expect(emptyColumns, 'row 230 has empty cells in the CSV').not.to.be.empty;
    for (const column of emptyColumns) expect(row[column], column).to.equal(null);
  });

  it('serves every one of the 1121 rows exactly as an independent reading of the CSV, keys in column order', async () => {
    expect(reference.rows).to.have.length(1121);
    for (const expected of reference.rows) {
      const response = await query(`?unique_number=${String(expected['unique_number'])}`);
      expect(response.status).to.equal(200);
      const body = (await response.json()) as Record<string, unknown>[];
      expect(body).to.have.length(1);
      expect(body[0]).to.deep.equal(expected);
      expect(Object.keys(body[0] ?? {})).to.deep.equal(reference.header);
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const get = await query('?unique_number=230');
    const head = await query('?unique_number=230', { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.headers.get('content-length')).to.equal(get.headers.get('content-length'));
    expect(head.headers.get('etag')).to.equal(get.headers.get('etag'));
    expect(await head.text()).to.equal('');
  });

  it('answers 304 without a body when If-None-Match carries the row ETag', async () => {
    const etag = (await query('?unique_number=230')).headers.get('etag') ?? '';
    expect(etag).to.match(/^"[^"]+"$/);
    const revalidated = await query('?unique_number=230', { headers: { 'If-None-Match': `W/${etag}, "other"` } });
    expect(revalidated.status).to.equal(304);
    expect(await revalidated.text()).to.equal('');
    const other = (await query('?unique_number=86')).headers.get('etag');
    expect(other).to.not.equal(etag);
  });

  describe('responds 400 when unique_number is not one positive integer', () => {
    const cases: [string, string][] = [
      ['empty', '?unique_number='],
      ['repeated', '?unique_number=230&unique_number=86'],
      ['not a number', '?unique_number=abc'],
      ['zero', '?unique_number=0'],
      ['negative', '?unique_number=-230'],
      ['a decimal', '?unique_number=230.0'],
      ['an exponent', '?unique_number=2e2'],
      ['hexadecimal', '?unique_number=0x10'],
      ['padded', '?unique_number=%20230'],
      ['leading zero', '?unique_number=0230'],
      ['beyond safe integers', '?unique_number=9007199254740993'],
    ];
    for (const [name, qs] of cases) {
      it(`${name}: ${qs || '(no query)'}`, async () => {
        const problem = await expectProblem(await query(qs), 400, 'INVALID_PARAMETER');
        expect(problem.detail).to.include('unique_number');
      });
    }
  });

  it('responds 400 naming an unknown parameter and the allowed ones', async () => {
    const problem = await expectProblem(await query('?unique_number=230&colour=red'), 400, 'UNKNOWN_PARAMETER');
    expect(problem.detail).to.include('"colour"').and.include('unique_number');
  });

  it('responds 404 when no site has the unique_number', async () => {
    const known = new Set(reference.rows.map((r) => r['unique_number']));
    let missing = 1;
    while (known.has(missing)) missing++;
    const problem = await expectProblem(await query(`?unique_number=${missing}`), 404, 'SITE_NOT_FOUND');
    expect(problem.detail).to.include(String(missing));
  });
});
