/**
 * The bound on bytes held for answers in flight, on a real server: answers waiting for the one
 * compression slot hold their bytes, and past the bound new data requests answer 503 OVERLOADED
 * with Retry-After, while probes answer; once the answers are delivered the bytes are released.
 */
import { expect } from 'chai';
import { metricValue, scrape } from '../helpers/metrics.js';
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
    expect(metricValue(during, 'whc_http_requests_refused_total{reason="cpu_budget"}')).to.equal(0);
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
