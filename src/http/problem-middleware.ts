/**
 * Turns every failure into an `application/problem+json` response: problems thrown by handlers,
 * body-less error statuses left by the router (404, 405 with `Allow`, 501), and unexpected
 * exceptions, whose details go to the log and never to the client (Koa's `expose` rule).
 */
import type { Middleware } from 'koa';
import type { Logger } from '../log/logger.js';
import { HttpProblem, PROBLEM_MEDIA_TYPE, type ProblemCode } from './problems.js';
import { CACHE_CONTROL } from './representation/headers.js';

const notFound = (path: string) => new HttpProblem('ROUTE_NOT_FOUND', `no resource at ${path}`);
const notAllowed = (method: string, path: string) => new HttpProblem('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);

/**
 * The problem for a status the router left without a body. The router answers 501 for methods
 * no route uses (TRACE, PROPFIND...): that is the client's mistake, not the server's, so it
 * becomes 405 where the path exists (Allow lists what works) and 404 where it does not.
 */
function problemForStatus(status: number, method: string, path: string, allow: string): HttpProblem | undefined {
  if (status === 404) return notFound(path);
  if (status === 405) return notAllowed(method, path);
  if (status === 501) return allow === '' ? notFound(path) : notAllowed(method, path);
  return undefined;
}

const CLIENT_ERROR_CODES: Readonly<Record<number, ProblemCode>> = { 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Koa's own HTTP errors (from `ctx.throw`, body parsers) carry a status and an `expose` flag. */
function isClientHttpError(error: unknown): error is Error & { status: number; expose: boolean } {
  const e = error as { status?: unknown; expose?: unknown };
  return error instanceof Error && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}

/**
 * The problem a failed request answers: its own when it threw one, a client error's, or, for
 * anything unexpected, INTERNAL, whose details go to the log only. The search fast path
 * (fast-path/search.ts) answers its failures with it too.
 */
export function problemOf(error: unknown, logger: Logger, method: string, path: string): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isClientHttpError(error)) return new HttpProblem(CLIENT_ERROR_CODES[error.status] ?? 'BAD_REQUEST', error.message);
  logger.error({ err: error, method, path }, 'unhandled error');
  return new HttpProblem('INTERNAL', 'the server failed to answer this request; the error has been logged');
}

/** A problem answer's own headers as name/value pairs, in the order they are set: the problem's, the media type, no caching. */
export function problemHeaders(problem: HttpProblem): string[] {
  return [...Object.entries(problem.headers).flat(), 'Content-Type', PROBLEM_MEDIA_TYPE, 'Cache-Control', CACHE_CONTROL.never];
}

/** What this middleware leaves in `ctx.state` for the middleware around it: the problem it answered, if any. */
export interface ProblemState {
  problem?: HttpProblem;
}

export function problemMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    let problem: HttpProblem | undefined;
    try {
      await next();
      if (ctx.body == null) problem = problemForStatus(ctx.status, ctx.method, ctx.path, ctx.response.get('Allow') ?? '');
    } catch (error) {
      // Whatever the handler had set (an ETag, a content type) described the answer it did not give.
      // CORS headers stay: without them a browser page cannot read the problem.
      for (const name of ctx.response.headerSent ? [] : ctx.res.getHeaderNames()) {
        if (!name.startsWith('access-control-') && name !== 'vary') ctx.res.removeHeader(name);
      }
      problem = problemOf(error, logger, ctx.method, ctx.path);
    }
    if (problem === undefined) return;
    // For the request log and the metrics (request-log.ts), which run outside this middleware.
    (ctx.state as ProblemState).problem = problem;
    const document = problem.toDocument(ctx.path);
    ctx.status = document.status;
    const headers = problemHeaders(problem);
    for (let i = 0; i < headers.length; i += 2) ctx.set(headers[i] as string, headers[i + 1] as string);
    ctx.body = JSON.stringify(document);
  };
}
