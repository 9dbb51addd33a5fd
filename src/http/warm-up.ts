/**
 * Answers one request of each computed kind on a dataset before it is served, so that the first
 * such request after /ready does not pay for what V8 compiles lazily on first use (the route,
 * parameter decoding, negotiation, rendering, ETags, compression, the queue, the request log)
 * nor for the JSON body parser's import: the first search took 87 ms and the first POST /query
 * 121 ms after start-up, against 4-7 ms warm (issue 26). The requests go through a throwaway
 * listener of the same code (the fast paths and the Koa app: plain searches take the one,
 * compressed ones and POSTs the other), serving only the new dataset, with its own metrics and no
 * log, over an unconnected socket: nothing is listened on and the service's metrics count no warm-up.
 * docs/benchmarks.md measures the first request of each kind against a warm one.
 */
import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http';
import { Socket } from 'node:net';
import type { Dataset } from '../data/dataset.js';
import { DatasetStore } from '../data/store.js';
import { silentLogger } from '../log/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import type { AppDeps } from './app.js';
import { InFlight } from './in-flight.js';
import { createListener } from './listener.js';

export interface WarmUpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A search in every format (touching every kind of filter), facets, a POST, compressed codings. */
const REQUESTS: readonly WarmUpRequest[] = [
  ...['json', 'csv', 'geojson'].map((format) => ({
    method: 'GET' as const,
    url: `/query?q=temple&category=Cultural&inscribed_from=1980&near=48.85,2.35&radius_km=20000&limit=3&format=${format}`,
  })),
  { method: 'GET', url: '/query?region=Europe&limit=2', headers: { 'accept-encoding': 'gzip' } },
  { method: 'GET', url: '/query?region=Asia&limit=2', headers: { 'accept-encoding': 'br' } },
  // Facets over a few sites and over every site: counting a thousand sites' facets the first time
  // ran interpreted at 3.1-3.5x a warm answer when only the few were warmed (docs/performance.md).
  { method: 'GET', url: '/stats?region=Africa&danger=true' },
  { method: 'GET', url: '/stats' },
  // The readiness probe: the first request after a start (its first run took 17-20 ms before
  // probes.ts sent bytes and this warmed it).
  { method: 'GET', url: '/ready' },
  {
    method: 'POST',
    url: '/query',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: 'Natural', limit: 2 }),
  },
];

/** Runs a warm-up request through a listener; resolves with its status once answered. */
export type WarmUpExchange = (listener: RequestListener, request: WarmUpRequest) => Promise<number>;

/** Runs `request` through `listener` on an unconnected socket; resolves with its status once answered. */
function answerOverHttp(listener: RequestListener, request: WarmUpRequest): Promise<number> {
  const req = new IncomingMessage(new Socket());
  req.method = request.method;
  req.url = request.url;
  const body = Buffer.from(request.body ?? '');
  req.headers = { host: 'warm-up', 'content-length': String(body.length), ...request.headers };
  if (body.length > 0) req.push(body);
  req.push(null);
  const res = new ServerResponse(req);
  // A response without a socket never emits 'finish': its `end` is the sign it is answered.
  return new Promise((resolve) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const ended = end(...args);
      resolve(res.statusCode);
      return ended;
    }) as typeof res.end;
    listener(req, res);
  });
}

/**
 * `exchange` sends each request: node:http's own request and response objects on an unconnected
 * socket, or stand-ins where node:http cannot be loaded (a V8 startup snapshot's builder,
 * src/snapshot/stand-ins.ts).
 */
export async function warmUp(
  dataset: Dataset,
  deps: Omit<AppDeps, 'store' | 'logger' | 'metrics' | 'isShuttingDown'>,
  exchange: WarmUpExchange = answerOverHttp,
): Promise<void> {
  const store = new DatasetStore();
  store.replace(dataset);
  // Never shutting down: a reload that overlaps the service's shutdown still warms up (/ready
  // would answer 503 then, and the warm-up would fail).
  const { listener } = createListener(
    { ...deps, store, isShuttingDown: () => false, logger: silentLogger, metrics: createMetrics({ processMetrics: false }) },
    new InFlight(),
  );
  for (const request of REQUESTS) {
    const status = await exchange(listener, request);
    // A warm-up request the routes no longer answer would warm an error path instead: say so.
    if (status !== 200) throw new Error(`the warm-up request ${request.method} ${request.url} answered ${status}`);
  }
}
