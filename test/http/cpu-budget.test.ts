/**
 * The queue for computed answers: its turns and refusals on a fake clock (exact), and on a real
 * server, a burst of expensive searches all answered while a probe and a lookup sent during the
 * burst overtake them; past SEARCH_WAIT_MS, 503 with Retry-After as a problem document.
 */
import { expect } from 'chai';
import { createCpuBudget, MAX_TURN_MS, type BudgetClock } from '../../src/http/cpu-budget.js';
import { HttpProblem } from '../../src/http/problems.js';
import { metricValue, scrape } from '../helpers/metrics.js';
import { referenceData } from '../helpers/reference-csv.js';
import { position } from '../helpers/reference-query.js';
import { openAgent, sendLabelled } from '../helpers/burst.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** A clock that moves only when told, and turns that run only when the test says. */
function fakeClock(): BudgetClock & { ms: number; turns: (() => void)[]; nextTurn(): Promise<void> } {
  const clock = {
    ms: 0,
    turns: [] as (() => void)[],
    now: () => clock.ms,
    defer: (turn: () => void) => void clock.turns.push(turn),
    async nextTurn() {
      const turn = clock.turns.shift();
      expect(turn, 'a turn is scheduled').not.to.equal(undefined);
      turn?.();
      await new Promise((resolve) => setImmediate(resolve)); // let the turn's awaits settle
    },
  };
  return clock;
}

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('createCpuBudget (fake clock)', () => {
  it('computes nothing where the request arrives: queued work runs in turns, in arrival order', async () => {
    const clock = fakeClock();
    const budget = createCpuBudget(50, 10_000, clock);
    const ran: number[] = [];
    const job = (n: number) => () => {
      clock.ms += 3;
      ran.push(n);
      return n;
    };
    const answers = [1, 2, 3, 4].map((n) => budget.run(job(n)));
    expect(ran, 'nothing computed before the first turn').to.deep.equal([]);
    expect(clock.turns).to.have.length(1);
    // Nothing else ran since the budget was made: a turn of one computation.
    await clock.nextTurn();
    expect(ran).to.deep.equal([1]);
    // 10 ms of other work: at 50 %, searches may take as much, within MAX_TURN_MS (5): two of 3 ms.
    clock.ms += 10;
    await clock.nextTurn();
    expect(ran).to.deep.equal([1, 2, 3]);
    await clock.nextTurn();
    expect(ran).to.deep.equal([1, 2, 3, 4]);
    expect(clock.turns, 'no turn once the queue is empty').to.have.length(0);
    expect(await Promise.all(answers)).to.deep.equal([1, 2, 3, 4]);
    expect(MAX_TURN_MS).to.equal(5);
  });

  it('refuses at once what would wait past the bound, and at its turn what did, without computing it', async () => {
    const clock = fakeClock();
    const budget = createCpuBudget(50, 1000, clock);
    let computed = 0;
    const job = () => {
      clock.ms += 100;
      return ++computed;
    };
    // One at a time, the queue learns that a computation comes out every 100 ms.
    for (let i = 0; i < 30; i++) {
      const answer = budget.run(job);
      await clock.nextTurn();
      await answer;
    }
    computed = 0;
    const burst = await (async () => {
      const results = Array.from({ length: 20 }, () => settle(budget.run(job)));
      while (clock.turns.length > 0) await clock.nextTurn();
      return Promise.all(results);
    })();
    const refused = burst.filter((r) => 'error' in r).map((r) => r.error);
    const answered = burst.filter((r) => 'value' in r);
    expect(answered.length, 'the first ones are answered').to.be.within(8, 12);
    expect(refused.length).to.equal(20 - answered.length);
    expect(computed, 'a refused query is never computed').to.equal(answered.length);
    for (const error of refused) {
      expect(error).to.be.instanceOf(HttpProblem);
      expect((error as HttpProblem).code).to.equal('OVERLOADED');
      expect((error as HttpProblem).headers['Retry-After']).to.match(/^[1-9][0-9]*$/);
    }
    expect(
      answered.map((r) => r.value),
      'in arrival order',
    ).to.deep.equal(answered.map((_, i) => i + 1));
  });

  it('queues but never refuses what must always be answered (/metrics)', async () => {
    const clock = fakeClock();
    const budget = createCpuBudget(50, 0, clock);
    const answers = Array.from({ length: 5 }, (_, i) => budget.run(() => ((clock.ms += 50), i), { always: true }));
    while (clock.turns.length > 0) await clock.nextTurn();
    expect(await Promise.all(answers)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('computes at once at 100 percent (the queue off)', async () => {
    const clock = fakeClock();
    const budget = createCpuBudget(100, 0, clock);
    expect(await Promise.all(Array.from({ length: 5 }, (_, i) => budget.run(() => i)))).to.deep.equal([0, 1, 2, 3, 4]);
    expect(clock.turns).to.have.length(0);
  });
});

/** Distinct (never cached) searches whose answers are 2.4 MB: every site with a position, 1000 a page. */
const expensive = (i: number) => `/query?near=48.85,2.35&radius_km=${20_000 + i / 10}&limit=1000`;
const positioned = referenceData().rows.filter((row) => position(row) !== undefined).length;

describe('the queue for searches on a real server', function () {
  this.timeout(30_000);
  let server: TestServer;
  // A wait bound far above what the burst takes even on a busy machine: this is about order.
  before(async () => (server = await startTestServer({ searchCpuPercent: 50, searchWaitMs: 30_000, answerCacheMb: 0 })));
  after(() => server.close());

  it('answers a burst of expensive searches, while a probe and a lookup sent during it overtake the queued ones', async () => {
    const searches = 30;
    const agent = await openAgent(server.url, searches + 2);
    const order: string[] = [];
    const burst = Array.from({ length: searches }, (_, i) => sendLabelled(server.url, agent, order, expensive(i), String(i)));
    // Once the first search is answered, the others are computing or queued.
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const probe = sendLabelled(server.url, agent, order, '/health');
    const lookup = sendLabelled(server.url, agent, order, '/query?unique_number=230');
    const answers = await Promise.all(burst);
    expect((await probe).status).to.equal(200);
    expect((await lookup).status).to.equal(200);
    agent.destroy();
    expect(
      answers.map((a) => a.status),
      'every search answered',
    ).to.deep.equal(Array.from({ length: searches }, () => 200));
    for (const answer of answers) {
      expect(answer.headers.get('x-total-count'), 'every site with a position').to.equal(String(positioned));
      expect(((await answer.json()) as unknown[]).length).to.equal(Math.min(1000, positioned));
    }
    // Sent during the burst, answered before most of it: they never wait behind the queued searches.
    const answeredAfter = (label: string) => order.length - 1 - order.indexOf(label);
    expect(answeredAfter('/health'), `searches answered after the probe, in order ${order.join(' ')}`).to.be.at.least(searches / 2);
    expect(answeredAfter('/query?unique_number=230'), `searches answered after the lookup, in order ${order.join(' ')}`).to.be.at.least(
      searches / 2,
    );
  });
});

describe('the queue for searches past SEARCH_WAIT_MS', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => (server = await startTestServer({ searchCpuPercent: 50, searchWaitMs: 20, answerCacheMb: 0 })));
  after(() => server.close());

  it('answers 503 OVERLOADED with Retry-After as a problem document; probes, lookups and /metrics still answer', async () => {
    // 60 at once, each milliseconds of rendering: the last ones cannot start within 20 ms.
    const agent = await openAgent(server.url, 60);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => sendLabelled(server.url, agent, [], expensive(i))));
    agent.destroy();
    const statuses = answers.map((a) => a.status);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length, `statuses ${statuses.join(',')}`).to.be.greaterThan(0);
    expect(
      statuses.filter((s) => s !== 200 && s !== 503),
      'only answers and refusals',
    ).to.deep.equal([]);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).to.match(/^[1-9][0-9]*$/);
      const problem = await expectProblem(answer, 503, 'OVERLOADED');
      expect(problem.detail).to.include('SEARCH_WAIT_MS');
    }
    // The metrics count the refusals by the queue's wait bound, as many as the client saw, and no other cause.
    const metrics = await scrape(server);
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="search_wait"}'), 'refused by the wait bound').to.equal(
      refused.length,
    );
    expect(metricValue(metrics, 'whc_http_requests_refused_total{reason="memory_bound"}')).to.equal(0);
    // The burst over, a search alone waits for nobody.
    const alone = await fetch(`${server.url}${expensive(1000)}`);
    expect(alone.status).to.equal(200);
    await alone.arrayBuffer();
    expect((await fetch(`${server.url}/query?unique_number=230`)).status).to.equal(200);
    expect((await fetch(`${server.url}/query?unique_number=230`, { headers: { Origin: 'https://a.example' } })).status).to.equal(200);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
    const scrapes = await Promise.all(Array.from({ length: 5 }, () => fetch(`${server.url}/metrics`)));
    expect(scrapes.map((s) => s.status)).to.deep.equal([200, 200, 200, 200, 200]);
    await Promise.all(scrapes.map((s) => s.arrayBuffer()));
  });
});
