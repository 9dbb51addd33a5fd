/**
 * The overload attacks, bounded, against the real service process: pipelining clients
 * that never read, compressed pages at many connections, a quadratic-regex parameter, expensive
 * searches beside lookups. Each must leave memory under its stated bound, lookups answering (no
 * failed lookup), and the process alive. Figures go to docs/reliability.md.
 */
import { expect } from 'chai';
import { freePort, waitReady } from '../../scripts/bench/processes.js';
import { flood, pipeliningNonReaders, underAttack } from '../helpers/attack.js';
import { LONG, recordFigures } from '../helpers/figures.js';
import { readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { FILTERED_PATHS } from '../../scripts/bench/search-mix.js';

/**
 * The stated bound. The service is configured as the chart configures a 256 MiB container; its
 * peak is the sum of its bounds (about 100 MB at rest, V8's heap, answers in flight, the answer
 * cache) plus what glibc keeps after freeing: about 250 MB measured here. 300 leaves room for
 * noise; a regression (the issue's 2.4 GB) is far past it.
 */
const RSS_BOUND_MB = 300;
const RESPONSE_MEMORY_MB = 32; // what an eighth of that limit gives

describe('overload attacks (real process)', function () {
  this.timeout(120_000);
  const ids = readRecords(readDataText())
    .slice(1)
    .map((r) => Number(r.fields[0]));
  let service: ServiceProcess | undefined;
  let url: string;
  let port: number;
  let pid: number;
  /**
   * A fresh process per attack (glibc keeps what an attack freed, so each peak is measured from
   * rest), as the chart runs it in its default 256 MiB: V8's heap at three eighths, answers in
   * flight at an eighth.
   */
  const start = async (env: Record<string, string> = {}) => {
    port = await freePort();
    service = spawnService({
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RESPONSE_MEMORY_MB: String(RESPONSE_MEMORY_MB),
      NODE_OPTIONS: '--max-old-space-size=96',
      ...env,
    });
    url = `http://127.0.0.1:${port}`;
    await waitReady(url, 15_000);
    pid = service.child.pid ?? 0;
  };
  afterEach(() => {
    service?.child.kill('SIGKILL');
    service = undefined;
  });

  const check = (
    name: string,
    description: string,
    figures: Awaited<ReturnType<typeof underAttack>>,
    extra: Record<string, unknown> = {},
  ) => {
    recordFigures(name, {
      description,
      asserted: `peak RSS under ${RSS_BOUND_MB} MB, no failed lookup or probe, alive at the end`,
      ...figures,
      ...extra,
    });
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
    expect(figures.probeFailures, 'failed probes').to.equal(0);
    expect(figures.lookups).to.be.greaterThan(0);
    expect(figures.peakRssMb, 'peak RSS (MB)').to.be.below(RSS_BOUND_MB);
  };

  /**
   * Node pauses a connection once its unsent answers pass the socket's high-water mark, so each
   * connection holds about one answer: the attack needs many connections, and no CPU budget
   * (which on its own refuses most of these searches in a few seconds: with it, RSS stayed near
   * 200 MB with the memory bound off). Then the memory bound alone is what holds.
   */
  const [clients, perClient, holdMs] = LONG ? [200, 5, 8000] : [100, 3, 3000];
  const pipelining = () =>
    pipeliningNonReaders(port, clients, perClient, holdMs, (c, i) => `/query?limit=1000&inscribed_from=${1 + c * perClient + i}`);
  const pipeliningDescription = `${clients} connections each pipelining ${perClient} distinct limit=1000 searches (2.4 MB answers) without reading, held open ${holdMs / 1000} s, no CPU budget (SEARCH_CPU_PERCENT=100)`;

  it('pipelining clients that never read, with the bound effectively off: RSS passes the bound (the attack can fail the next test)', async () => {
    await start({ RESPONSE_MEMORY_MB: '65536', SEARCH_CPU_PERCENT: '100' });
    const figures = await underAttack(url, pid, ids, pipelining);
    recordFigures('overload-pipelining-unbounded', {
      description: `${pipeliningDescription}; RESPONSE_MEMORY_MB=65536 (the bound off)`,
      asserted: `peak RSS above ${RSS_BOUND_MB} MB`,
      ...figures,
    });
    expect(figures.peakRssMb, 'peak RSS (MB) without the bound').to.be.above(RSS_BOUND_MB);
  });

  it('pipelining clients that never read: bytes in flight stay bounded (503 past the bound), and are released', async () => {
    await start({ SEARCH_CPU_PERCENT: '100' });
    const figures = await underAttack(url, pid, ids, pipelining);
    check('overload-pipelining', `${pipeliningDescription}; RESPONSE_MEMORY_MB=${RESPONSE_MEMORY_MB}`, figures);
    // Released when they close: a search answers again.
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await fetch(`${url}/query?limit=1000&inscribed_from=1900`)).status) !== 200)
      await new Promise((r) => setTimeout(r, 100));
    expect(status).to.equal(200);
  });

  it('compressed pages at 100 connections: memory bounded', async () => {
    await start();
    let n = 0;
    const extra: Record<string, unknown> = {};
    const figures = await underAttack(url, pid, ids, async () => {
      extra['statuses'] = await flood(
        url,
        100,
        LONG ? 8000 : 3000,
        () => `/query?limit=1000&format=csv&inscribed_from=${1 + (n++ % 3000)}`,
        { 'Accept-Encoding': 'br' },
      );
    });
    check(
      'overload-brotli',
      `100 connections requesting distinct brotli-compressed CSV pages of 1000 rows for ${LONG ? 8 : 3} s`,
      figures,
      extra,
    );
  });

  it('16,000 "<" in state: refused at once, lookups unaffected', async () => {
    await start();
    const extra: Record<string, unknown> = {};
    const figures = await underAttack(url, pid, ids, async () => {
      extra['statuses'] = await flood(url, 20, LONG ? 5000 : 2000, () => `/query?state=${'%3C'.repeat(2000)}`);
    });
    check(
      'overload-regex',
      `20 connections sending state="<"x2000 in the URL for ${LONG ? 5 : 2} s (the 16,000 of the issue do not fit a URL; POST is capped the same way, test/query/text-cost.test.ts)`,
      figures,
      extra,
    );
    expect(Object.keys(extra['statuses'] as object)).to.deep.equal(['400']);
  });

  it('uncached searches at 50 connections: most answered, slower, not refused; probes and lookups keep answering', async () => {
    await start({ ANSWER_CACHE_MB: '0' });
    const alone = await underAttack(url, pid, ids, () => new Promise((r) => setTimeout(r, 1000)));
    const paths = FILTERED_PATHS;
    let n = 0;
    let statuses: Record<string, number> = {};
    const figures = await underAttack(url, pid, ids, async () => {
      statuses = await flood(url, 50, LONG ? 8000 : 3000, () => paths[n++ % paths.length] as string);
    });
    const total = Object.values(statuses).reduce((sum, count) => sum + count, 0);
    const answeredShare = Math.round(((statuses['200'] ?? 0) / total) * 1000) / 1000;
    check(
      'overload-search-burst',
      `50 connections looping over the benchmark's 7 filter sets for ${LONG ? 8 : 3} s, the answer cache off (ANSWER_CACHE_MB=0), the default search queue`,
      figures,
      { statuses, answeredShare, lookupP99AloneMs: alone.lookupP99Ms, probeP99AloneMs: alone.probeP99Ms },
    );
    expect(
      Object.keys(statuses).filter((s) => s !== '200' && s !== '503'),
      'only answers and refusals',
    ).to.deep.equal([]);
    expect(answeredShare, 'share answered 200 (issue 26.1: at least 80 %)').to.be.at.least(0.8);
  });

  it('expensive searches at 20 connections beside lookups: lookups keep answering', async () => {
    await start();
    const extra: Record<string, unknown> = {};
    const alone = await underAttack(url, pid, ids, () => new Promise((r) => setTimeout(r, 1000)));
    let n = 0;
    const figures = await underAttack(url, pid, ids, async () => {
      extra['statuses'] = await flood(
        url,
        20,
        LONG ? 8000 : 3000,
        () => `/query?near=48.8566,2.3522&radius_km=${20_000 + (n++ % 1000) / 10}&limit=1000`,
        { 'Accept-Encoding': 'gzip' },
      );
    });
    extra['lookupP99AloneMs'] = alone.lookupP99Ms;
    extra['probeP99AloneMs'] = alone.probeP99Ms;
    check(
      'overload-expensive-searches',
      `20 connections sending distinct near + radius_km=20000+ + limit=1000 searches (gzip) for ${LONG ? 8 : 3} s`,
      figures,
      extra,
    );
  });
});
