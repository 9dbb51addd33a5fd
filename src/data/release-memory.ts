/**
 * Returns what a load left behind as soon as it ends, instead of at V8's next full collection.
 *
 * A load makes garbage by design: csv-parse's strings, each row's JSON before it is copied into
 * its slab, the value spans' array that grows by doubling, each site's word numbers until the
 * postings are made, and after a reload the whole previous dataset. Much of it is
 * ArrayBuffer memory, which only a full (major) collection frees, and an idle or lookup-only
 * service may not run one for a long time. Measured on the built service once ready (no request
 * between): 100,000 rows held 564 MB, 515 MB after one major collection; 1,000,000 rows 4,204 MB,
 * 3,585 MB after it (external memory 3,504 to 2,988 MB). docs/large-files.md has the figures.
 *
 * The collection is V8's `gc` function asked for an asynchronous major collection: incremental
 * marking in small steps between tasks, where a synchronous one held the event loop 186 ms at
 * 100,000 rows. `gc` exists only with --expose-gc; setting that flag at run time exposes it to
 * contexts created afterwards, so one new context hands it over and the service's own global
 * scope never gains a `gc`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'async' }) => void;

let collect: Collect | undefined;

/** Starts a major garbage collection that runs incrementally beside the event loop. */
export function releaseUnreachableMemory(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  }
  collect({ type: 'major', execution: 'async' });
}
