/**
 * The warm-up that runs each kind of computed answer on a dataset before it is served (the first
 * request of each kind after /ready then costs about a warm one: docs/benchmarks.md measures it),
 * and the reloader's promise to serve a dataset only once it is prepared.
 */
import { expect } from 'chai';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { DatasetReloader } from '../../src/data/reloader.js';
import { DatasetStore } from '../../src/data/store.js';
import { warmUp } from '../../src/http/warm-up.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { DATA_FILE, referenceData } from '../helpers/reference-csv.js';

describe('warmUp', () => {
  it('runs a search in every format, facets and the body parser import on the real data', async () => {
    await warmUp(await loadDataset(DATA_FILE));
  });
});

describe('DatasetReloader prepare', () => {
  it('serves a new dataset only once it is prepared', async () => {
    const store = new DatasetStore();
    const servedWhilePreparing: (Dataset | undefined)[] = [];
    const reloader = new DatasetReloader(DATA_FILE, store, silentLogger, createMetrics({ processMetrics: false }), {
      prepare: async () => {
        servedWhilePreparing.push(store.current);
        await new Promise((resolve) => setTimeout(resolve, 20));
        servedWhilePreparing.push(store.current);
      },
    });
    await reloader.reload();
    expect(servedWhilePreparing).to.deep.equal([undefined, undefined]);
    expect(store.current?.version.rows).to.equal(referenceData().rows.length);
  });

  it('serves the dataset all the same when preparing it fails', async () => {
    const store = new DatasetStore();
    const reloader = new DatasetReloader(DATA_FILE, store, silentLogger, createMetrics({ processMetrics: false }), {
      prepare: () => Promise.reject(new Error('warm-up failed')),
    });
    await reloader.reload();
    expect(store.current?.version.rows).to.equal(referenceData().rows.length);
  });
});
