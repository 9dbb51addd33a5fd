/**
 * A defect in a fast path must cost one answer, never the process: an uncaught exception or an
 * unhandled rejection ends it (main.ts). Real node:http servers over the real dataset, with a
 * collaborator that throws where a defect would:
 * - the answer cache's `set`, before anything is sent (the search fast path with its guard, as
 *   listener.ts wraps it): a 500 problem, with the request's id, counted and logged as a request;
 * - the metrics, once an answer is whole (the listener createListener assembles, lookups and
 *   searches, computed and from the cache): the answer is delivered, the connection kept.
 * Mocha fails a test on either kind of escape, so without the guards these go red.
 */
import { Agent, createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/config.js';
import { createAnswerCache } from '../../src/http/answer-cache.js';
import { createCpuBudget } from '../../src/http/cpu-budget.js';
import { guardingDefects } from '../../src/http/fast-path/defects.js';
import { withSearchFastPath } from '../../src/http/fast-path/search.js';
import { InFlight } from '../../src/http/in-flight.js';
import { createListener } from '../../src/http/listener.js';
import { loggerOptions } from '../../src/log/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { metricValue } from '../helpers/metrics.js';
import { plainRequest } from '../helpers/plain-request.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Log lines as objects, as they are written. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino(loggerOptions('info'), sink) };
}

async function listen(listener: RequestListener) {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()) };
}

const defectsLogged = (lines: Record<string, unknown>[], message: string) =>
  lines.filter((line) => line.msg === 'unhandled error' && JSON.stringify(line.err).includes(message)).length;

describe('fast paths, when their own code fails', function () {
  this.timeout(20_000);
  let loaded: TestServer;
  before(async () => (loaded = await startTestServer()));
  after(() => loaded.close());

  it('answer a 500 problem when the search fails before sending, count it, log it, and go on serving', async () => {
    const { lines, logger } = logSink();
    const metrics = createMetrics({ processMetrics: false });
    const cache = createAnswerCache(8 << 20, metrics);
    const inFlight = new InFlight();
    const search = withSearchFastPath((_req, res) => void res.writeHead(418).end(), {
      store: loaded.store,
      isShuttingDown: () => false,
      logger,
      metrics,
      answers: {
        ...cache,
        get: cache.get.bind(cache),
        set: () => {
          throw new Error('a defect in caching');
        },
      },
      budget: createCpuBudget(100, 1000),
      inFlight,
      responseMemoryBytes: 64 << 20,
    });
    const served = await listen(guardingDefects(search, logger, metrics));
    try {
      const first = await plainRequest(served.url, '/query?region=Africa&limit=2', { headers: { 'X-Request-Id': 'defect-1' } });
      expect(first.status).to.equal(500);
      expect(first.headers.get('content-type')).to.equal('application/problem+json');
      expect(first.headers.get('x-request-id')).to.equal('defect-1');
      expect(JSON.parse(first.body)).to.include({ code: 'INTERNAL', status: 500 });
      expect(first.body).not.to.include('a defect in caching');
      expect(defectsLogged(lines, 'a defect in caching')).to.equal(1);
      expect(lines.filter((line) => line.msg === 'request').map((line) => [line.reqId, line.status, line.code])).to.deep.equal([
        ['defect-1', 500, 'INTERNAL'],
      ]);
      expect(metricValue(await metrics.registry.metrics(), 'whc_http_requests_total{route="/query",method="GET",status="500"}')).to.equal(
        1,
      );
      expect(inFlight.requests, 'requests in flight after the answer').to.equal(0);
      // Still serving: the same defect again answers the same way.
      expect((await plainRequest(served.url, '/query?region=Europe&limit=2')).status).to.equal(500);
    } finally {
      await served.close();
    }
  });

  it('deliver an answer already whole when counting it fails, on the same connection, lookups and searches alike', async () => {
    const { lines, logger } = logSink();
    const real = createMetrics({ processMetrics: false });
    const fail = () => {
      throw new Error('a defect in counting');
    };
    const metrics: Metrics = { ...real, observeRequest: fail, requestObserver: () => fail };
    const { listener } = createListener(
      {
        store: loaded.store,
        isShuttingDown: () => false,
        logger,
        metrics,
        corsOrigins: DEFAULTS.corsOrigins,
        answerCacheBytes: 8 << 20,
        searchCpuPercent: 100,
        searchWaitMs: DEFAULTS.searchWaitMs,
        responseMemoryBytes: 64 << 20,
      },
      new InFlight(),
    );
    const served = await listen(listener);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${served.url}${path}`, { agent }, (res) => {
          sockets.add(res.socket);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      // A lookup, a search computed, the same search from the answer cache.
      const paths = ['/query?unique_number=230', '/query?region=Asia&limit=2', '/query?region=Asia&limit=2'];
      for (const path of paths) {
        const answer = await get(path);
        const expected = await plainRequest(loaded.url, path);
        expect(answer.status, path).to.equal(200);
        expect(answer.body, path).to.equal(expected.body);
      }
      expect(sockets.size, 'connections used').to.equal(1);
      expect(defectsLogged(lines, 'a defect in counting')).to.equal(paths.length);
    } finally {
      agent.destroy();
      await served.close();
    }
  });
});
