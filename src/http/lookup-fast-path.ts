/**
 * The hot path. `GET /query?unique_number=N` is the original service's only request and most of
 * the traffic; Koa's layers (context objects, seven async middlewares, the router) cost about
 * half of what a bare node:http server does per request (docs/benchmarks.md). This listener
 * answers exactly that request, in its common form, with the bytes, headers, metrics and log
 * line the Koa route produces; anything else (another parameter, an Origin, an Accept other than
 * JSON, an unknown id, a draining server) goes to Koa. test/http/fast-path.test.ts compares the
 * two answers header by header.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestLineWriter, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { matchesIfNoneMatch } from './conditional.js';
import { CONTENT_TYPES } from './negotiate.js';
import { TOTAL_COUNT_HEADER } from './list-headers.js';
import { SECURITY_HEADERS } from './request-log.js';
import { CACHE_CONTROL } from './routes/query.js';
import type { RouteDeps } from './routes/route-deps.js';

const PREFIX = '/query?unique_number=';
/** The lookup codec's rule (digits, no leading zero), limited to 15 digits: always a safe integer. */
const ID = /^[1-9][0-9]{0,14}$/;
const ROUTE = '/query';

export interface FastPathDeps extends RouteDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Headers that would make Koa answer differently: CORS, content negotiation. */
function isPlainJsonRequest(req: IncomingMessage): boolean {
  const { accept, origin } = req.headers;
  return origin === undefined && (accept === undefined || accept === '*/*' || accept === 'application/json');
}

export function withLookupFastPath(fallback: RequestListener, deps: FastPathDeps): RequestListener {
  const logLine = requestLineWriter(deps.logger);
  const observe = { 200: deps.metrics.requestObserver('GET', ROUTE, 200), 304: deps.metrics.requestObserver('GET', ROUTE, 304) };
  const finish = (status: 200 | 304, start: number) => {
    const ms = performance.now() - start;
    observe[status](ms / 1000);
    logLine('GET', ROUTE, status, Math.round(ms * 100) / 100);
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PREFIX) || !isPlainJsonRequest(req) || deps.isShuttingDown()) {
      fallback(req, res);
      return;
    }
    const id = url.slice(PREFIX.length);
    const site = ID.test(id) ? deps.store.current?.site(Number(id)) : undefined;
    if (site === undefined) {
      fallback(req, res);
      return;
    }
    // The Koa route's headers, in its order: CORS adds Vary: Origin to every answer.
    const common = ['Vary', 'Origin, Accept', 'Cache-Control', CACHE_CONTROL, 'ETag', site.queryEtag, TOTAL_COUNT_HEADER, '1'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined && matchesIfNoneMatch(ifNoneMatch, site.queryEtag)) {
      res.writeHead(304, [...common, ...SECURITY_HEADERS]);
      res.end();
      finish(304, start);
      return;
    }
    res.writeHead(200, [...common, 'Content-Type', CONTENT_TYPES.json, 'Content-Length', String(site.queryBody.length), ...SECURITY_HEADERS]);
    res.end(site.queryBody);
    finish(200, start);
  };
}
