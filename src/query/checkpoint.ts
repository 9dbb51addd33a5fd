/**
 * The long loops of a load (building the query index of a large file) run on the thread that
 * answers requests. Between units of work they call a checkpoint, which answers a promise when
 * the loop should let the event loop turn, and undefined otherwise: src/data/time-slices.ts
 * decides when, so the query modules need no clock.
 */
export type Checkpoint = () => Promise<void> | undefined;

/** Never pauses: for indexes built where nothing else waits (tools, tests). */
export const NO_PAUSE: Checkpoint = () => undefined;

/** Elements between two checkpoints: each is microseconds of work, and a checkpoint reads the clock. */
const STRIDE = 256;

/** `fn` on each element, asking `checkpoint` after every STRIDE of them. */
export async function forEachSliced<T>(items: ArrayLike<T>, checkpoint: Checkpoint, fn: (item: T, index: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    fn(items[i] as T, i);
    if (i % STRIDE !== STRIDE - 1) continue;
    const pause = checkpoint();
    if (pause !== undefined) await pause;
  }
}
