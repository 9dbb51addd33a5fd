/**
 * `npm run bench`: the service against a bare node:http baseline, in one run (see docs/benchmarks.md).
 * `npm run bench -- --smoke`: a few seconds of each, small synthetic files, report to .bench/ (CI).
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { loadDataset } from '../../src/data/load.js';
import { measureColdPaths } from './cold-paths.js';
import { measureSqliteAtScale } from './peers/scaling.js';
import { measureReload, renderReload } from './reload.js';
import { attacks, measureContention } from './contention.js';
import { currentRss, peakRss, productionArgv, STARTUP_FLOOR, startServer, timeToReady, waitReady, type Server } from './processes.js';
import {
  renderMarkdown,
  renderSvg,
  type BenchReport,
  type FilterSetResult,
  type LoadResult,
  type ScalingResult,
  type ScenarioResult,
} from './report.js';
import { STARTUP_RUNS } from './aims.js';
import { writeSyntheticCsv } from './synthetic.js';
import { hasWrk, wrk, type WrkRequest } from './wrk.js';
import { FILTERED_PATHS } from './search-mix.js';
import { measurePeers, peerTiming } from './peers/measure.js';

const SMOKE = process.argv.includes('--smoke');
/**
 * Two cores are shared by the server and the load generator, so single runs drift: each
 * scenario warms both servers up, then alternates service and baseline ROUNDS times and
 * reports medians.
 */
const ROUNDS = SMOKE ? 1 : 3;
const WARM_UP_S = SMOKE ? 0 : 2;
const DURATION_S = SMOKE ? 1 : 5;
const SCALING_DURATION_S = SMOKE ? 1 : 3;
const FILTER_SET_DURATION_S = SMOKE ? 1 : 3;
const CONNECTIONS = 50;
const SIZES = SMOKE ? [5_000, 20_000] : [10_000, 100_000, 1_000_000];
/** Issue 26.1 measures 8 s of each attack. */
const CONTENTION_DURATION_S = SMOKE ? 1 : 8;
const COLD_PATH_RUNS = SMOKE ? 1 : 5;
const BUNDLED = 'data/whc-sites-2019.csv';
const MB = 1024 * 1024;

const serviceArgv = productionArgv();
const baselineArgv = ['--import', 'tsx', 'scripts/bench/baseline-server.ts'];
const searchEngineArgv = ['--import', 'tsx', 'scripts/bench/search-engine-server.ts'];
const serviceEnv = (dataFile: string) => ({ DATA_FILE: dataFile, LOG_LEVEL: 'info', NODE_ENV: 'production' });

interface Request {
  path: string;
  headers?: Record<string, string>;
}

async function load(url: string, pick: () => Request, durationS: number, expectStatus: number): Promise<Omit<LoadResult, 'peakRssMb'>> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    requests: [{ setupRequest: (req) => ({ ...req, ...pick() }) }],
  });
  const okCount = expectStatus === 304 ? result['3xx'] : result['2xx'];
  const unexpected = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'] - okCount;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
  };
}

async function measure(server: Server, pick: () => Request, expectStatus = 200, durationS = DURATION_S): Promise<LoadResult> {
  const result = await load(server.url, pick, durationS, expectStatus);
  return { ...result, peakRssMb: peakRss(server.child.pid ?? 0) / MB };
}

