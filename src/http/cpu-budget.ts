/**
 * A share of the main thread for computing answers (searches, facets), so that expensive
 * queries cannot starve lookups. Computing is synchronous, so a concurrency limit would not
 * bound it (one computes at a time anyway, back to back); time does. A token bucket holds
 * `share * windowMs` milliseconds and refills at `share` ms per ms; each computation is charged
 * what it took plus an estimate of sending its bytes, and while the bucket is empty new computations answer 503 with Retry-After
 * (lookups, cached answers and probes are never charged). Measured in docs/benchmarks.md
 * ("searches beside lookups"): lookup p99 with and without the budget.
 */
import { HttpProblem } from './problems.js';

export interface CpuBudget {
  /**
   * Runs `compute` if the budget allows, charging its duration plus the cost of sending the
   * `bytesOf` its result; throws a 503 problem otherwise.
   */
  run<T>(compute: () => T, bytesOf?: (result: T) => number): T;
}

/**
 * What sending a computed answer costs the main thread beyond computing it, per MB: copies,
 * socket writes and the garbage they leave. A CPU profile of 2.4 MB answers under load
 * (scripts/bench/contention.ts) showed about 25 ms per answer for 5 ms of computing.
 */
const SEND_MS_PER_MB = 10;

const WINDOW_MS = 100;

/**
 * `contended` says whether others compete: a lone client running searches one after another is
 * never refused (there is nobody to protect), only one among others.
 */
export function createCpuBudget(
  sharePercent: number,
  contended: () => boolean = () => true,
  now: () => number = () => performance.now(),
): CpuBudget {
  if (sharePercent >= 100) return { run: (compute) => compute() };
  const share = sharePercent / 100;
  const capacity = share * WINDOW_MS;
  let tokens = capacity;
  let last = now();
  return {
    run(compute, bytesOf) {
      const start = now();
      tokens = Math.min(capacity, tokens + (start - last) * share);
      last = start;
      if (tokens <= 0 && contended()) {
        const waitSeconds = Math.max(1, Math.ceil(-tokens / share / 1000));
        throw new HttpProblem(
          'OVERLOADED',
          'too many expensive queries at once: searches are limited to a share of the server; retry after the time given in Retry-After',
          {
            headers: { 'Retry-After': String(waitSeconds) },
            refusal: 'cpu_budget',
          },
        );
      }
      let bytes = 0;
      try {
        const result = compute();
        bytes = bytesOf?.(result) ?? 0;
        return result;
      } finally {
        tokens -= now() - start + (bytes / (1024 * 1024)) * SEND_MS_PER_MB;
      }
    },
  };
}
