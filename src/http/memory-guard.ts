/**
 * Bounded memory under any load: past `maxBytes` held for answers in flight (`in-flight.ts`), a
 * new request for data answers 503 with Retry-After, a small problem document, instead of
 * computing another large body. Probes and metrics always answer: a pod under a memory attack
 * must stay live and observable. Lookups on the fast path never reach this: they allocate nothing.
 */
import type { Middleware } from 'koa';
import type { InFlight } from './in-flight.js';
import { HttpProblem } from './problems.js';

const ALWAYS_ANSWERED = new Set(['/health', '/ready', '/status', '/metrics']);
const MB = 1024 * 1024;

export function memoryGuard(inFlight: InFlight, maxBytes: number): Middleware {
  return async (ctx, next) => {
    if (inFlight.bytes >= maxBytes && !ALWAYS_ANSWERED.has(ctx.path)) {
      throw new HttpProblem(
        'OVERLOADED',
        `answers in flight hold ${Math.round(inFlight.bytes / MB)} MB, the bound is ${Math.round(maxBytes / MB)} MB (RESPONSE_MEMORY_MB); retry after the time given in Retry-After`,
        {
          headers: { 'Retry-After': '1' },
          refusal: 'memory_bound',
        },
      );
    }
    await next();
    const body: unknown = ctx.body;
    const bytes = Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? Buffer.byteLength(body) : 0;
    inFlight.holdUntilClosed(ctx.res, bytes);
  };
}
