/**
 * The service, assembled once from its configuration: the HTTP listener (the fast paths in
 * front of the Koa app) and the data updates (the reloader and the file watcher). lifecycle.ts runs
 * it in the process; the tests serve the same assembly on an ephemeral port, so they run what
 * production runs.
 */
import type { RequestListener } from 'node:http';
import type { Config } from './config.js';
import { DatasetReloader } from './data/reloader.js';
import type { Dataset } from './data/dataset.js';
import type { DatasetStore } from './data/store.js';
import { watchDataFile, type FileWatcher } from './data/watch.js';
import type { KoaApp } from './http/app.js';
import { InFlight } from './http/in-flight.js';
import { createListener } from './http/listener.js';
import { warmUp, type WarmUpExchange } from './http/warm-up.js';
import type { Logger } from './log/logger.js';
import { defaultDataMemory, defaultResponseMemory } from './memory-limit.js';
import type { Metrics } from './metrics/metrics.js';

const MB = 1024 * 1024;

export interface ServiceDeps {
  readonly store: DatasetStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** True once SIGTERM has been received. */
  readonly isShuttingDown: () => boolean;
  /** The container's memory limit in bytes (undefined: none): the memory budgets left at 0 MB derive from it. */
  readonly memoryLimit: number | undefined;
  /** Wraps Koa's listener: a test sees with it which requests reach Koa rather than the fast path. */
  readonly wrapKoa?: (koa: RequestListener) => RequestListener;
}

export interface Service extends KoaApp {
  /** What the server listens with. */
  readonly listener: RequestListener;
  /** The bound on bytes held for answers in flight. */
  readonly responseMemoryBytes: number;
  /** Loads the data file now, as at start-up; resolves once it is loaded or refused (the store says which). */
  loadData(): Promise<void>;
  /** Serves a dataset already loaded and warmed up (the startup snapshot's) instead of loading the file; `from` is logged. */
  serveDataset(dataset: Dataset, from: string): void;
  /**
   * Answers the warm-up's requests on `dataset` through this service's code (what every load does
   * before the dataset is served; http/warm-up.ts), over `exchange` if given: the startup snapshot's
   * build runs it over stand-ins for node:http.
   */
  warmUp(dataset: Dataset, exchange?: WarmUpExchange): Promise<void>;
  /** Reloads the data file on every change, until `closeData`. */
  watchData(): void;
  /** No load starts after this (shutdown). */
  closeData(): void;
}

export function createService(config: Config, deps: ServiceDeps): Service {
  const responseMemoryBytes = config.responseMemoryMb > 0 ? config.responseMemoryMb * MB : defaultResponseMemory(deps.memoryLimit);
  const appDeps = {
    store: deps.store,
    logger: deps.logger,
    metrics: deps.metrics,
    isShuttingDown: deps.isShuttingDown,
    corsOrigins: config.corsOrigins,
    answerCacheBytes: config.answerCacheMb * MB,
    searchCpuPercent: config.searchCpuPercent,
    searchWaitMs: config.searchWaitMs,
    responseMemoryBytes,
  };
  const inFlight = new InFlight();
  const { app, router, listener } = createListener(appDeps, inFlight, deps.wrapKoa);

  // A file over the budget is refused; a bad file keeps the good one (reloader.ts).
  const dataMemoryBytes = config.dataMemoryMb > 0 ? config.dataMemoryMb * MB : defaultDataMemory(deps.memoryLimit);
  const reloader = new DatasetReloader(config.dataFile, deps.store, deps.logger, deps.metrics, {
    quietMs: config.dataSettleMs,
    maxBytes: dataMemoryBytes,
    prepare: (dataset) => warmUp(dataset, appDeps),
  });
  let watcher: FileWatcher | undefined;

  return {
    app,
    router,
    listener,
    responseMemoryBytes,
    loadData: () => reloader.reload(),
    serveDataset: (dataset, from) => reloader.adopt(dataset, from),
    warmUp: (dataset, exchange) => warmUp(dataset, appDeps, exchange),
    watchData: () => {
      const options = { useEvents: config.dataWatch, pollIntervalMs: config.dataPollMs, debounceMs: config.dataDebounceMs };
      watcher ??= watchDataFile(config.dataFile, options, () => void reloader.reload());
    },
    closeData: () => {
      watcher?.close();
      reloader.close();
    },
  };
}
