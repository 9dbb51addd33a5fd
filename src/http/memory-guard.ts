/**
 * Bounded memory under any load: past `maxBytes` held for answers in flight (`in-flight.ts`), a
 * new request for data answers 503 with Retry-After, a small problem document, instead of
 * computing another large body. Probes and metrics always answer: a pod under a memory attack
 * must stay live and observable. Lookups on the fast path never reach this: they allocate nothing.
 * A search that waited in the queue (cpu-budget.ts) is checked again at its turn: the bytes of
 * the searches computed meanwhile were not there when it arrived.
 */
import type { Middleware } from 'koa';
import type { CpuBudget } from './cpu-budget.js';
import type { InFlight } from './in-flight.js';
import { HttpProblem } from './problems.js';

const ALWAYS_ANSWERED = new Set(['/health', '/ready', '/status', '/metrics']);
const MB = 1024 * 1024;

function refuseWhenFull(inFlight: InFlight, maxBytes: number): void {
  if (inFlight.bytes < maxBytes) return;
  throw new HttpProblem(
    'OVERLOADED',
    `answers in flight hold ${Math.round(inFlight.bytes / MB)} MB, the bound is ${Math.round(maxBytes / MB)} MB (RESPONSE_MEMORY_MB); retry after the time given in Retry-After`,
    {
      headers: { 'Retry-After': '1' },
      refusal: 'memory_bound',
    },
  );
}

export function memoryGuard(inFlight: InFlight, maxBytes: number): Middleware {
  return async (ctx, next) => {
    if (!ALWAYS_ANSWERED.has(ctx.path)) refuseWhenFull(inFlight, maxBytes);
    await next();
    const body: unknown = ctx.body;
    const bytes = Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? Buffer.byteLength(body) : 0;
    inFlight.holdUntilClosed(ctx.res, bytes);
  };
}

/** `budget`, whose computations are refused at their turn while answers in flight hold `maxBytes` (never those run `always`). */
export function guardingMemory(budget: CpuBudget, inFlight: InFlight, maxBytes: number): CpuBudget {
  return {
    run: (compute, options) =>
      options?.always === true
        ? budget.run(compute, options)
        : budget.run(() => {
            refuseWhenFull(inFlight, maxBytes);
            return compute();
          }, options),
  };
}
