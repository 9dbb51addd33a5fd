/**
 * Loads the data file off the request path and swaps it in whole. Loads never overlap: a change
 * noticed during a load runs one more load after it. A file that fails to load (bad row,
 * truncated, missing) leaves the dataset being served in place and is recorded as the last
 * failure; the next change is tried again. A file still being written is not loaded: each load
 * waits until the file has been quiet for `quietMs` (DATA_SETTLE_MS) and is read again when it
 * changed while it was read (`data-file.ts` states the rule).
 */
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { DataFileChangedError, DataFileError, formatDataError, type DataError } from './data-error.js';
import { waitUntilQuiet } from './data-file.js';
import { loadedAgainAt, type Dataset } from './dataset.js';
import { loadDataset } from './load.js';
import { releaseUnreachableMemory } from './release-memory.js';
import type { DatasetStore } from './store.js';

const MAX_LOGGED_ERRORS = 20;

export class DatasetReloader {
  readonly #file: string;
  readonly #store: DatasetStore;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #quietMs: number;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  readonly #maxBytes: number;

  readonly #prepare: (dataset: Dataset) => Promise<void>;

  /** `prepare` runs on each new dataset before it is served (the service warms its code paths on it). */
  constructor(
    file: string,
    store: DatasetStore,
    logger: Logger,
    metrics: Metrics,
    options: { quietMs?: number; maxBytes?: number; prepare?: (dataset: Dataset) => Promise<void> } = {},
  ) {
    this.#file = file;
    this.#store = store;
    this.#logger = logger;
    this.#metrics = metrics;
    this.#quietMs = options.quietMs ?? 0;
    this.#maxBytes = options.maxBytes ?? Infinity;
    this.#prepare = options.prepare ?? (() => Promise.resolve());
  }

  /** No load starts after this (shutdown); one under way is abandoned at its next wait. */
  close(): void {
    this.#closed = true;
  }

  /** Loads the file now (or once more after the load under way); resolves when done. */
  reload(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await waitUntilQuiet(this.#file, this.#quietMs, () => this.#closed);
        if (this.#closed) return;
        await this.#attempt();
        // Whatever the outcome, the load's garbage (and a dataset just replaced) is returned now.
        releaseUnreachableMemory();
      } while (this.#again && !this.#closed);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #attempt(): Promise<void> {
    let dataset: Dataset;
    try {
      dataset = await loadDataset(this.#file, { maxBytes: this.#maxBytes });
    } catch (error) {
      if (error instanceof DataFileChangedError) {
        this.#logger.info({ file: this.#file }, 'data file changed while it was read: read again once it is stable');
        this.#again = true;
        return;
      }
      // Anything else is a fault of ours: logged in full, shown without details (Node's messages carry absolute paths).
      if (!(error instanceof DataFileError)) this.#logger.error({ err: error }, 'unexpected error while loading the data file');
      const errors: readonly DataError[] = error instanceof DataFileError ? error.errors : [{ file: this.#file, line: 0, message: 'unexpected error while loading (see the log)' }];
      this.#store.recordFailure({ at: new Date(), errors });
      this.#metrics.reloadFailed();
      for (const e of errors.slice(0, MAX_LOGGED_ERRORS)) {
        this.#logger.error({ file: e.file, line: e.line, column: e.column, value: e.value }, `data file rejected: ${formatDataError(e)}`);
      }
      const serving = this.#store.current;
      if (serving === undefined) this.#logger.error({ errors: errors.length }, 'not ready: no valid data file yet; waiting for the next change');
      else this.#logger.warn({ errors: errors.length, version: serving.version.id }, 'data file rejected: still serving the last good version');
      return;
    }
    const previous = this.#store.current;
    if (previous?.version.id === dataset.version.id) {
      this.#logger.debug({ version: dataset.version.id }, 'data file unchanged');
      this.#store.replace(previous); // clears a failure recorded meanwhile: the file is good again
      return;
    }
    try {
      await this.#prepare(dataset);
    } catch (error) {
      // A warm-up that fails costs speed, not answers: the dataset is served all the same.
      this.#logger.error({ err: error }, 'preparing the dataset failed; serving it anyway');
    }
    this.#serve(dataset, previous);
  }

  /**
   * Serves a dataset loaded and prepared elsewhere, as if it had just been loaded (`loadedAt` now):
   * the startup snapshot's (src/snapshot/), once it has checked that the file still holds the same bytes.
   */
  adopt(dataset: Dataset, from: string): void {
    this.#serve(loadedAgainAt(dataset, new Date()), this.#store.current, from);
  }

  #serve(dataset: Dataset, previous: Dataset | undefined, from?: string): void {
    this.#store.replace(dataset);
    this.#metrics.datasetLoaded(dataset.version);
    const { id, rows, file } = dataset.version;
    this.#logger.info({ version: id, previous: previous?.version.id, rows, file, from }, 'dataset loaded');
  }
}
