/**
 * The bound on bytes held for answers in flight, on a real server: answers waiting for the one
 * compression slot hold their bytes, and past the bound new data requests answer 503 OVERLOADED
 * with Retry-After, while probes answer; once the answers are delivered the bytes are released.
 * With the search queue, a search is checked again at its turn.
 */
import { request } from 'node:http';
import { expect } from 'chai';
import { metricValue, scrape } from '../helpers/metrics.js';
import { openAgent, sendLabelled } from '../helpers/burst.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('bound on bytes held for answers in flight', () => {
  let server: TestServer;
  // 2.4 MB pages: two waiting for compression hold about 10 MB. No CPU budget, so only this bound refuses.
  before(async () => (server = await startTestServer({ responseMemoryMb: 8, searchCpuPercent: 100, answerCacheMb: 0 })));
  after(() => server.close());

  it('answers 503 OVERLOADED past the bound, keeps probes answering, and releases the bytes', async () => {
    const page = (i: number) => fetch(`${server.url}/query?limit=1000&inscribed_from=${i}`, { headers: { 'Accept-Encoding': 'br' } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => page(i + 1)));
    const refused = answers.filter((a) => a.status === 503);
    const answered = answers.filter((a) => a.status === 200);
    expect(refused.length, `statuses ${answers.map((a) => a.status).join(',')}`).to.be.greaterThan(0);
    expect(answered.length).to.be.greaterThan(0);
    expect(answered.length + refused.length).to.equal(20);
    const problem = await expectProblem(refused[0] as Response, 503, 'OVERLOADED');
    expect(problem.detail).to.include('RESPONSE_MEMORY_MB');
    expect(refused[0]?.headers.get('retry-after')).to.equal('1');
    // The metrics say which bound refused them, as many as the client saw, and what is held.
    const during = await scrape(server);
    expect(metricValue(during, 'whc_http_requests_refused_total{reason="memory_bound"}')).to.equal(refused.length);
    expect(metricValue(during, 'whc_http_requests_refused_total{reason="search_wait"}')).to.equal(0);
    expect(metricValue(during, 'whc_http_response_limit_bytes')).to.equal(8 * 1024 * 1024);
    await Promise.all([...answered, ...refused.slice(1)].map((a) => a.arrayBuffer()));
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
    // Everything delivered: the bytes are released and the same request is answered.
    const again = await page(1);
    await again.arrayBuffer();
    expect(metricValue(await scrape(server), 'whc_http_response_bytes'), 'bytes held once all is delivered').to.equal(0);
    expect(again.status).to.equal(200);
    expect(again.headers.get('content-encoding')).to.equal('br');
  });
});

describe('bound on bytes held for answers in flight, with the search queue', function () {
  this.timeout(30_000);
  let server: TestServer;
  // A wait bound far above the burst's: only the memory bound refuses here.
  before(
    async () => (server = await startTestServer({ responseMemoryMb: 8, searchCpuPercent: 50, searchWaitMs: 30_000, answerCacheMb: 0 })),
  );
  after(() => server.close());

  it('refuses at its turn a search admitted while the bound was free, once answers computed meanwhile fill it', async () => {
    // 20 distinct 2.4 MB pages arriving together: all pass the guard on arrival (nothing is held
    // yet), then wait their turn; the first ones computed, waiting for the compression slot, fill the 8 MB.
    const agent = await openAgent(server.url, 20);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendLabelled(server.url, agent, [], `/query?near=48.85,2.35&radius_km=${20_000 + i}&limit=1000`, undefined, {
          'Accept-Encoding': 'br',
        }),
      ),
    );
    agent.destroy();
    const statuses = answers.map((a) => a.status);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length, `statuses ${statuses.join(',')}`).to.be.greaterThan(0);
    expect(statuses.filter((s) => s === 200).length, `statuses ${statuses.join(',')}`).to.be.greaterThan(0);
    const problem = await expectProblem(refused[0] as Response, 503, 'OVERLOADED');
    expect(problem.detail).to.include('RESPONSE_MEMORY_MB');
    // Refused on arrival or at their turn, all by the memory bound, as many as the client saw.
    const metrics = await scrape(server);
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="memory_bound"}')).to.equal(refused.length);
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="search_wait"}')).to.equal(0);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
  });
});

describe('bytes held for answers whose client left while they waited', function () {
  this.timeout(30_000);
  let server: TestServer;
  // A wait bound far above the burst's, no cache: every search is computed in its turn.
  before(async () => (server = await startTestServer({ searchCpuPercent: 50, searchWaitMs: 30_000, answerCacheMb: 0 })));
  after(() => server.close());

  /** A burst of distinct 2.4 MB pages; the clients of every third leave as soon as it is sent. Resolves once every other is read. */
  async function burstWithLeavers(headers: Record<string, string>): Promise<number[]> {
    const agent = await openAgent(server.url, 30);
    const sent = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 2
        ? new Promise<number>((resolve) => {
            const req = request(`${server.url}/query?near=48.85,2.35&radius_km=${20_000 + i / 9}&limit=1000`, { agent, headers });
            req.on('error', () => resolve(0));
            req.end(() => setImmediate(() => req.destroy()));
          })
        : sendLabelled(server.url, agent, [], `/query?near=48.85,2.35&radius_km=${20_000 + i / 9}&limit=1000`, undefined, headers).then(
            async (answer) => {
              await answer.arrayBuffer();
              return answer.status;
            },
          ),
    );
    const statuses = await Promise.all(sent);
    agent.destroy();
    return statuses;
  }

  for (const [label, headers] of [
    ['the search fast path', {}],
    ['Koa', { Accept: 'application/json;q=0.9' }],
  ] as const) {
    it(`holds none once everything is delivered, through ${label}`, async () => {
      const statuses = await burstWithLeavers(headers);
      expect(statuses.filter((s) => s !== 0)).to.deep.equal(Array.from({ length: 20 }, () => 200));
      // The leavers' answers are computed in their turn after their clients left: nothing of them may stay held.
      let held = metricValue(await scrape(server), 'whc_http_response_bytes');
      for (let i = 0; i < 50 && held !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        held = metricValue(await scrape(server), 'whc_http_response_bytes');
      }
      expect(held, 'bytes held after every answer was delivered or its client gone').to.equal(0);
    });
  }
});
