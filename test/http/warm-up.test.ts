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
import { DEFAULTS } from '../../src/config.js';
import { warmUp } from '../../src/http/warm-up.js';
import { silentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { DATA_FILE, referenceData } from '../helpers/reference-csv.js';

describe('warmUp', () => {
  const deps = {
    corsOrigins: DEFAULTS.corsOrigins,
    answerCacheBytes: DEFAULTS.answerCacheMb * 1024 * 1024,
    searchCpuPercent: DEFAULTS.searchCpuPercent,
    searchWaitMs: DEFAULTS.searchWaitMs,
    responseMemoryBytes: 256 * 1024 * 1024,
  };

  it('answers a search in every format, compressed ones, facets and a POST /query (each 200) on the real data', async () => {
    await warmUp(await loadDataset(DATA_FILE), deps);
  });

  it("warms up while the service shuts down (a reload during a rollout): the readiness probe it sends answers the warm-up's own listener", async () => {
    // The service's own deps, as service.ts hands them over: its isShuttingDown says true here.
    const shuttingDown = { ...deps, isShuttingDown: () => true };
    await warmUp(await loadDataset(DATA_FILE), shuttingDown);
  });

  it('fails when a warm-up request is not answered 200 (here: no data within the memory bound)', async () => {
    const failure = await warmUp(await loadDataset(DATA_FILE), { ...deps, responseMemoryBytes: 0 }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).to.match(/^the warm-up request GET \/query\?.* answered 503$/);
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
