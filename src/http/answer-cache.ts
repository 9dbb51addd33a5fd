/**
 * Answers computed per request (searches, facets, and their compressed codings), kept by strong
 * ETag. An ETag names the dataset version, the route, the parameters, the format and the coding,
 * so a hit is always the right bytes, and a new dataset simply stops hitting old entries, which
 * age out. Bounded by bytes (lru-cache's maxSize), not entries: one answer can be 4 MB.
 */
import { LRUCache } from 'lru-cache';
import type { CpuBudget } from './cpu-budget.js';
import type { ServerResponse } from 'node:http';
import type { Metrics } from '../metrics/metrics.js';
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

/**
 * `maxBytes` 0 turns caching off (every answer is computed; the benchmark measures both). Every
 * look-up is counted on /metrics (whc_answer_cache_lookups_total), so an operator sees the
 * setting at work: no hits at all means the cache is off or too small for the traffic.
 */
export function createAnswerCache(maxBytes: number, metrics: Pick<Metrics, 'answerCacheLookup' | 'answerCacheSize'>): AnswerCache {
  if (maxBytes === 0) {
    metrics.answerCacheSize(0, () => 0);
    return {
      get: () => {
        metrics.answerCacheLookup(false);
        return undefined;
      },
      set: () => undefined,
    };
  }
  const lru = new LRUCache<string, CachedAnswer>({
    maxSize: maxBytes,
    // Larger than the whole cache: lru-cache refuses to store it, which is right.
    sizeCalculation: (answer) => Math.max(1, answer.body.length),
  });
  metrics.answerCacheSize(maxBytes, () => lru.calculatedSize);
  return {
    get: (etag) => {
      const answer = lru.get(etag);
      metrics.answerCacheLookup(answer !== undefined);
      return answer;
    },
    set: (etag, answer) => void lru.set(etag, answer),
  };
}

/** Sets the answer for `etag` on `ctx`, computing it in its turn of `budget` (and keeping it) on a miss. */
export async function sendCached(
  ctx: { readonly res: ServerResponse; body: unknown },
  cache: AnswerCache,
  budget: CpuBudget,
  etag: string,
  compute: () => CachedAnswer,
): Promise<void> {
  let answer = cache.get(etag);
  if (answer === undefined) {
    answer = await budget.run(compute);
    cache.set(etag, answer);
  }
  for (const [name, value] of Object.entries(answer.headers)) setHeader(ctx, name, value);
  ctx.body = answer.body;
}
