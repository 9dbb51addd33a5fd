/**
 * Holds the dataset being served. Swapping is one assignment, so a request that has taken
 * `current` answers wholly from that version even if a reload lands meanwhile.
 */
import type { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';

export interface LoadFailure {
  readonly at: Date;
  readonly errors: readonly DataError[];
}

export class DatasetStore {
  #current: Dataset | undefined;
  #lastFailure: LoadFailure | undefined;

  get current(): Dataset | undefined {
    return this.#current;
  }

  get lastFailure(): LoadFailure | undefined {
    return this.#lastFailure;
  }

  replace(dataset: Dataset): void {
    this.#current = dataset;
    this.#lastFailure = undefined;
  }

  recordFailure(failure: LoadFailure): void {
    this.#lastFailure = failure;
  }
}
