/**
 * A defect in a fast path must cost one answer, never the process: an uncaught exception or an
 * unhandled rejection ends it (main.ts). The search fast path is served as listener.ts assembles
 * it (behind guardingDefects) on a real node:http server over the real dataset, with a
 * collaborator that throws where a defect would: the answer cache's `set` (nothing sent yet: a 500
 * problem) and the metrics' count (the answer already sent: the connection is closed), once after
 * a computed search (in a promise) and once from the answer cache (in the 'request' event). Mocha
 * fails a test on either kind of escape, so without the guards these go red.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { createAnswerCache } from '../../src/http/answer-cache.js';
import { createCpuBudget } from '../../src/http/cpu-budget.js';
import { guardingDefects } from '../../src/http/fast-path/defects.js';
import { withSearchFastPath } from '../../src/http/fast-path/search.js';
import { InFlight } from '../../src/http/in-flight.js';
import { loggerOptions } from '../../src/log/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { plainRequest } from '../helpers/plain-request.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('search fast path, when its own handler fails', function () {
  this.timeout(20_000);
  let loaded: TestServer;
  before(async () => (loaded = await startTestServer()));
  after(() => loaded.close());

  /** The fast path alone on an ephemeral port; Koa's place is taken by a 418 that no case may reach. */
  async function serve(breakIt: { cacheSet?: boolean; metrics?: boolean }) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const real = createMetrics({ processMetrics: false });
    const metrics: Metrics = breakIt.metrics
      ? {
          ...real,
          observeRequest: () => {
            throw new Error('a defect in counting');
          },
        }
      : real;
    const cache = createAnswerCache(8 << 20, real);
    const answers = breakIt.cacheSet
      ? {
          ...cache,
          get: cache.get.bind(cache),
          set: () => {
            throw new Error('a defect in caching');
          },
        }
      : cache;
    const inFlight = new InFlight();
    const logger = pino(loggerOptions('info'), sink);
    const search = withSearchFastPath(
      (_req, res) => {
        res.statusCode = 418;
        res.end();
      },
      {
        store: loaded.store,
        isShuttingDown: () => false,
        logger,
        metrics,
        answers,
        budget: createCpuBudget(100, 1000),
        inFlight,
        responseMemoryBytes: 64 << 20,
      },
    );
    const server: Server = createServer(guardingDefects(search, logger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, lines, inFlight, close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()) };
  }

  it('answers a 500 problem when it fails before sending, logs the error and goes on serving', async () => {
    const served = await serve({ cacheSet: true });
    try {
      const first = await plainRequest(served.url, '/query?region=Africa&limit=2');
      expect(first.status).to.equal(500);
      expect(first.headers.get('content-type')).to.equal('application/problem+json');
      expect(JSON.parse(first.body)).to.include({ code: 'INTERNAL', status: 500 });
      expect(first.body).not.to.include('a defect in caching');
      expect(served.lines.some((line) => line.msg === 'unhandled error' && JSON.stringify(line.err).includes('a defect in caching'))).to.be
        .true;
      expect(served.inFlight.requests, 'requests in flight after the answer').to.equal(0);
      // Still serving: the same defect again answers the same way.
      expect((await plainRequest(served.url, '/query?region=Europe&limit=2')).status).to.equal(500);
    } finally {
      await served.close();
    }
  });

  it('closes the connection when it fails after sending, computed or cached, logs the error and goes on serving', async () => {
    const served = await serve({ metrics: true });
    try {
      // Whether the bytes written before the close arrive is the kernel's business: that it is still serving is ours.
      for (let i = 0; i < 2; i++) await plainRequest(served.url, '/query?region=Asia&limit=2').catch(() => undefined);
      const defects = served.lines.filter((line) => line.msg === 'unhandled error');
      expect(defects.map((line) => JSON.stringify(line.err).includes('a defect in counting'))).to.deep.equal([true, true]);
      expect(served.inFlight.requests).to.equal(0);
    } finally {
      await served.close();
    }
  });
});
