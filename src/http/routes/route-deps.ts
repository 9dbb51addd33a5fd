/** What route handlers need from the rest of the service. */
import { basename } from 'node:path';
import { formatDataError, type DataError } from '../../data/data-error.js';
import type { Dataset } from '../../data/dataset.js';
import type { DatasetStore } from '../../data/store.js';
import { HttpProblem } from '../problems.js';

export interface RouteDeps {
  readonly store: DatasetStore;
  /** True once SIGTERM has been received: the pod must leave its Service's endpoints. */
  readonly isShuttingDown: () => boolean;
}

/** The dataset to answer from, or a 503 problem while none is loaded. */
export function requireDataset(deps: RouteDeps): Dataset {
  const dataset = deps.store.current;
  if (dataset === undefined) throw new HttpProblem('NOT_READY', notReadyReason(deps), { refusal: 'no_data' });
  return dataset;
}

export function notReadyReason(deps: RouteDeps): string {
  if (deps.isShuttingDown()) return 'the server is shutting down';
  const failure = deps.store.lastFailure;
  if (failure !== undefined)
    return `the data file could not be loaded: ${failure.errors.length} error(s), first: ${failure.errors[0]?.message ?? 'unknown'}`;
  return 'the data file is still loading';
}

/*
 * What answers say about the data: base names only, so no body reveals the server's layout.
 */

/** The dataset being served, as /ready and /status show it. */
export function publicDatasetView(dataset: Dataset): { version: string; rows: number; loadedAt: string; file: string } {
  const { id, rows, loadedAt, file } = dataset.version;
  return { version: id, rows, loadedAt: loadedAt.toISOString(), file: basename(file) };
}

/** Load errors as `file:line:column: column ...` messages. */
export function publicErrorMessages(errors: readonly DataError[]): string[] {
  return errors.map((e) => formatDataError({ ...e, file: basename(e.file) }));
}
