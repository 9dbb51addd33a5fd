/**
 * Keeps a load from holding the event loop: a checkpoint (src/query/checkpoint.ts) that, once a
 * slice of `sliceMs` of work is spent, lets the loop turn (`setImmediate`, so the sockets that are
 * ready are read and answered first) before the next slice. A 100,000-row reload otherwise held
 * it for 2 s in one block while it built the query index (docs/large-files.md).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Checkpoint } from '../query/searchable-site.js';

/**
 * Work between two turns: well under the 50 ms a lookup may wait during a reload (issue 26), and
 * long enough that the turns themselves cost little (a turn with nothing to do is microseconds).
 */
export const SLICE_MS = 10;

export function timeSlices(sliceMs: number = SLICE_MS): Checkpoint {
  let deadline = performance.now() + sliceMs;
  const resume = (): void => {
    deadline = performance.now() + sliceMs;
  };
  return () => (performance.now() < deadline ? undefined : nextTurn().then(resume));
}
