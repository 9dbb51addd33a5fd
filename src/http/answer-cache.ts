/**
 * Answers computed per request (searches, facets, and their compressed codings), kept by strong
 * ETag. An ETag names the dataset version, the route, the parameters, the format and the coding,
 * so a hit is always the right bytes, and a new dataset simply stops hitting old entries, which
 * age out. Bounded by bytes (lru-cache's maxSize), not entries: one answer can be 4 MB.
 */
import { LRUCache } from 'lru-cache';
import type { CpuBudget } from './cpu-budget.js';
import type { ServerResponse } from 'node:http';
import { setHeader } from './set-header.js';

export interface CachedAnswer {
  readonly body: Buffer;
  /** Headers that go with the body (the total count, the next link, the media type). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AnswerCache {
  get(etag: string): CachedAnswer | undefined;
  set(etag: string, answer: CachedAnswer): void;
}

/** `maxBytes` 0 turns caching off (every answer is computed; the benchmark measures both). */
export function createAnswerCache(maxBytes: number): AnswerCache {
  if (maxBytes === 0) return { get: () => undefined, set: () => undefined };
  return new LRUCache<string, CachedAnswer>({
    maxSize: maxBytes,
    // Larger than the whole cache: lru-cache refuses to store it, which is right.
    sizeCalculation: (answer) => Math.max(1, answer.body.length),
  });
}

/** Sets the answer for `etag` on `ctx`, computing it within `budget` (and keeping it) on a miss. */
export function sendCached(
  ctx: { readonly res: ServerResponse; body: unknown },
  cache: AnswerCache,
  budget: CpuBudget,
  etag: string,
  compute: () => CachedAnswer,
): void {
  let answer = cache.get(etag);
  if (answer === undefined) {
    answer = budget.run(compute, (computed) => computed.body.length);
    cache.set(etag, answer);
  }
  for (const [name, value] of Object.entries(answer.headers)) setHeader(ctx, name, value);
  ctx.body = answer.body;
}
