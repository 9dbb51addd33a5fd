/**
 * Prometheus metrics (prom-client), on a registry of the app's own so that tests and several apps
 * in one process never share counters. Exposed by GET /metrics.
 */
import { STATUS_CODES } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DatasetVersion } from '../data/dataset.js';
import { RequestSeries, type RequestSeriesCell } from './request-series.js';

/**
 * Why a request for data was refused rather than answered, the values of the refusals' `reason`
 * label (the client sees the same 503 whatever the reason): a search that could not start within
 * the search queue's wait bound (http/cpu-budget.ts), the bound on memory held for answers
 * (http/memory-guard.ts, also checked at a queued search's turn), no dataset loaded yet. A
 * draining server refuses nothing: it answers, with Connection: close, while its readiness probe
 * says it is leaving.
 */
export const REFUSALS = ['search_wait', 'memory_bound', 'no_data'] as const;
export type Refusal = (typeof REFUSALS)[number];

/**
 * Latency buckets, in seconds. They reach 30 s: 40 brotli-compressed CSV pages of 1000 rows asked
 * at once (they queue for the one compression slot) took 1 to 13 s each on the 2-core CI machine
 * (December 2026, 36 of 40 under 10 s), and a histogram that stops at 1 s, as this one did, hides
 * how slow they are.
 */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/**
 * The methods the API answers (routes, HEAD, CORS preflights). Node's parser accepts 34 (PROPFIND,
 * MKCALENDAR, QUERY...): labelled as sent, each became a histogram series for every route and
 * status, and 3,672 requests took /metrics from 16.5 KB to 1.75 MB (issue 24). Every other
 * method counts as `other`, so the series are bounded by the routes and statuses, which the
 * server chooses, never the client.
 */
const LABELLED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);
/** What the method and status labels say for values outside their fixed sets. */
const OTHER_LABEL = 'other';

/** The `method` label: one of LABELLED_METHODS, or `other`. */
const methodLabel = (method: string): string => (LABELLED_METHODS.has(method) ? method : OTHER_LABEL);

/** The `status` label: a status Node knows (statuses are the server's choice; this is a backstop), or `other`. */
const statusLabel = (status: number): string => (STATUS_CODES[status] === undefined ? OTHER_LABEL : String(status));

/** Default metrics of prom-client 15 that are gauges named like counters. */
export const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export interface Metrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** `observeRequest` with its labels bound once, for a hot path that knows them: no key built per request. */
  requestObserver(method: string, route: string, status: number): (seconds: number) => void;
  datasetLoaded(version: DatasetVersion): void;
  reloadFailed(): void;
  /** One look-up in the answer cache (answer-cache.ts): a hit, or a miss (every look-up misses when it is off). */
  answerCacheLookup(hit: boolean): void;
  /** The answer cache's bound in bytes (ANSWER_CACHE_MB; 0: off) and what it holds, read at each scrape. */
  answerCacheSize(limitBytes: number, heldBytes: () => number): void;
  /** A request for data refused (503) to protect the server, and why. */
  requestRefused(reason: Refusal): void;
  /** What is in flight, read at each scrape: requests in Koa, bytes held for answers and their bound (RESPONSE_MEMORY_MB). */
  inFlight(requests: () => number, responseBytes: () => number, responseLimitBytes: number): void;
}