/** The same load from wrk: every request of `requests`, at random; a 304 scenario counts 304s as answered. */
async function measureWrk(server: Server, requests: readonly WrkRequest[], durationS = DURATION_S): Promise<LoadResult> {
  const r = await wrk(server.url, { connections: CONNECTIONS, durationS, requests });
  return { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors + r.non2xx, peakRssMb: peakRss(server.child.pid ?? 0) / MB };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Medians of rps and latencies over the rounds; errors added up; the largest peak RSS. */
function combine(results: readonly LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

/** Distinct searches (none answered from the cache): a category with a year, a region in danger, words. */
const SCALING_SEARCHES = Array.from(
  { length: 300 },
  (_, i) =>
    [
      `/query?category=Natural&inscribed_from=${1978 + (i % 40)}&limit=10`,
      `/query?region=Africa&danger=true&limit=${1 + i}`,
      `/query?q=temple&limit=${1 + i}`,
    ][i % 3] as string,
);
const SEARCH_CONNECTIONS = 4;

/** The first search (the index is built at load: it pays nothing extra), then searches per second, then RSS. */
async function measureSearches(server: Server): Promise<Pick<ScalingResult, 'firstSearchMs' | 'searchRps' | 'rssAfterSearchesMb'>> {
  const started = performance.now();
  const first = await fetch(`${server.url}/query?category=Natural&limit=5`);
  await first.arrayBuffer();
  if (first.status !== 200) throw new Error(`the first search answered ${first.status}`);
  const firstSearchMs = performance.now() - started;
  let searchRps: number;
  if (await hasWrk()) {
    const r = await wrk(server.url, { connections: SEARCH_CONNECTIONS, durationS: SCALING_DURATION_S, paths: SCALING_SEARCHES });
    if (r.errors + r.non2xx > 0) throw new Error(`${r.errors + r.non2xx} failed searches`);
    searchRps = r.rps;
  } else {
    const r = await autocannon({
      url: server.url,
      connections: SEARCH_CONNECTIONS,
      duration: SCALING_DURATION_S,
      requests: [{ setupRequest: (req) => ({ ...req, path: randomOf(SCALING_SEARCHES) }) }],
    });
    searchRps = r.requests.average;
  }
  return { firstSearchMs, searchRps, rssAfterSearchesMb: currentRss(server.child.pid ?? 0) / MB };
}

/**
 * Each filter set alone under wrk, the uncached service alternating with the fixed-bytes baseline
 * and with the bare search server (the service's search and nothing else, on every request).
 */
async function measureFilterSets(uncached: Server, baseline: Server): Promise<FilterSetResult[]> {
  process.stderr.write('bench: uncached filter sets one at a time\n');
  const engine = await startServer(searchEngineArgv, { DATA_FILE: BUNDLED });
  try {
    await waitReady(engine.url);
    await expectSameBodies(uncached, engine, FILTERED_PATHS);
    const results: FilterSetResult[] = [];
    for (const path of FILTERED_PATHS) {
      const rounds = { service: [] as LoadResult[], baseline: [] as LoadResult[], engine: [] as LoadResult[] };
      for (let round = 0; round < ROUNDS; round++) {
        rounds.service.push(await measureWrk(uncached, [{ path }], FILTER_SET_DURATION_S));
        rounds.baseline.push(await measureWrk(baseline, [{ path }], FILTER_SET_DURATION_S));
        rounds.engine.push(await measureWrk(engine, [{ path }], FILTER_SET_DURATION_S));
      }
      results.push({
        path,
        serviceRps: combine(rounds.service).rps,
        baselineRps: combine(rounds.baseline).rps,
        searchEngineRps: combine(rounds.engine).rps,
      });
    }
    return results;
  } finally {
    await engine.stop();
  }
}

/** The servers compared must answer the same bytes, or the comparison means nothing. */
async function expectSameBodies(a: Server, b: Server, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const [left, right] = await Promise.all(
      [a.url, b.url].map(async (u) =>
        Buffer.from(await (await fetch(`${u}${path}`, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer()),
      ),
    );
    if (!left?.equals(right as Buffer)) throw new Error(`bodies differ for ${path}`);
  }
}

/** The peers are measured under wrk only (autocannon runs out of CPU before the servers do). */
function withWrkOrSay(withWrk: boolean): boolean {
  if (!withWrk) process.stderr.write('bench: wrk not found: no peers\n');
  return withWrk;
}

function randomOf<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  // The bundled ids are sparse: take them from the loader. Synthetic files number rows 1..N.
  const ids = (await loadDataset(BUNDLED)).rows.map((row) => row.unique_number);
  const service = await startServer(serviceArgv, serviceEnv(BUNDLED));
  await waitReady(service.url);
  // The baseline answers the filtered queries with the service's own bytes, captured here.
  mkdirSync('.bench', { recursive: true });
  const fixedAnswers: Record<string, { type: string; etag: string; body: string }> = {};
  for (const path of FILTERED_PATHS) {
    const response = await fetch(`${service.url}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    fixedAnswers[path] = {
      type: response.headers.get('content-type') ?? '',
      etag: response.headers.get('etag') ?? '',
      body: Buffer.from(await response.arrayBuffer()).toString('base64'),
    };
  }
  writeFileSync('.bench/fixed-answers.json', JSON.stringify(fixedAnswers));
  const baseline = await startServer(baselineArgv, { DATA_FILE: BUNDLED, FIXED_ANSWERS: '.bench/fixed-answers.json' });
  const scenarios: ScenarioResult[] = [];
  const filterSets: FilterSetResult[] = [];
  try {
    await waitReady(baseline.url);
    // Byte-identical bodies, or the comparison means nothing.
    for (const id of ids.slice(0, 50)) {
      const [a, b] = await Promise.all(
        [service.url, baseline.url].map(async (u) => Buffer.from(await (await fetch(`${u}/query?unique_number=${id}`)).arrayBuffer())),
      );
      if (!a?.equals(b as Buffer)) throw new Error(`bodies differ for unique_number ${id}`);
    }
    const etags = new Map<number, string>();
    for (const id of ids)
      etags.set(id, (await fetch(`${service.url}/query?unique_number=${id}`, { method: 'HEAD' })).headers.get('etag') ?? '');

    const withWrk = await hasWrk();
    if (!withWrk) process.stderr.write('bench: wrk not found (apt-get install wrk): autocannon only\n');
    /** `requests` lists every request `pick` may make, for wrk (which picks among them at random). */
    const run = async (name: string, requests: readonly Request[], status = 200, target = service) => {
      process.stderr.write(`bench: ${name}\n`);
      const pick = () => randomOf(requests);
      if (WARM_UP_S > 0) for (const server of [target, baseline]) await load(server.url, pick, WARM_UP_S, status);
      const s: LoadResult[] = [];
      const b: LoadResult[] = [];
      const ws: LoadResult[] = [];
      const wb: LoadResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        s.push(await measure(target, pick, status));
        b.push(await measure(baseline, pick, status));
        if (withWrk) {
          ws.push(await measureWrk(target, requests));
          wb.push(await measureWrk(baseline, requests));
        }
      }
      scenarios.push({
        name,
        service: combine(s),
        baseline: combine(b),
        ...(withWrk ? { wrk: { service: combine(ws), baseline: combine(wb) } } : {}),
      });
    };
    await run(
      '/query random unique_number',
      ids.map((id) => ({ path: `/query?unique_number=${id}` })),
    );
    await run(
      '/query 304 revalidation',
      ids.map((id) => ({ path: `/query?unique_number=${id}`, headers: { 'if-none-match': etags.get(id) ?? '' } })),
      304,
    );
    await expectSameBodies(service, baseline, FILTERED_PATHS);
    const filtered = FILTERED_PATHS.map((path) => ({ path }));
    await run('/query filtered (7 filter sets, answer cache)', filtered);
    // The same requests with the answer cache off: every one is filtered, sorted and rendered.
    // And without the CPU budget: this measures what computing costs, not how the budget refuses.
    const uncached = await startServer(serviceArgv, { ...serviceEnv(BUNDLED), ANSWER_CACHE_MB: '0', SEARCH_CPU_PERCENT: '100' });
    try {
      await waitReady(uncached.url);
      await run('/query filtered (7 filter sets, no cache)', filtered, 200, uncached);
      if (withWrk) filterSets.push(...(await measureFilterSets(uncached, baseline)));
    } finally {
      await uncached.stop();
    }
    await run('/health', [{ path: '/health' }]);
  } finally {
    await service.stop();
    await baseline.stop();
  }

  // Issue 26.2: whc-api, the ceiling and the SQLite peer in the same interleaved rounds.
  const peers = withWrkOrSay(await hasWrk())
    ? await measurePeers({
        dataFile: BUNDLED,
        ids,
        serviceArgv,
        serviceEnv: serviceEnv(BUNDLED),
        ...peerTiming(SMOKE),
        connections: CONNECTIONS,
      })
    : undefined;
  const contention = await measureContention(serviceArgv, serviceEnv(BUNDLED), ids, attacks(FILTERED_PATHS), CONTENTION_DURATION_S);
  const coldPaths = await measureColdPaths(serviceArgv, serviceEnv(BUNDLED), COLD_PATH_RUNS);
  const reload = renderReload(await measureReload(serviceArgv, serviceEnv(BUNDLED), SMOKE ? 5_000 : 100_000, SMOKE ? 1 : 10));

  process.stderr.write('bench: start-up\n');
  // Alternating with the floor (a bare process that reads the file and listens), so both see
  // the machine in the same state.
  const startupRuns: number[] = [];
  const floorRuns: number[] = [];
  let startupRss = 0;
  for (let i = 0; i < (SMOKE ? 2 : STARTUP_RUNS); i++) {
    startupRuns.push(
      await timeToReady(
        serviceArgv,
        serviceEnv(BUNDLED),
        (server) => (startupRss = Math.max(startupRss, peakRss(server.child.pid ?? 0) / MB)),
      ),
    );
    floorRuns.push(await timeToReady([STARTUP_FLOOR], { DATA_FILE: BUNDLED }));
  }

  const scaling: ScalingResult[] = [];
  mkdirSync('.bench', { recursive: true });
  // A service on the bundled file runs through this part: every size is compared with it in
  // alternating rounds, so drift between minutes does not pass for a cost of the row count.
  const reference = await startServer(serviceArgv, serviceEnv(BUNDLED));
  const pickBundled = () => ({ path: `/query?unique_number=${randomOf(ids)}` });
  try {
    await waitReady(reference.url);
    if (WARM_UP_S > 0) await load(reference.url, pickBundled, WARM_UP_S, 200);
    for (const size of [0, ...SIZES]) {
      const file = size === 0 ? BUNDLED : `.bench/whc-${size}.csv`;
      if (size > 0 && !existsSync(file)) {
        process.stderr.write(`bench: writing ${file}\n`);
        await writeSyntheticCsv(BUNDLED, size, file);
      }
      process.stderr.write(`bench: scaling ${file}\n`);
      const started = performance.now();
      // No CPU budget here: the searches measured are one client's, as fast as it can; no answer
      // cache either, so every search is computed, as the SQLite peer computes its own.
      const server = await startServer(serviceArgv, { ...serviceEnv(file), SEARCH_CPU_PERCENT: '100', ANSWER_CACHE_MB: '0' });
      try {
        await waitReady(server.url);
        const loadSeconds = (performance.now() - started) / 1000;
        const pick = size === 0 ? pickBundled : () => ({ path: `/query?unique_number=${1 + Math.floor(Math.random() * size)}` });
        if (WARM_UP_S > 0) await load(server.url, pick, WARM_UP_S, 200);
        const rounds: LoadResult[] = [];
        const referenceRounds: LoadResult[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          referenceRounds.push(await measure(reference, pickBundled, 200, SCALING_DURATION_S));
          rounds.push(await measure(server, pick, 200, SCALING_DURATION_S));
        }
        const result = combine(rounds);
        if (result.errors > 0) throw new Error(`${result.errors} errors at ${file}`);
        const searches = await measureSearches(server);
        const sqlite = (await hasWrk())
          ? await measureSqliteAtScale(file, server.url, SCALING_SEARCHES, SEARCH_CONNECTIONS, SCALING_DURATION_S)
          : undefined;
        scaling.push({
          rows: size === 0 ? 1121 : size,
          fileMb: statSync(file).size / MB,
          loadSeconds,
          // Over the whole run at this size, searches included.
          peakRssMb: Math.max(result.peakRssMb, peakRss(server.child.pid ?? 0) / MB),
          rps: result.rps,
          referenceRps: combine(referenceRounds).rps,
          ...searches,
          ...(sqlite === undefined ? {} : { sqlite }),
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await reference.stop();
  }

  const cpu = cpus();
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GiB`,
    node: process.version,
    settings: `${CONNECTIONS} keep-alive connections; per HTTP scenario a ${WARM_UP_S} s warm-up, then service and baseline alternate for ${ROUNDS} rounds of ${DURATION_S} s (medians reported); lookups per file size: ${ROUNDS} rounds of ${SCALING_DURATION_S} s, alternating with a bundled-data service; the service runs as in production (\`npm start\`'s \`node ${serviceArgv.join(' ')}\`, JSON request logs at info level, metrics on).${SMOKE ? ' SMOKE MODE: short runs, small files; figures are indicative only.' : ''}`,
    scenarios,
    filterSets,
    ...(peers === undefined ? {} : { peers }),
    startup: { medianMs: median(startupRuns), runs: startupRuns, floorMedianMs: median(floorRuns), floorRuns, peakRssMb: startupRss },
    scaling,
    contention,
    coldPaths,
  };
  const dir = SMOKE ? '.bench' : 'docs';
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/benchmarks.md`, renderMarkdown(report) + reload);
  writeFileSync(`${dir}/benchmarks.svg`, renderSvg(report));
  process.stdout.write(renderMarkdown(report) + reload);
  process.stderr.write(`bench: wrote ${dir}/benchmarks.md and ${dir}/benchmarks.svg\n`);
}

await main();
