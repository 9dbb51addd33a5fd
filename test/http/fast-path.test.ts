/**
 * The lookup fast path answers `GET /query?unique_number=N` without Koa (test/http/search-fast-path.test.ts
 * holds the search fast path to the same rules). It must be
 * indistinguishable from the Koa route: same status, bytes and headers, same metrics and log
 * line. Each case is sent twice to one real server (the service as main.ts assembles it): once in
 * the fast path's form, once with a header that only routes it through Koa; a recording wrapper
 * around Koa's listener proves which path answered. And the Koa middlewares it was reviewed
 * against must be the app's.
 */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/config.js';
import { loggerOptions } from '../../src/log/logger.js';
import { REVIEWED_MIDDLEWARES } from '../../src/http/fast-path/review.js';
import { referenceData } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Headers that differ between any two answers; the request id is checked on its own. */
const VOLATILE = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const headersOf = (response: Response) =>
  [...response.headers].filter(([name]) => !VOLATILE.has(name)).sort(([a], [b]) => a.localeCompare(b));

describe('lookup fast path', () => {
  const reference = referenceData();
  const logLines: Record<string, unknown>[] = [];
  let server: TestServer;
  let koaAnswers = 0;

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino(loggerOptions('info'), sink);
    server = await startTestServer({
      logger,
      // The CPU budget the service runs with by default.
      searchCpuPercent: DEFAULTS.searchCpuPercent,
      wrapKoa: (koa) => (req, res) => {
        koaAnswers += 1;
        koa(req, res);
      },
    });
  });
  after(() => server.close());

  it('was reviewed against the Koa middleware stack the app runs', () => {
    const running = server.service.app.middleware.map((middleware) => middleware.name || '(unnamed)');
    const reviewed = REVIEWED_MIDDLEWARES.map((m) => m.name);
    expect(
      running,
      `The Koa middleware stack is now [${running.join(', ')}]; the fast paths were reviewed against [${reviewed.join(', ')}]. ` +
        'Most lookups and plain searches never reach Koa. For each middleware added, removed or reordered, decide for each fast ' +
        'path: must it apply the middleware too (then do so in src/http/fast-path/lookup.ts or search.ts), or does the middleware ' +
        'not apply to the requests it answers? Record the decisions and why in src/http/fast-path/review.ts (and name the ' +
        'middleware in src/http/app.ts).',
    ).to.deep.equal(reviewed);
  });

  it("was reviewed against the router's middlewares on the lookup's way: none but the route's handler", () => {
    // router.use() and middlewares given to router.get('/query', ...) run inside the app's `routes`
    // middleware, where the check above cannot see them.
    const onTheWay = server.service.router.match('/query', 'GET').pathAndMethod.flatMap((layer) => layer.stack);
    expect(
      onTheWay.map((middleware) => middleware.name || '(unnamed)'),
      `GET /query now passes ${onTheWay.length} functions in the router; the fast paths were reviewed against one, the ` +
        "route's handler (whose answers they share: src/http/lookup-answer.ts, search-answer.ts). Most lookups and searches never " +
        'reach the router. For each middleware added with router.use() or on the /query route, decide for each fast path: must ' +
        'it apply the middleware too (then do so in src/http/fast-path/), or does the middleware not apply to the requests it ' +
        'answers? Record the decisions and why in src/http/fast-path/review.ts, and update this check.',
    ).to.have.length(1);
  });

  /** Sends `init` as is (fast path) and with an Accept header only Koa handles; returns both. */
  async function bothPaths(path: string, headers: Record<string, string> = {}) {
    const before = koaAnswers;
    const fast = await fetch(`${server.url}${path}`, { headers });
    const fastBody = Buffer.from(await fast.arrayBuffer());
    expect(koaAnswers, 'the fast path answered').to.equal(before);
    const viaKoa = await fetch(`${server.url}${path}`, { headers: { ...headers, Accept: 'application/json;q=0.9' } });
    const koaBody = Buffer.from(await viaKoa.arrayBuffer());
    expect(koaAnswers, 'Koa answered').to.equal(before + 1);
    return { fast, fastBody, viaKoa, koaBody };
  }

  it('answers 200 with the bytes and headers of the Koa route, for rows across the file', async () => {
    const ids = reference.rows.map((r) => r['unique_number'] as number);
    for (const id of ids.filter((_, i) => i % 37 === 0)) {
      const { fast, fastBody, viaKoa, koaBody } = await bothPaths(`/query?unique_number=${id}`);
      expect(fast.status).to.equal(200);
      expect(fastBody.equals(koaBody), `body of ${id}`).to.equal(true);
      expect(headersOf(fast), `headers of ${id}`).to.deep.equal(headersOf(viaKoa));
      // The same headers in the same order, the request id at the same place (a new one each).
      expect([...fast.headers.keys()], `header order of ${id}`).to.deep.equal([...viaKoa.headers.keys()]);
      for (const answer of [fast, viaKoa]) expect(answer.headers.get('x-request-id')).to.match(UUID);
      expect(fast.headers.get('x-request-id')).to.not.equal(viaKoa.headers.get('x-request-id'));
    }
  });

  it('answers 304 as the Koa route does', async () => {
    const etag = (await fetch(`${server.url}/query?unique_number=230`)).headers.get('etag') ?? '';
    const { fast, fastBody, viaKoa, koaBody } = await bothPaths('/query?unique_number=230', { 'If-None-Match': etag });
    expect(fast.status).to.equal(304);
    expect(viaKoa.status).to.equal(304);
    expect(fastBody.length + koaBody.length).to.equal(0);
    expect(headersOf(fast)).to.deep.equal(headersOf(viaKoa));
  });

  it('counts and logs its answers as the Koa route does', async () => {
    const sample = async () => {
      const text = await server.metrics.registry.metrics();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('whc_http_requests_total{') && l.includes('route="/query"') && l.includes('status="200"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const counted = await sample();
    const logged = logLines.length;
    const unique = String(reference.rows[5]?.['unique_number']);
    const { fast, fastBody, viaKoa } = await bothPaths(`/query?unique_number=${unique}`);
    const conditional = await bothPaths(`/query?unique_number=${unique}`, {
      'If-None-Match': fast.headers.get('etag') ?? '',
      'X-Request-Id': 'client-chosen.id:1',
    });
    expect(await sample()).to.equal(counted + 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [fastLine, koaLine, fast304, koa304] = logLines.slice(logged);
    // Field for field in the same order, with the same values but the id, the time and the duration.
    const shape = (line: Record<string, unknown> | undefined) => ({ ...line, reqId: 'id', time: 'time', ms: typeof line?.['ms'] });
    expect(Object.keys(fastLine ?? {})).to.deep.equal(Object.keys(koaLine ?? {}));
    expect(shape(fastLine)).to.deep.equal(shape(koaLine));
    expect(shape(fastLine)).to.deep.equal({
      level: 'info',
      time: 'time',
      service: 'whc-api',
      reqId: 'id',
      method: 'GET',
      path: '/query',
      query: `unique_number=${unique}`,
      status: 200,
      ms: 'number',
      bytes: fastBody.length,
      msg: 'request',
    });
    // The id each answer carries is the one in its line.
    expect([fastLine?.['reqId'], koaLine?.['reqId']]).to.deep.equal([fast.headers.get('x-request-id'), viaKoa.headers.get('x-request-id')]);
    expect(shape(fast304)).to.deep.equal(shape(koa304));
    expect(fast304).to.include({ status: 304, bytes: 0, reqId: 'client-chosen.id:1' });
    expect(conditional.fast.headers.get('x-request-id')).to.equal('client-chosen.id:1');
  });

  it('leaves everything else to Koa', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/query?unique_number=999999', {}],
      ['/query?unique_number=0230', {}],
      ['/query?unique_number=230&fields=name_en', {}],
      ['/query?unique_number=230', { Origin: 'https://maps.example' }],
      ['/query?unique_number=230', { Accept: 'text/csv' }],
      ['/query?unique_number=1234567890123456', {}],
    ];
    for (const [path, headers] of cases) {
      const before = koaAnswers;
      await (await fetch(`${server.url}${path}`, { headers })).arrayBuffer();
      expect(koaAnswers, `${path} ${JSON.stringify(headers)}`).to.equal(before + 1);
    }
  });
});
