/**
 * The share of the main thread searches may take: the token bucket on a fake clock (exact), and
 * on a real server, an expensive search past the budget answers 503 with Retry-After while
 * lookups and cached answers still answer.
 */
import { expect } from 'chai';
import { createCpuBudget } from '../../src/http/cpu-budget.js';
import { HttpProblem } from '../../src/http/problems.js';
import { metricValue, scrape } from '../helpers/metrics.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('createCpuBudget (fake clock)', () => {
  it('admits computations until the share of the window is spent, then refuses until it refills', () => {
    let clock = 0;
    const budget = createCpuBudget(
      50,
      () => true,
      () => clock,
    ); // 50 ms of every 100, refilled at 0.5 ms per ms
    const compute = (ms: number) => () => {
      clock += ms;
      return ms;
    };
    // Back to back, each 30 ms computation is charged 30 and refills 15 while it runs: the
    // bucket holds 50, 35, 20, 5 before each; all four run (the last one's debt counts).
    for (let i = 0; i < 4; i++) expect(budget.run(compute(30))).to.equal(30);
    const refusal = (): HttpProblem | undefined => {
      try {
        budget.run(compute(1));
      } catch (error) {
        return error as HttpProblem;
      }
      return undefined;
    };
    const refused = refusal(); // -10: refused, and a refusal costs nothing
    expect(refused).to.be.instanceOf(HttpProblem);
    expect(refused?.code).to.equal('OVERLOADED');
    expect(refused?.headers['Retry-After']).to.equal('1');
    clock += 10; // -5
    expect(refusal()).to.be.instanceOf(HttpProblem);
    clock += 10; // 0: empty is refused too
    expect(refusal()).to.be.instanceOf(HttpProblem);
    clock += 2; // 1
    expect(refusal()).to.equal(undefined);
  });

  it('never refuses when nothing else waits', () => {
    let clock = 0;
    const budget = createCpuBudget(
      1,
      () => false,
      () => clock,
    );
    for (let i = 0; i < 100; i++) budget.run(() => (clock += 1000));
  });

  it('never refuses at 100 percent', () => {
    let clock = 0;
    const budget = createCpuBudget(
      100,
      () => true,
      () => clock,
    );
    for (let i = 0; i < 100; i++) budget.run(() => (clock += 1000));
  });
});

describe('CPU budget on a real server', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ searchCpuPercent: 1 })));
  after(() => server.close());

  it('answers 503 OVERLOADED with Retry-After past the budget; lookups and cached answers still answer', async () => {
    const search = (radius: number) =>
      fetch(`${server.url}/query?near=48.85,2.35&radius_km=${radius}&limit=1000`, { headers: { 'Accept-Encoding': 'identity' } });
    const first = await search(20_000);
    expect(first.status).to.equal(200);
    // Ten at once, distinct (computed, never cached): the budget refuses only while others wait.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => search(19_000 + i)));
    const statuses = answers.map((a) => a.status);
    const overloaded = answers.find((a) => a.status === 503);
    await Promise.all(answers.filter((a) => a !== overloaded).map((a) => a.arrayBuffer()));
    expect(overloaded, `statuses ${statuses.join(',')}`).not.to.equal(undefined);
    expect(overloaded?.headers.get('retry-after')).to.match(/^[1-9][0-9]*$/);
    await expectProblem(overloaded as Response, 503, 'OVERLOADED');
    const metrics = await scrape(server);
    const refused = answers.filter((a) => a.status === 503).length;
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="cpu_budget"}'), 'refused by the budget').to.equal(refused);
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="memory_bound"}')).to.equal(0);
    expect((await fetch(`${server.url}/query?unique_number=230`)).status).to.equal(200);
    expect((await fetch(`${server.url}/query?unique_number=230`, { headers: { Origin: 'https://a.example' } })).status).to.equal(200);
    expect((await search(20_000)).status, 'the cached answer').to.equal(200);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
  });
});
