/**
 * The bench's number formats, once: every table of docs/benchmarks.md writes a figure of the
 * same kind the same way, so a figure in one section can be read against another.
 */

/** Whole, with thousands separators: requests per second, MB, milliseconds of start-up. */
export const f0 = (n: number) => Math.round(n).toLocaleString('en-US');

/** One decimal: latencies in ms, seconds. */
export const f1 = (n: number) => n.toFixed(1);

/** Two decimals: ratios. */
export const f2 = (n: number) => n.toFixed(2);

/** A p99 in ms, or why there is none: the bench gives a load that got no answer an infinite p99. */
export const ms = (n: number) => (Number.isFinite(n) ? f1(n) : 'none answered');
