/**
 * The search fast path. `GET /query?<filters>` in its common form (no Origin, JSON or any
 * Accept, no Accept-Encoding) is answered here without Koa: Koa's context objects and its seven
 * async middlewares cost about a fifth of an uncached search (docs/performance.md). It sends the
 * route's own answer (search-answer.ts), through the same answer cache, the same queue (the CPU
 * budget and its memory check at the turn) and the same conditional requests, with the headers,
 * metrics and log line the Koa middlewares add (review.ts lists each and what was decided).
 *
 * It only answers what it can answer in full. Whatever would be refused or questioned before the
 * computation (a bad or unknown parameter, a stale cursor, a URL or query over the limits, the
 * memory bound already reached, a draining server, no data yet) goes to Koa, which says why. Once
 * admitted, a search the queue refuses (503 with Retry-After) is answered here with the problem
 * the Koa route would send (problem-middleware.ts's `problemOf` and `problemHeaders`).
 * test/http/fast-path.test.ts compares the two answers header by header.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { cursorPosition } from '../../query/run.js';
import { MAX_LOGGED_QUERY, requestLineWriter, type Logger } from '../../log/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { AnswerCache, CachedAnswer } from '../answer-cache.js';
import { CORS_VARY } from '../cors.js';
import type { CpuBudget } from '../cpu-budget.js';
import type { InFlight } from '../in-flight.js';
import { problemHeaders, problemOf } from '../problem-middleware.js';
import type { HttpProblem } from '../problems.js';
import { answerEtagOf, matchesIfNoneMatch } from '../representation/etag.js';
import { CACHE_CONTROL, SECURITY_HEADERS } from '../representation/headers.js';
import { MAX_QUERY_PARAMETERS, MAX_URL_LENGTH } from '../representation/limits.js';
import { REQUEST_ID_HEADER, requestId } from '../request-id.js';
import { parameterCount } from '../request-limits.js';
import type { RouteDeps } from '../routes/route-deps.js';
import { SEARCH_VARY, computeSearch } from '../search-answer.js';
import { answerDefect } from './defects.js';
import { isPlainJsonRequest } from './plain-request.js';
import { SearchPlans } from './search-plans.js';

const ROUTE = '/query';
const PREFIX = `${ROUTE}?`;
/** CORS's Vary, the route's, then compression's, which varies every answer it lets through: Koa's order. */
const VARY = [CORS_VARY, ...SEARCH_VARY, 'Accept-Encoding'].join(', ');
/** A failed answer's Vary: compression adds its own only to 200 and 304. */
const PROBLEM_VARY = [CORS_VARY, ...SEARCH_VARY].join(', ');

export interface SearchFastPathDeps extends RouteDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly answers: AnswerCache;
  readonly budget: CpuBudget;
  readonly inFlight: InFlight;
  /** The memory guard's bound: past it, a search goes to Koa, which refuses it. */
  readonly responseMemoryBytes: number;
}

/** Koa's rule for writing an answer (`ctx.writable`): not once the client has gone. */
const isWritable = (res: ServerResponse): boolean => !res.writableEnded && res.socket?.writable !== false;

