/**
 * The search fast path answers plain `GET /query?<filters>` without Koa. It must be
 * indistinguishable from the Koa route: the same status, bytes and headers in the same order,
 * the same metrics and log line, the same refusals. Each case is sent to one real server (the
 * service as main.ts assembles it) in the fast path's form and with an Accept header that only
 * Koa handles; a recording wrapper around Koa's listener proves which path answered. Requests go
 * through node:http, which adds no Accept-Encoding (fetch would, and compression is Koa's).
 */
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEFAULTS } from '../../src/config.js';
import { loggerOptions } from '../../src/log/logger.js';
import { openAgent } from '../helpers/burst.js';
import { metricValue, scrape } from '../helpers/metrics.js';
import { referenceData } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface RawAnswer {
  readonly status: number;
  /** Name/value pairs as sent, in order, names lower-cased. */
  readonly headers: [string, string][];
  readonly body: Buffer;
}

/** Headers that differ between any two answers; the request id is checked on its own. */
const VOLATILE = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);
const stable = (answer: RawAnswer) => answer.headers.filter(([name]) => !VOLATILE.has(name));
const header = (answer: RawAnswer, name: string) => answer.headers.find(([n]) => n === name)?.[1];
/** Only Koa takes this Accept: it is JSON, but not in a form the fast path reads without the negotiator. */
const VIA_KOA = { Accept: 'application/json;q=0.9' };

