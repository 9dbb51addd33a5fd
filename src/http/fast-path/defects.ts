/**
 * What a fast path does with a defect of its own. The fast paths answer within node:http's
 * 'request' event (and a search in a promise after its turn), where a throw would be an uncaught
 * exception or an unhandled rejection, and either ends the process (lifecycle.ts). A defect costs one
 * answer instead, as Koa's onerror makes it for the routes: it is logged as an unhandled error
 * (problemOf); when nothing has been sent, it is answered with a 500 problem, counted and logged
 * as a request; an answer already whole (a throw while counting or logging it) is left to be
 * delivered; one cut short has its connection closed, as its Content-Length cannot be met.
 */
import type { RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { problemHeaders, problemOf } from '../problem-middleware.js';
import type { HttpProblem } from '../problems.js';
import { SECURITY_HEADERS } from '../representation/headers.js';
import { REQUEST_ID_HEADER, requestId } from '../request-id.js';

/** The 500 answerDefect sent, for the caller to count and log; undefined when it sent none. */
export interface DefectAnswer {
  readonly problem: HttpProblem;
  readonly bytes: number;
}

export function answerDefect(
  res: ServerResponse,
  error: unknown,
  logger: Logger,
  method: string,
  path: string,
  rid: string,
): DefectAnswer | undefined {
  try {
    const problem = problemOf(error, logger, method, path);
    if (res.writableEnded) return undefined;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return undefined;
    }
    const body = Buffer.from(JSON.stringify(problem.toDocument(path)));
    res.writeHead(problem.status, [
      ...problemHeaders(problem),
      'Content-Length',
      String(body.length),
      ...SECURITY_HEADERS,
      REQUEST_ID_HEADER,
      rid,
    ]);
    res.end(body);
    return { problem, bytes: body.length };
  } catch {
    res.destroy();
    return undefined;
  }
}

/**
 * `listener`, with a synchronous throw answered by answerDefect instead of ending the process,
 * and its 500 counted. The fast paths answer only `/query`; anything else is counted as Koa counts
 * a path no route has.
 */
export function guardingDefects(listener: RequestListener, logger: Logger, metrics: Metrics): RequestListener {
  return (req, res) => {
    const start = performance.now();
    try {
      listener(req, res);
    } catch (error) {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?', 1)[0] as string;
      const sent = answerDefect(res, error, logger, method, path, requestId(req.headers['x-request-id']));
      if (sent === undefined) return;
      try {
        metrics.observeRequest(method, path === '/query' ? path : 'unmatched', sent.problem.status, (performance.now() - start) / 1000);
      } catch {
        // The counter itself may be what failed: the answer is sent and the error logged.
      }
    }
  };
}
