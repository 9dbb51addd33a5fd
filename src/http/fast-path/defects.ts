/**
 * What a fast path does with a defect of its own. The fast paths answer within node:http's
 * 'request' event (and a search in a promise after its turn), where a throw would be an uncaught
 * exception or an unhandled rejection, and either ends the process (main.ts). A defect costs one
 * answer instead, as Koa's onerror makes it for the routes: logged as an unhandled error
 * (problemOf), answered with a 500 problem when nothing has been sent yet, and the connection
 * closed when part of an answer has (the client cannot tell a cut answer from a whole one).
 */
import type { RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../../log/logger.js';
import { problemHeaders, problemOf } from '../problem-middleware.js';
import { SECURITY_HEADERS } from '../representation/headers.js';

export function answerDefect(res: ServerResponse, error: unknown, logger: Logger, method: string, path: string): void {
  try {
    const problem = problemOf(error, logger, method, path);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const body = Buffer.from(JSON.stringify(problem.toDocument(path)));
    res.writeHead(problem.status, [...problemHeaders(problem), 'Content-Length', String(body.length), ...SECURITY_HEADERS]);
    res.end(body);
  } catch {
    res.destroy();
  }
}

/** `listener`, with a synchronous throw answered by answerDefect instead of ending the process. */
export function guardingDefects(listener: RequestListener, logger: Logger): RequestListener {
  return (req, res) => {
    try {
      listener(req, res);
    } catch (error) {
      answerDefect(res, error, logger, req.method ?? 'GET', (req.url ?? '/').split('?', 1)[0] as string);
    }
  };
}
