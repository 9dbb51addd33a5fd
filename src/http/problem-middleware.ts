/**
 * Turns every failure into an `application/problem+json` response: problems thrown by handlers,
 * body-less error statuses left by the router (404, 405 with `Allow`, 501), and unexpected
 * exceptions, whose details go to the log and never to the client (Koa's `expose` rule).
 */
import type { Middleware } from 'koa';
import type { Logger } from '../log.js';
import { HttpProblem, PROBLEM_MEDIA_TYPE, type ProblemCode } from './problems.js';

const STATUS_PROBLEMS: Readonly<Record<number, { code: ProblemCode; detail: (method: string, path: string) => string }>> = {
  404: { code: 'ROUTE_NOT_FOUND', detail: (_m, path) => `no resource at ${path}` },
  405: { code: 'METHOD_NOT_ALLOWED', detail: (method, path) => `${method} is not allowed on ${path}` },
  501: { code: 'NOT_IMPLEMENTED', detail: (method) => `the ${method} method is not supported` },
};

const CLIENT_ERROR_CODES: Readonly<Record<number, ProblemCode>> = { 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Koa's own HTTP errors (from `ctx.throw`, body parsers) carry a status and an `expose` flag. */
function isClientHttpError(error: unknown): error is Error & { status: number; expose: boolean } {
  const e = error as { status?: unknown; expose?: unknown };
  return error instanceof Error && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}

export function problemMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    let problem: HttpProblem | undefined;
    try {
      await next();
      const fallback = ctx.body == null ? STATUS_PROBLEMS[ctx.status] : undefined;
      if (fallback !== undefined) problem = new HttpProblem(fallback.code, fallback.detail(ctx.method, ctx.path));
    } catch (error) {
      // Whatever the handler had set (an ETag, a content type) described the answer it did not give.
      for (const name of ctx.response.headerSent ? [] : ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
      if (error instanceof HttpProblem) problem = error;
      else if (isClientHttpError(error)) {
        problem = new HttpProblem(CLIENT_ERROR_CODES[error.status] ?? 'BAD_REQUEST', error.message);
      } else {
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
        problem = new HttpProblem('INTERNAL', 'the server failed to answer this request; the error has been logged');
      }
    }
    if (problem === undefined) return;
    const document = problem.toDocument(ctx.path);
    ctx.status = document.status;
    for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
    ctx.set('Content-Type', PROBLEM_MEDIA_TYPE);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = JSON.stringify(document);
  };
}
