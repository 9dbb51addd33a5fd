/**
 * The HTTP listener: the fast paths in front of the Koa app, sharing its answer cache, its queue
 * and its count of what is in flight. service.ts serves it; the warm-up (warm-up.ts) answers its
 * requests through a throwaway one, so both paths are warm before a dataset is served.
 */
import type { RequestListener } from 'node:http';
import { createAnswerCache } from './answer-cache.js';
import { createApp, type AppDeps, type KoaApp } from './app.js';
import { createCpuBudget } from './cpu-budget.js';
import { guardingDefects } from './fast-path/defects.js';
import { withLookupFastPath } from './fast-path/lookup.js';
import { withSearchFastPath } from './fast-path/search.js';
import type { InFlight } from './in-flight.js';
import { guardingMemory } from './memory-guard.js';

export interface HttpListener extends KoaApp {
  /** What the server listens with. */
  readonly listener: RequestListener;
}

/** `wrapKoa` wraps Koa's listener: a test sees with it which requests reach Koa rather than a fast path. */
export function createListener(
  deps: AppDeps,
  inFlight: InFlight,
  wrapKoa: (koa: RequestListener) => RequestListener = (koa) => koa,
): HttpListener {
  // One cache for computed answers and their compressed codings.
  const answers = createAnswerCache(deps.answerCacheBytes, deps.metrics);
  // Searches, facets and /metrics compute in turns of one queue; probes and lookups never wait in it.
  const budget = guardingMemory(createCpuBudget(deps.searchCpuPercent, deps.searchWaitMs), inFlight, deps.responseMemoryBytes);
  const { app, router } = createApp(deps, { inFlight, answers, budget });
  const handle = app.callback();
  // Koa's handler settles its own errors (ctx.onerror answers and logs them): nothing to await here.
  const koa: RequestListener = (req, res) => void handle(req, res);
  const searches = withSearchFastPath(wrapKoa(koa), { ...deps, answers, budget, inFlight });
  return { app, router, listener: guardingDefects(withLookupFastPath(searches, deps), deps.logger, deps.metrics) };
}
