/**
 * The metrics an on-call engineer reads when a service sheds load: refusals by reason (the 503s
 * counted by the client, against the counter), requests in flight (a request held open by its
 * unfinished body), the bytes held for answers and their bound, and latency buckets past 1 s.
 * The search queue's and the memory bound's refusals are counted in their own tests (cpu-budget.test.ts,
 * memory-guard.test.ts); here, the reason with no data loaded.
 */
import { expect } from 'chai';
import { connect } from 'node:net';
import { expectProblem } from '../helpers/problem.js';
import { metricValue, scrape } from '../helpers/metrics.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('metrics by cause', () => {
  describe('with data', () => {
    let server: TestServer;
    before(async () => (server = await startTestServer({ responseMemoryMb: 48 })));
    after(() => server.close());

    it('every refusal reason is exposed at zero before the first refusal', async () => {
      const text = await scrape(server);
      for (const reason of ['search_wait', 'memory_bound', 'no_data']) {
        expect(metricValue(text, `whc_http_requests_refused_total{reason="${reason}"}`), reason).to.equal(0);
      }
    });

    it('states the bound on bytes held for answers (RESPONSE_MEMORY_MB), and holds none at rest', async () => {
      const text = await scrape(server);
      expect(metricValue(text, 'whc_http_response_limit_bytes')).to.equal(48 * 1024 * 1024);
      expect(metricValue(text, 'whc_http_response_bytes')).to.equal(0);
    });

    it('counts requests in flight: the scrape itself, and a request whose body has not all arrived', async () => {
      expect(metricValue(await scrape(server), 'whc_http_requests_in_flight'), 'the scrape alone').to.equal(1);
      const port = new URL(server.url).port;
      const socket = connect(Number(port), '127.0.0.1');
      const answered = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
      });
      const body = '{"limit":"1"}';
      socket.write(
        `POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body.slice(0, 5));
      // Until the rest arrives, the POST waits in Koa: polled, since its headers reach the server
      // asynchronously (no wall-clock bound: the test's timeout is the bound).
      let during: number | undefined;
      do during = metricValue(await scrape(server), 'whc_http_requests_in_flight');
      while (during === 1);
      expect(during).to.equal(2);
      socket.end(body.slice(5));
      expect(await answered).to.match(/^HTTP\/1\.1 200 /);
      expect(metricValue(await scrape(server), 'whc_http_requests_in_flight'), 'after').to.equal(1);
    });

    it('has latency buckets past 1 s, up to at least 5 s', async () => {
      await fetch(`${server.url}/query?limit=1`);
      const buckets = [...(await scrape(server)).matchAll(/^whc_http_request_duration_seconds_bucket\{le="([^"]+)",route="\/query"/gm)].map(
        (m) => m[1],
      );
      const finite = [...new Set(buckets)].filter((b) => b !== '+Inf').map(Number);
      expect(Math.max(...finite)).to.be.at.least(5);
      expect(finite.filter((b) => b > 1)).to.have.length.at.least(2);
    });
  });

  describe('without data', () => {
    let server: TestServer;
    before(async () => (server = await startTestServer({ dataFile: null })));
    after(() => server.close());

    it('counts data requests refused for want of data as no_data, and probes not at all', async () => {
      for (let i = 0; i < 3; i++) await expectProblem(await fetch(`${server.url}/query?limit=${i + 1}`), 503, 'NOT_READY');
      await expectProblem(await fetch(`${server.url}/ready`), 503, 'NOT_READY');
      const text = await scrape(server);
      expect(metricValue(text, 'whc_http_requests_refused_total{reason="no_data"}')).to.equal(3);
      expect(metricValue(text, 'whc_http_requests_refused_total{reason="search_wait"}')).to.equal(0);
    });
  });
});