export function withSearchFastPath(fallback: RequestListener, deps: SearchFastPathDeps): RequestListener {
  const { answers, budget, inFlight, metrics } = deps;
  const plans = new SearchPlans(ROUTE);
  // Query strings come from clients: JSON-escaped in the log line, as request-log.ts does.
  const logLine = requestLineWriter(deps.logger, JSON.stringify);

  const finish = (rid: string, search: string, status: number, bytes: number, start: number, problem?: HttpProblem) => {
    const ms = performance.now() - start;
    metrics.observeRequest('GET', ROUTE, status, ms / 1000);
    const query = search.length > MAX_LOGGED_QUERY ? search.slice(0, MAX_LOGGED_QUERY) : search;
    logLine(rid, 'GET', ROUTE, query, status, Math.round(ms * 100) / 100, bytes, problem?.code);
  };

  /**
   * Adds to `head` what observeRequests adds last: the security headers, the request id and, once
   * draining has begun (a search admitted before it may still be waiting its turn), `Connection: close`.
   */
  const withTail = (head: string[], rid: string): string[] => {
    head.push(...SECURITY_HEADERS, REQUEST_ID_HEADER, rid);
    if (deps.isShuttingDown()) head.push('Connection', 'close');
    return head;
  };

  const send = (res: ServerResponse, head: string[], answer: CachedAnswer, rid: string) => {
    const length = answer.body.length;
    for (const name in answer.headers) head.push(name, answer.headers[name] as string);
    head.push('Content-Length', String(length));
    res.writeHead(200, withTail(head, rid));
    res.end(answer.body);
    // The memory guard's hold: the body's bytes until the answer is delivered or its client gone.
    inFlight.holdUntilClosed(res, length);
    return length;
  };

  /** The problem Koa would answer for `error`, counted, and sent unless the client has gone; with its body's bytes. */
  const refuse = (res: ServerResponse, error: unknown, rid: string): [HttpProblem, number] => {
    const problem = problemOf(error, deps.logger, 'GET', ROUTE);
    if (problem.refusal !== undefined) metrics.requestRefused(problem.refusal);
    const body = Buffer.from(JSON.stringify(problem.toDocument(ROUTE)));
    if (isWritable(res)) {
      const head = ['Vary', PROBLEM_VARY, ...problemHeaders(problem), 'Content-Length', String(body.length)];
      res.writeHead(problem.status, withTail(head, rid));
      res.end(body);
    }
    return [problem, body.length];
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const url = req.url;
    const dataset = deps.store.current;
    if (
      req.method !== 'GET' ||
      url === undefined ||
      !url.startsWith(PREFIX) ||
      url.length > MAX_URL_LENGTH ||
      dataset === undefined ||
      !isPlainJsonRequest(req) ||
      // Without Accept-Encoding (or with an empty one) compression answers identity; with one, Koa compresses.
      (req.headers['accept-encoding'] ?? '') !== '' ||
      inFlight.bytes >= deps.responseMemoryBytes ||
      deps.isShuttingDown()
    ) {
      fallback(req, res);
      return;
    }
    const search = url.slice(PREFIX.length);
    // Koa's query string ends at a `#` (parseurl), which Node's parser lets through: Koa reads those.
    // Over requestLimits's count (request-limits.ts), Koa refuses it.
    if (parameterCount(search) > MAX_QUERY_PARAMETERS || search.includes('#')) {
      fallback(req, res);
      return;
    }
    const plan = plans.planOf(search);
    if (
      plan === undefined ||
      (plan.query.cursor !== undefined && cursorPosition(dataset.index, plan.query.cursor, plan.query.sort) === undefined)
    ) {
      fallback(req, res);
      return;
    }
    const { params, query, format } = plan;
    const etag = answerEtagOf(dataset.version.id, plan.digest);
    const rid = requestId(req.headers['x-request-id']);
    // In the Koa answer's order: the Vary of CORS, the route and compression; the route's headers;
    // the cached answer's; Koa's Content-Length; the security headers and the request id last.
    const head = ['Vary', VARY, 'Cache-Control', CACHE_CONTROL.data, 'ETag', etag];
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, withTail(head, rid));
      res.end();
      finish(rid, search, 304, 0, start);
      return;
    }
    const cached = answers.get(etag);
    if (cached !== undefined) {
      finish(rid, search, 200, send(res, head, cached, rid), start);
      return;
    }
    // Waiting for its turn, it is a request in flight, as Koa counts its own.
    inFlight.requestStarted();
    budget
      .run(() => computeSearch(dataset, query, format, params))
      .then(
        (answer) => {
          inFlight.requestEnded();
          answers.set(etag, answer);
          // Gone while it waited: nothing to send, but logged with its size, as Koa does.
          const bytes = isWritable(res) ? send(res, head, answer, rid) : answer.body.length;
          finish(rid, search, 200, bytes, start);
        },
        (error: unknown) => {
          inFlight.requestEnded();
          const [problem, bytes] = refuse(res, error, rid);
          finish(rid, search, problem.status, bytes, start, problem);
        },
      )
      // A defect in the handlers above must not become an unhandled rejection (defects.ts).
      .catch((error: unknown) => {
        const sent = answerDefect(res, error, deps.logger, 'GET', ROUTE, rid);
        if (sent === undefined) return;
        try {
          finish(rid, search, sent.problem.status, sent.bytes, start, sent.problem);
        } catch {
          // The counter or the log may be what failed: the answer is sent and the error logged.
        }
      });
  };
}