function get(url: string, path: string, headers: Record<string, string> = {}, agent?: Agent): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers, ...(agent === undefined ? {} : { agent }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          pairs.push([(res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A server with the service's defaults (queue, answer cache), its log lines, and a count of the requests Koa answered. */
async function recordingServer(settings: Parameters<typeof startTestServer>[0] = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const counter = { koa: 0 };
  const server = await startTestServer({
    logger: pino(loggerOptions('info'), sink),
    searchCpuPercent: DEFAULTS.searchCpuPercent,
    ...settings,
    // Counts the requests that reach Koa but the probes the burst opens its connections with.
    wrapKoa: (koa) => (req, res) => {
      if (req.url !== '/health') counter.koa += 1;
      koa(req, res);
    },
  });
  return { server, lines, counter };
}

/** Plain searches of every kind of filter and format. */
const SEARCHES = [
  '/query?category=Natural&limit=20&fields=unique_number,name_en,states_name_en',
  '/query?region=Africa&danger=true',
  '/query?iso_code=it&sort=-date_inscribed&limit=10',
  '/query?q=temple&limit=10',
  '/query?near=48.8566,2.3522&radius_km=500&limit=10',
  '/query?bbox=-10,35,30,60&criterion=i&limit=25&format=geojson',
  '/query?inscribed_from=2010&inscribed_to=2015&format=csv',
  '/query?limit=5&criterion=i&danger=0',
  '/query?q=%C3%A9glise%20%22old%20town%22&limit=3',
  '/query?limit=1',
  '/query?category=Mixed&limit=1000',
];

describe('search fast path', () => {
  let server: TestServer;
  let lines: Record<string, unknown>[];
  let counter: { koa: number };
  // No answer cache: each path computes its own answer (with one, the second would send the first's bytes).
  before(async () => ({ server, lines, counter } = await recordingServer({ answerCacheMb: 0 })));
  after(() => server.close());

  /** `path` on the fast path, then through Koa; fails unless each went the way it was meant to. */
  async function bothPaths(path: string, headers: Record<string, string> = {}) {
    const before = counter.koa;
    const fast = await get(server.url, path, headers);
    expect(counter.koa, `the fast path answered ${path}`).to.equal(before);
    const viaKoa = await get(server.url, path, { ...headers, ...VIA_KOA });
    expect(counter.koa, `Koa answered ${path}`).to.equal(before + 1);
    return { fast, viaKoa };
  }

  it('answers searches with the status, bytes and headers of the Koa route, in the same order', async () => {
    for (const path of SEARCHES) {
      const { fast, viaKoa } = await bothPaths(path);
      expect(fast.status, path).to.equal(200);
      expect(fast.body.equals(viaKoa.body), `body of ${path}`).to.equal(true);
      expect(stable(fast), `headers of ${path}`).to.deep.equal(stable(viaKoa));
      expect(
        fast.headers.map(([name]) => name),
        `header order of ${path}`,
      ).to.deep.equal(viaKoa.headers.map(([name]) => name));
      expect(header(fast, 'x-request-id')).to.not.equal(header(viaKoa, 'x-request-id'));
    }
  });

  it('answers with the rows an independent reading of the CSV finds', async () => {
    const natural = referenceData().rows.filter((row) => row['category'] === 'Natural');
    const answer = await get(server.url, '/query?category=Natural&limit=1000&fields=unique_number');
    expect(header(answer, 'x-total-count')).to.equal(String(natural.length));
    const got = (JSON.parse(answer.body.toString('utf8')) as { unique_number: number }[]).map((r) => r.unique_number);
    expect(got).to.deep.equal(natural.map((r) => r['unique_number'] as number).sort((a, b) => a - b));
  });

  it('follows the next page as the Koa route does', async () => {
    const first = await get(server.url, '/query?category=Cultural&limit=7');
    const link = header(first, 'link')?.match(/^<([^>]+)>; rel="next"$/)?.[1];
    expect(link, 'a link to the next page').to.be.a('string');
    const { fast, viaKoa } = await bothPaths(link as string);
    expect(fast.status).to.equal(200);
    expect(fast.body.equals(viaKoa.body)).to.equal(true);
    expect(stable(fast)).to.deep.equal(stable(viaKoa));
  });

  it('answers 304 as the Koa route does', async () => {
    const path = '/query?region=Asia&limit=3';
    const etag = header(await get(server.url, path), 'etag') ?? '';
    const { fast, viaKoa } = await bothPaths(path, { 'If-None-Match': etag });
    expect([fast.status, viaKoa.status]).to.deep.equal([304, 304]);
    expect(fast.body.length + viaKoa.body.length).to.equal(0);
    expect(stable(fast)).to.deep.equal(stable(viaKoa));
    expect(fast.headers.map(([name]) => name)).to.deep.equal(viaKoa.headers.map(([name]) => name));
  });

  it('counts and logs its answers as the Koa route does', async () => {
    const counted = async () => {
      const text = await scrape(server);
      return (
        (metricValue(text, 'whc_http_requests_total{route="/query",method="GET",status="200"}') ?? 0) +
        (metricValue(text, 'whc_http_requests_total{route="/query",method="GET",status="304"}') ?? 0)
      );
    };
    const before = await counted();
    const logged = lines.length;
    // A query string that needs escaping in JSON, and one past the log's cut.
    const paths = ['/query?q=%22quoted%22%5C&limit=2', `/query?q=${'a'.repeat(500)}&limit=1&fields=unique_number,name_en`];
    for (const path of paths) await bothPaths(path, { 'X-Request-Id': 'client-chosen.id:7' });
    expect(await counted()).to.equal(before + 2 * paths.length);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = lines.slice(logged).filter((line) => line['msg'] === 'request' && line['path'] === '/query');
    expect(written).to.have.length(2 * paths.length);
    const shape = (line: Record<string, unknown> | undefined) => ({ ...line, time: 'time', ms: typeof line?.['ms'] });
    for (let i = 0; i < paths.length; i++) {
      const [fastLine, koaLine] = [written[2 * i], written[2 * i + 1]];
      expect(Object.keys(fastLine ?? {})).to.deep.equal(Object.keys(koaLine ?? {}));
      expect(shape(fastLine)).to.deep.equal(shape(koaLine));
      expect(fastLine).to.include({ reqId: 'client-chosen.id:7', path: '/query', status: 200 });
    }
    expect((written[2]?.['query'] as string).length).to.equal(512);
  });

  it('leaves to Koa what it would question, compress or negotiate, and everything not a plain GET search', async () => {
    const ok = '/query?region=Europe&limit=2';
    const cases: [string, Record<string, string>, string?][] = [
      ['/query?danger=maybe', {}],
      // Koa's query string ends at `#`: what follows is no parameter of its search.
      ['/query?q=temple#x&limit=1', {}],
      ['/query?q=temple&q=church', {}],
      ['/query?colour=blue', {}],
      ['/query?limit=0', {}],
      ['/query?cursor=not-a-cursor', {}],
      ['/query?unique_number=230&fields=name_en', {}],
      ['/query?unique_number=999999', {}],
      [`/query?${Array.from({ length: 101 }, () => 'limit=1').join('&')}`, {}],
      [`/query?q=${'x'.repeat(9000)}`, {}],
      [ok, { 'Accept-Encoding': 'gzip' }],
      [ok, { Origin: 'https://maps.example' }],
      [ok, { Accept: 'text/csv' }],
      [ok, {}, 'HEAD'],
      ['/query', {}],
      ['/stats?region=Europe', {}],
    ];
    for (const [path, headers, method = 'GET'] of cases) {
      const before = counter.koa;
      await new Promise<void>((resolve, reject) => {
        // The path as given: in a URL, a `#` would start a fragment the client never sends.
        const req = request(server.url, { method, headers, path }, (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end();
      });
      expect(counter.koa, `${method} ${path.slice(0, 80)} ${JSON.stringify(headers)}`).to.equal(before + 1);
    }
  });
});

describe('search fast path, from the answer cache', () => {
  let server: TestServer;
  let counter: { koa: number };
  before(async () => ({ server, counter } = await recordingServer()));
  after(() => server.close());

  it("sends the cached answer Koa computed, with the Koa route's headers in the same order", async () => {
    for (const path of SEARCHES) {
      const before = counter.koa;
      const viaKoa = await get(server.url, path, VIA_KOA);
      const fast = await get(server.url, path);
      expect(counter.koa, path).to.equal(before + 1);
      expect(fast.body.equals(viaKoa.body), `body of ${path}`).to.equal(true);
      expect(stable(fast), `headers of ${path}`).to.deep.equal(stable(viaKoa));
      expect(fast.headers.map(([name]) => name)).to.deep.equal(viaKoa.headers.map(([name]) => name));
    }
    const text = await scrape(server);
    expect(metricValue(text, 'whc_answer_cache_lookups_total{result="hit"}'), 'the fast path answered from the cache').to.be.at.least(
      SEARCHES.length,
    );
  });
});

describe('search fast path while draining', function () {
  this.timeout(30_000);
  // Searches queued when the shutdown begins are answered after it: each must tell its client to reconnect.
  for (const [label, headers] of [
    ['the fast path', {}],
    ['Koa', VIA_KOA],
  ] as const) {
    it(`says Connection: close on searches admitted before the shutdown and answered after it, through ${label}`, async () => {
      const { server } = await recordingServer({ searchCpuPercent: 50, searchWaitMs: 30_000, answerCacheMb: 0 });
      try {
        const agent = await openAgent(server.url, 12);
        // Twelve 2.4 MB pages: the shutdown begins once at least eight wait in the queue (counted
        // in flight), so that most are admitted before it and answered after it.
        const answers = Array.from({ length: 12 }, (_, i) =>
          get(server.url, `/query?near=48.85,2.35&radius_km=${20_000 + i / 7}&limit=1000`, headers, agent),
        );
        const inFlight = async () => metricValue(await server.metrics.registry.metrics(), 'whc_http_requests_in_flight') ?? 0;
        while ((await inFlight()) < 8) await new Promise((resolve) => setImmediate(resolve));
        const stopped = server.running.shutdown({ delayMs: 300, timeoutMs: 10_000 });
        const settled = await Promise.all(answers);
        agent.destroy();
        expect(settled.map((a) => a.status)).to.deep.equal(Array.from({ length: 12 }, () => 200));
        const closing = settled.filter((a) => header(a, 'connection') === 'close').length;
        expect(closing, `answers with Connection: close, of 12`).to.be.at.least(8);
        await stopped;
      } finally {
        await server.close().catch(() => undefined);
      }
    });
  }
});

describe('search fast path refusals', function () {
  this.timeout(30_000);
  let server: TestServer;
  let counter: { koa: number };
  // Every search that waits more than 20 ms for its turn is refused.
  before(async () => ({ server, counter } = await recordingServer({ searchCpuPercent: 50, searchWaitMs: 20, answerCacheMb: 0 })));
  after(() => server.close());

  /** Distinct 2.4 MB pages on connections opened beforehand, sent together so that the last ones cannot start in time. */
  const burst = async (headers: Record<string, string>) => {
    const agent = await openAgent(server.url, 40);
    try {
      return await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          get(server.url, `/query?near=48.85,2.35&radius_km=${20_000 + i / 7}&limit=1000`, headers, agent),
        ),
      );
    } finally {
      agent.destroy();
    }
  };

  it('refuses past SEARCH_WAIT_MS with the problem, headers and counts of the Koa route', async () => {
    const before = counter.koa;
    const fast = await burst({});
    expect(counter.koa, 'the fast path answered the burst').to.equal(before);
    const viaKoa = await burst(VIA_KOA);
    const refusedFast = fast.filter((a) => a.status === 503);
    const refusedKoa = viaKoa.filter((a) => a.status === 503);
    expect(refusedFast.length, `fast statuses ${fast.map((a) => a.status).join(',')}`).to.be.greaterThan(0);
    expect(refusedKoa.length, `Koa statuses ${viaKoa.map((a) => a.status).join(',')}`).to.be.greaterThan(0);
    expect([...fast, ...viaKoa].filter((a) => a.status !== 200 && a.status !== 503)).to.deep.equal([]);
    const [one, other] = [refusedFast[0] as RawAnswer, refusedKoa[0] as RawAnswer];
    // The detail says how long it waited, and Content-Length follows: compared apart.
    const sameShape = (a: RawAnswer) => stable(a).filter(([name]) => name !== 'content-length' && name !== 'retry-after');
    expect(sameShape(one)).to.deep.equal(sameShape(other));
    expect(one.headers.map(([name]) => name)).to.deep.equal(other.headers.map(([name]) => name));
    expect(header(one, 'retry-after')).to.match(/^[1-9][0-9]*$/);
    expect(Number(header(one, 'content-length'))).to.equal(one.body.length);
    const documentOf = (a: RawAnswer) => {
      const { detail, ...rest } = JSON.parse(a.body.toString('utf8')) as { detail: string };
      expect(detail).to.include('SEARCH_WAIT_MS');
      return rest;
    };
    expect(documentOf(one)).to.deep.equal(documentOf(other));
    expect(documentOf(one)).to.include({ code: 'OVERLOADED', status: 503, instance: '/query' });
    const text = await scrape(server);
    expect(metricValue(text, 'whc_http_requests_refused_total{reason="search_wait"}')).to.equal(refusedFast.length + refusedKoa.length);
    expect(metricValue(text, 'whc_http_requests_total{route="/query",method="GET",status="503"}')).to.equal(
      refusedFast.length + refusedKoa.length,
    );
  });
});
