/**
 * The benchmark's second baseline for uncached searches: a bare node:http server that answers
 * each `/query` search by running the service's own search on every request (the search's plan,
 * kept by its query string as the service's search fast path keeps it, then filtering, ordering,
 * paging, rendering the page, its ETag) and nothing else: no Koa, no logging, metrics, answer
 * cache, CPU budget, compression or conditional requests. Its bodies are byte-identical to the
 * service's (the bench checks). Its throughput is the ceiling for a search computed with this
 * engine in one Node.js process here, whatever framework serves it; the fixed-bytes baseline
 * (baseline-server.ts) is the ceiling for any answer.
 *   PORT=... DATA_FILE=... node --import tsx scripts/bench/search-engine-server.ts
 */
import { createServer } from 'node:http';
import { loadDataset } from '../../src/data/load.js';
import { SearchPlans } from '../../src/http/fast-path/search-plans.js';
import { CONTENT_TYPES } from '../../src/http/negotiate.js';
import { answerEtagOf } from '../../src/http/representation/etag.js';
import { renderPage } from '../../src/http/search-answer.js';
import { runQuery } from '../../src/query/run.js';

const dataset = await loadDataset(process.env['DATA_FILE'] ?? 'data/whc-sites-2019.csv');
const HEALTH = Buffer.from(JSON.stringify({ status: 'ok' }));

const plans = new SearchPlans('/query');

const server = createServer((req, res) => {
  const url = req.url ?? '';
  const [path, search = ''] = url.split('?', 2) as [string, string?];
  if (path === '/health' || path === '/ready') {
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES.json, 'Content-Length': HEALTH.length }).end(HEALTH);
    return;
  }
  if (path !== '/query') {
    res.writeHead(404).end();
    return;
  }
  try {
    const plan = plans.planOf(search);
    if (plan === undefined) throw new Error('invalid parameters');
    const { format, query } = plan;
    const etag = answerEtagOf(dataset.version.id, plan.digest);
    const body = renderPage(format, runQuery(dataset.index, query), query);
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length, ETag: etag }).end(body);
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(String(error));
  }
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
