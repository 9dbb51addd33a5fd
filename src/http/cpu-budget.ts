/**
 * A share of the main thread for computing answers (searches, facets, /metrics), so that
 * expensive work cannot starve probes and lookups, and so that a burst of searches is answered
 * slower rather than refused. Computing is synchronous: while a search renders, nothing else
 * runs. So computations do not run where their request arrives: they wait in one queue and run
 * in turns, a turn per turn of the event loop (setImmediate), and between two turns Node reads
 * every socket that is ready, answering probes and lookups (which never queue) at once.
 *
 * A turn runs at least one computation and, while others wait (measured as the time the loop
 * spent outside the queue since the last turn), as many as keep searches to `SEARCH_CPU_PERCENT`
 * of the thread, never longer than MAX_TURN_MS: that bounds how long a probe can wait behind
 * searches. Alone, searches get the whole thread (a turn of one, back to back).
 *
 * A request is refused (503, Retry-After) only when it could not be answered in time: when the
 * wait the queue already holds (its length times the recent time between two computations
 * finishing, which counts the other work the loop did meanwhile) passes `maxWaitMs`
 * (SEARCH_WAIT_MS, 2 s by default), or when it did wait that long after all: then its client has
 * probably given up. Measured in docs/benchmarks.md ("Probes and lookups beside searches"): the
 * refusing token bucket this replaces answered 13 % of 50 connections of uncached searches; this
 * answers all of them.
 */
import { HttpProblem } from './problems.js';

export interface CpuBudget {
  /**
   * Runs `compute` in its turn; rejects with a 503 problem when it cannot run in time, unless
   * `always` (/metrics: a pod under load must stay observable; it still waits its turn).
   */
  run<T>(compute: () => T | Promise<T>, options?: { readonly always?: boolean }): Promise<T>;
}

/**
 * The longest turn: a probe arriving while searches run waits at most this, plus one
 * computation (a 1000-row GeoJSON page renders in about 10 ms here) and the loop's own I/O.
 */
export const MAX_TURN_MS = 5;
/** However cheap the computations, no more wait than this (each holds a request and its socket). */
export const MAX_QUEUED = 1024;
/** Weight of the newest computation in the running estimate of the time each takes to come out of the queue. */
const PACE_WEIGHT = 0.2;

interface Job {
  readonly compute: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly queuedAt: number;
  readonly always: boolean;
}

/** Both refusals are the queue's wait bound (SEARCH_WAIT_MS): counted as `search_wait`. */
function overloaded(waitMs: number, why: string): HttpProblem {
  return new HttpProblem('OVERLOADED', `${why}; retry after the time given in Retry-After`, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    refusal: 'search_wait',
  });
}

export interface BudgetClock {
  readonly now: () => number;
  /** Schedules the next turn after the loop has looked at its sockets once. */
  readonly defer: (turn: () => void) => void;
}

const REAL_CLOCK: BudgetClock = { now: () => performance.now(), defer: (turn) => void setImmediate(turn) };

export function createCpuBudget(sharePercent: number, maxWaitMs: number, clock: BudgetClock = REAL_CLOCK): CpuBudget {
  if (sharePercent >= 100) return { run: async (compute) => compute() };
  const share = sharePercent / 100;
  const queue: Job[] = [];
  let intervalMs = 1; // running estimate of the time between two computations finishing
  let lastDone = clock.now();
  let turnScheduled = false;
  let lastTurnEnd = clock.now();

  const expectedWaitMs = () => queue.length * intervalMs;

  const turn = async () => {
    const start = clock.now();
    // Time the loop spent on other work (or idle) since the last turn: searches may take as
    // much again times share / (1 - share), within MAX_TURN_MS.
    const allowance = Math.min(MAX_TURN_MS, ((start - lastTurnEnd) * share) / (1 - share));
    do {
      const job = queue.shift() as Job; // never empty here: a turn is scheduled for a queued job
      const began = clock.now();
      const waited = began - job.queuedAt;
      if (waited > maxWaitMs && !job.always) {
        job.reject(
          overloaded(
            expectedWaitMs(),
            `this query waited ${Math.round(waited)} ms for its turn, more than the bound of ${maxWaitMs} ms (SEARCH_WAIT_MS)`,
          ),
        );
        continue;
      }
      try {
        job.resolve(await job.compute());
      } catch (error) {
        job.reject(error);
      }
      // From the later of the previous finish and this one's arrival: a backlog's pace,
      // with the probes, lookups and writes the loop served between two turns.
      const done = clock.now();
      intervalMs += (done - Math.max(lastDone, job.queuedAt) - intervalMs) * PACE_WEIGHT;
      lastDone = done;
    } while (queue.length > 0 && clock.now() - start < allowance);
    lastTurnEnd = clock.now();
    if (queue.length > 0) clock.defer(() => void turn());
    else turnScheduled = false;
  };

  return {
    run<T>(compute: () => T | Promise<T>, options: { readonly always?: boolean } = {}): Promise<T> {
      const always = options.always === true;
      if (!always && (queue.length >= MAX_QUEUED || expectedWaitMs() > maxWaitMs)) {
        const wait = expectedWaitMs();
        return Promise.reject(
          overloaded(
            wait,
            `too many expensive queries at once: ${queue.length} are waiting, about ${Math.round(wait)} ms before this one's turn, more than the bound of ${maxWaitMs} ms (SEARCH_WAIT_MS)`,
          ),
        );
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({ compute, resolve: resolve as (value: unknown) => void, reject, queuedAt: clock.now(), always });
        if (!turnScheduled) {
          turnScheduled = true;
          clock.defer(() => void turn());
        }
      });
    },
  };
}