export function createMetrics(options: { processMetrics: boolean } = { processMetrics: true }): Metrics {
  const registry = new Registry();
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges `_total`, a suffix the exposition format keeps for counters
    // (`promtool check metrics` rejects them); handle and request counts are not worth keeping under new names.
    for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
    // prom-client reckons the process's start time once, as its module is evaluated: in the
    // production start, a V8 startup snapshot (src/snapshot/), that happened when the image was
    // built, and every pod would report the build's time. Reckoned here, in the running process.
    registry.removeSingleMetric('process_start_time_seconds');
    new Gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      registers: [registry],
    }).set(Math.round(Date.now() / 1000 - process.uptime()));
  }
  const requests = new RequestSeries({
    countName: 'whc_http_requests_total',
    countHelp: 'HTTP requests answered, by route pattern, method and status',
    durationName: 'whc_http_request_duration_seconds',
    durationHelp: 'Time to answer HTTP requests, by route pattern, method and status',
    buckets: LATENCY_BUCKETS,
  });
  registry.registerMetric(requests.counter);
  registry.registerMetric(requests.histogram);
  const rows = new Gauge({ name: 'whc_dataset_rows', help: 'Rows in the dataset being served', registers: [registry] });
  const info = new Gauge({
    name: 'whc_dataset_info',
    help: 'The dataset being served (value 1), labelled with its version (sha256 of the file)',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  const loadedAt = new Gauge({
    name: 'whc_dataset_last_reload_success_timestamp_seconds',
    help: 'When the dataset being served was loaded (Unix time)',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'whc_dataset_reload_failures_total',
    help: 'Data files rejected at start-up or on reload',
    registers: [registry],
  });

  const cacheLookups = new Counter({
    name: 'whc_answer_cache_lookups_total',
    help: 'Look-ups of computed answers (searches, facets, their codings) in the answer cache, by result: hit or miss',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Both series from the start: a hit ratio needs its zero.
  const cacheHit = cacheLookups.labels({ result: 'hit' });
  const cacheMiss = cacheLookups.labels({ result: 'miss' });
  cacheHit.inc(0);
  cacheMiss.inc(0);
  const cacheLimit = new Gauge({
    name: 'whc_answer_cache_limit_bytes',
    help: 'The answer cache bound (ANSWER_CACHE_MB in bytes; 0: the cache is off)',
    registers: [registry],
  });
  let cacheHeld = () => 0;
  new Gauge({
    name: 'whc_answer_cache_bytes',
    help: 'Bytes of answers the answer cache holds',
    registers: [registry],
    collect() {
      this.set(cacheHeld());
    },
  });

  const refusals = new Counter({
    name: 'whc_http_requests_refused_total',
    help: 'Requests for data answered 503 to protect the server, by reason: search_wait (SEARCH_WAIT_MS), memory_bound (RESPONSE_MEMORY_MB), no_data',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Every reason from the start, at zero: an alert on a rate needs the series before the first refusal.
  const refusedBy = Object.fromEntries(REFUSALS.map((reason) => [reason, refusals.labels({ reason })])) as Record<Refusal, Counter>;
  for (const reason of REFUSALS) refusedBy[reason].inc(0);
  let inFlightRequests = () => 0;
  let inFlightBytes = () => 0;
  new Gauge({
    name: 'whc_http_requests_in_flight',
    help: 'Requests being answered by Koa, this scrape included (lookups on the fast path are answered at once and never counted)',
    registers: [registry],
    collect() {
      this.set(inFlightRequests());
    },
  });
  new Gauge({
    name: 'whc_http_response_bytes',
    help: 'Bytes held for answers in flight (computed, being compressed, or waiting for slow clients); past the bound, data requests are refused',
    registers: [registry],
    collect() {
      this.set(inFlightBytes());
    },
  });
  const responseLimit = new Gauge({
    name: 'whc_http_response_limit_bytes',
    help: 'The bound on bytes held for answers in flight (RESPONSE_MEMORY_MB in bytes, or derived from the memory limit)',
    registers: [registry],
  });

  // Routes come labelled as patterns or `unmatched` (http/request-log.ts), never as paths.
  const seriesOf = (method: string, route: string, status: number) =>
    requests.seriesOf({ route, method: methodLabel(method), status: statusLabel(status) });
  return {
    registry,
    observeRequest: (method, route, status, seconds) => seriesOf(method, route, status).observe(seconds),
    requestObserver: (method, route, status) => {
      // Found on first use, not here: a series appears in /metrics only once it has a request.
      let series: RequestSeriesCell | undefined;
      return (seconds) => (series ??= seriesOf(method, route, status)).observe(seconds);
    },
    datasetLoaded: (version) => {
      rows.set(version.rows);
      info.reset();
      info.set({ version: version.id }, 1);
      loadedAt.set(version.loadedAt.getTime() / 1000);
    },
    reloadFailed: () => failures.inc(),
    answerCacheLookup: (hit) => (hit ? cacheHit : cacheMiss).inc(),
    answerCacheSize: (limitBytes, heldBytes) => {
      cacheLimit.set(limitBytes);
      cacheHeld = heldBytes;
    },
    requestRefused: (reason) => refusedBy[reason].inc(),
    inFlight: (requests, responseBytes, responseLimitBytes) => {
      inFlightRequests = requests;
      inFlightBytes = responseBytes;
      responseLimit.set(responseLimitBytes);
    },
  };
}
