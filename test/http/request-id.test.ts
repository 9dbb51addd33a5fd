/**
 * Request correlation on a real server: every answer carries an X-Request-Id (the client's when
 * plausible, else a new UUID) and its request line in the log carries the same id, the query
 * string (bounded), the body's size and, for an error, the problem's code.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions, MAX_LOGGED_QUERY } from '../../src/log/logger.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id and the request line', () => {
  const lines: Record<string, unknown>[] = [];
  let server: TestServer;
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer({ logger: pino(loggerOptions('info'), sink) });
  });
  after(() => server.close());

  /** The request line whose id the answer carries (found by the id, as an on-call engineer would). */
  async function lineOf(answer: Response): Promise<Record<string, unknown>> {
    const id = answer.headers.get('x-request-id') ?? '';
    for (let wait = 0; wait < 50; wait++) {
      const found = lines.filter((l) => l['msg'] === 'request' && l['reqId'] === id);
      if (found.length > 0) {
        expect(found, `lines with id ${id}`).to.have.length(1);
        return found[0] as Record<string, unknown>;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request line with id ${id}`);
  }

  it("keeps the client's id, and logs it beside the query string and the body's size", async () => {
    const id = 'Root=1-67891233-abcdef012345678912345678';
    const answer = await fetch(`${server.url}/query?category=Natural&limit=2`, {
      headers: { 'X-Request-Id': id, 'Accept-Encoding': 'identity' },
    });
    const body = Buffer.from(await answer.arrayBuffer());
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('x-request-id')).to.equal(id);
    expect(await lineOf(answer)).to.include({
      reqId: id,
      path: '/query',
      query: 'category=Natural&limit=2',
      status: 200,
      bytes: body.length,
    });
    expect(await lineOf(answer)).to.not.have.property('code');
    // Compressed, the size on the wire: what the answer's Content-Length says, not the decoded body.
    const gzip = await fetch(`${server.url}/query?category=Natural&limit=3`, { headers: { 'Accept-Encoding': 'gzip' } });
    const decoded = (await gzip.arrayBuffer()).byteLength;
    expect(gzip.headers.get('content-encoding')).to.equal('gzip');
    expect((await lineOf(gzip))['bytes'])
      .to.equal(Number(gzip.headers.get('content-length')))
      .and.be.below(decoded);
  });

  it('puts the problem code of an error answer in its line, and echoes the id on problem documents too', async () => {
    const answer = await fetch(`${server.url}/query?limit=abc`, { headers: { 'X-Request-Id': 'bad-limit-1' } });
    expect(answer.headers.get('x-request-id')).to.equal('bad-limit-1');
    const length = Number(answer.headers.get('content-length'));
    await expectProblem(answer, 400, 'INVALID_PARAMETER');
    expect(await lineOf(answer)).to.include({ status: 400, code: 'INVALID_PARAMETER', query: 'limit=abc', bytes: length });
    const missing = await fetch(`${server.url}/nowhere?x=1`);
    expect(missing.headers.get('x-request-id')).to.match(UUID);
    await expectProblem(missing, 404, 'ROUTE_NOT_FOUND');
    expect(await lineOf(missing)).to.include({ status: 404, code: 'ROUTE_NOT_FOUND', path: '/nowhere', query: 'x=1' });
  });

  it('replaces an implausible id (too long, odd characters, repeated) with a new UUID', async () => {
    const implausible: [string, string][][] = [
      [['X-Request-Id', 'a'.repeat(129)]],
      [['X-Request-Id', 'has space']],
      [['X-Request-Id', '"},"level":"fatal']],
      [
        ['X-Request-Id', 'one'],
        ['X-Request-Id', 'two'],
      ],
    ];
    const seen = new Set<string>();
    for (const headers of implausible) {
      // Both paths: the lookup fast path and Koa.
      for (const path of ['/query?unique_number=230', '/query?limit=1']) {
        const answer = await fetch(`${server.url}${path}`, { headers: new Headers(headers) });
        await answer.arrayBuffer();
        const id = answer.headers.get('x-request-id') ?? '';
        expect(id, `${path} ${JSON.stringify(headers)}`).to.match(UUID);
        expect(seen.has(id)).to.equal(false);
        seen.add(id);
        expect((await lineOf(answer))['path']).to.equal('/query');
      }
    }
  });

  it('keeps at most MAX_LOGGED_QUERY characters of the query string', async () => {
    const query = `q=${'x'.repeat(3000)}`;
    const answer = await fetch(`${server.url}/query?${query}`);
    await answer.arrayBuffer();
    expect((await lineOf(answer))['query']).to.equal(query.slice(0, MAX_LOGGED_QUERY));
  });
});
