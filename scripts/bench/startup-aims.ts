/**
 * Issue 26.5's aims for start-up, once, for the bench's report and the start-up probe. Both are
 * ratios of two figures measured in the same run, alternating, because single times on the shared
 * machine drift by a third between quiet and busy minutes.
 */

/** Process start to `/ready` on the bundled CSV, at most this many times the floor's (startup-floor.mjs). */
export const STARTUP_AIM = 2;

/** The first request of each kind after `/ready`, at most this many times a warm one. */
export const FIRST_REQUEST_AIM = 3;

/** How many starts of each the start-up figures are medians of. */
export const STARTUP_RUNS = 10;

/** `met` when `ratio` is at most `aim`; a ratio that could not be measured (NaN) misses. */
export function verdict(ratio: number, aim: number): 'met' | 'missed' {
  return ratio <= aim ? 'met' : 'missed';
}
