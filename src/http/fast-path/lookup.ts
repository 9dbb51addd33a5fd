/**
 * The hot path. `GET /query?unique_number=N` is the original service's only request and most of
 * the traffic; Koa's layers (context objects, seven async middlewares, the router) cost about
 * half of what a bare node:http server does per request (docs/benchmarks.md). This listener
 * answers exactly that request, in its common form, with the bytes, headers, metrics and log
 * line the Koa route produces: the route's own answer (lookup-answer.ts) and what the Koa
 * middlewares add to it (review.ts lists each and what was decided). Anything else
 * (another parameter, an Origin, an Accept other than JSON, an unknown id, a draining server)
 * goes to Koa. test/http/fast-path.test.ts compares the two answers header by header, and fails
 * when the Koa middleware stack changes.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestLineWriter, type Logger } from '../../log/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { CORS_VARY } from '../cors.js';
import { LOOKUP_VARY, lookupAnswer } from '../lookup-answer.js';
import { SECURITY_HEADERS } from '../representation/headers.js';
import { REQUEST_ID_HEADER, requestId } from '../request-id.js';
import type { RouteDeps } from '../routes/route-deps.js';
import { isPlainJsonRequest } from './plain-request.js';

const PREFIX = '/query?unique_number=';
/** The lookup codec's rule (digits, no leading zero), limited to 15 digits: always a safe integer. */
const ID = /^[1-9][0-9]{0,14}$/;
const ROUTE = '/query';
/** CORS varies on Origin first, then the route adds its own (review.ts). */
const VARY = [CORS_VARY, ...LOOKUP_VARY].join(', ');

export interface FastPathDeps extends RouteDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function withLookupFastPath(fallback: RequestListener, deps: FastPathDeps): RequestListener {
  const logLine = requestLineWriter(deps.logger);
  const observe = { 200: deps.metrics.requestObserver('GET', ROUTE, 200), 304: deps.metrics.requestObserver('GET', ROUTE, 304) };
  const finish = (id: string, query: string, status: 200 | 304, bytes: number, start: number) => {
    const ms = performance.now() - start;
    observe[status](ms / 1000);
    logLine(id, 'GET', ROUTE, query, status, Math.round(ms * 100) / 100, bytes);
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PREFIX) || !isPlainJsonRequest(req) || deps.isShuttingDown()) {
      fallback(req, res);
      return;
    }
    const id = url.slice(PREFIX.length);
    const dataset = deps.store.current;
    const answer = ID.test(id) && dataset !== undefined ? lookupAnswer(dataset, Number(id), req.headers['if-none-match']) : undefined;
    if (answer === undefined) {
      fallback(req, res);
      return;
    }
    // In the Koa answer's order: CORS's Vary first, the route's headers, Koa's Content-Length, the
    // security headers and the request id last. The query is the id's digits, checked above: no escaping.
    const rid = requestId(req.headers['x-request-id']);
    if (answer.body === undefined) {
      res.writeHead(answer.status, ['Vary', VARY, ...answer.headers, ...SECURITY_HEADERS, REQUEST_ID_HEADER, rid]);
      res.end();
      finish(rid, url.slice(ROUTE.length + 1), answer.status, 0, start);
    } else {
      const length = answer.body.length;
      res.writeHead(answer.status, [
        'Vary',
        VARY,
        ...answer.headers,
        'Content-Length',
        String(length),
        ...SECURITY_HEADERS,
        REQUEST_ID_HEADER,
        rid,
      ]);
      res.end(answer.body);
      finish(rid, url.slice(ROUTE.length + 1), answer.status, length, start);
    }
  };
}
