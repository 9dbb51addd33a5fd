/**
 * Requests Node would answer itself with a bare reply (no Host, an unmet Expect), POST answers
 * whose next-page link cannot be a URL, and clients that vanish mid-answer.
 */
import { expect } from 'chai';
import { connect } from 'node:net';
import { expectProblem } from '../helpers/problem.js';
import { rawRequest } from '../helpers/raw-http.js';
import { referenceData } from '../helpers/reference-csv.js';
import { spawnService } from '../helpers/service-process.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** A raw answer as a fetch Response, so the one problem assertion applies. */
function asResponse(raw: { status: number; headers: Readonly<Record<string, string>>; body: string }): Response {
  return new Response(raw.body, { status: raw.status, headers: raw.headers });
}

describe('protocol edges', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startTestServer();
    port = server.running.port;
  });
  after(() => server.close());

  it('answers an HTTP/1.1 request without Host with a 400 problem, and closes', async () => {
    const raw = await rawRequest(port, 'GET /query?unique_number=230 HTTP/1.1\r\n\r\n');
    expect(raw.headers['connection']).to.equal('close');
    const problem = await expectProblem(asResponse(raw), 400, 'BAD_REQUEST');
    expect(problem.detail).to.include('Host');
  });

  it('still answers HTTP/1.0 without Host (it has no such rule)', async () => {
    const raw = await rawRequest(port, 'GET /query?unique_number=230 HTTP/1.0\r\n\r\n');
    expect(raw.status).to.equal(200);
    expect((JSON.parse(raw.body) as { id_no: number }[])[0]?.id_no).to.equal(208);
  });

  it('answers Expect: bogus with a 417 problem', async () => {
    const raw = await rawRequest(port, 'GET /query?unique_number=230 HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n\r\n');
    await expectProblem(asResponse(raw), 417, 'EXPECTATION_FAILED');
  });

  it('gives a long POST query no Link past the URL limit, and an X-Next-Cursor that pages it with POST', async () => {
    const rows = referenceData().rows;
    const names = (column: string) => [
      ...new Set(
        rows
          .flatMap((r) => String((r[column] as string | number | null) ?? '').split(','))
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ];
    // Real names (so rows match) padded with long names no site has, up to the 200 allowed.
    const real = names('states_name_en').slice(0, 60);
    const state = [
      ...real,
      ...Array.from({ length: 200 - real.length }, (_, i) => `Nowhere Republic of the Very Long Names and Province Number ${i}`),
    ];
    const base = { state, fields: ['unique_number'], limit: 50 };
    const post = (body: object) =>
      fetch(`${server.url}/query`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    // Guard: as a GET, these parameters do not fit the 8 KiB URL limit.
    expect(
      `/query?${new URLSearchParams({ state: state.join(','), fields: 'unique_number', limit: '50' }).toString()}`.length,
    ).to.be.greaterThan(8 * 1024);
    const first = await post(base);
    expect(first.status).to.equal(200);
    expect(first.headers.get('link')).to.equal(null);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).to.be.a('string');
    const second = await post({ ...base, cursor });
    const all = (await (await post({ ...base, limit: 100 })).json()) as { unique_number: number }[];
    const paged = [...((await first.json()) as { unique_number: number }[]), ...((await second.json()) as { unique_number: number }[])];
    expect(paged.map((r) => r.unique_number)).to.deep.equal(all.map((r) => r.unique_number));
    expect(all).to.have.length(100);
  });

  it('keeps Link on short queries, with the same cursor as X-Next-Cursor', async () => {
    const answer = await fetch(`${server.url}/query?limit=2&fields=unique_number`);
    const cursor = answer.headers.get('x-next-cursor') ?? '';
    expect(answer.headers.get('link')).to.equal(`</query?limit=2&fields=unique_number&cursor=${cursor}>; rel="next"`);
  });
});

describe('clients that go away mid-answer (real process)', function () {
  this.timeout(30_000);

  it('logs a reset connection at debug level without a stack, never as an error', async () => {
    const service = spawnService({ LOG_LEVEL: 'debug' });
    try {
      const url = new URL(await service.url);
      await service.waitForLog((l) => l['msg'] === 'dataset loaded');
      // Pipelined requests for large pages, not read, then a reset: the server's writes fail.
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(url.port), '127.0.0.1', () => {
            let requests = '';
            for (let j = 0; j < 20; j++)
              requests += `GET /query?limit=1000&inscribed_from=${1900 + j} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n`;
            socket.write(requests);
            socket.pause();
            setTimeout(() => (socket.resetAndDestroy(), resolve()), 300);
          });
          socket.on('error', () => resolve());
        });
      }
      const gone = await service.waitForLog((l) => l['msg'] === 'client went away before the answer was sent');
      expect(gone['level']).to.equal('debug');
      expect(JSON.stringify(gone)).not.to.include('stack');
      await new Promise((r) => setTimeout(r, 1200)); // logs are written in batches
      expect(service.logs.filter((l) => l['level'] === 'error' || l['level'] === 'fatal')).to.deep.equal([]);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
