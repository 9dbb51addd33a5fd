/**
 * Serves the service, as lifecycle.ts assembles it (createService), on an ephemeral loopback port for
 * a test, and closes every connection after. Settings are the defaults unless a test says.
 */
import type { RequestListener } from 'node:http';
import { DEFAULTS, type Config } from '../../src/config.js';
import { DatasetStore } from '../../src/data/store.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createService, type Service } from '../../src/service.js';
import { DATA_FILE } from './reference-csv.js';

export interface TestServer {
  readonly url: string;
  readonly store: DatasetStore;
  readonly metrics: Metrics;
  readonly service: Service;
  readonly running: RunningServer;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<Config, 'dataFile' | 'port' | 'host'>> {
  /** The data file loaded before the server answers (the real CSV by default); null: none. */
  readonly dataFile?: string | null;
  readonly processMetrics?: boolean;
  readonly logger?: Logger;
  readonly wrapKoa?: (koa: RequestListener) => RequestListener;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { dataFile = DATA_FILE, processMetrics = false, logger = silentLogger, wrapKoa, ...settings } = options;
  const config: Config = {
    ...DEFAULTS,
    // Tests of answers send searches as fast as they can over several connections; the search
    // queue would serve them in turns, and refuse some past SEARCH_WAIT_MS on a slow machine: it
    // is off unless asked for (test/http/cpu-budget.test.ts).
    searchCpuPercent: 100,
    ...settings,
    port: 0,
    dataFile: dataFile ?? DEFAULTS.dataFile,
  };
  const store = new DatasetStore();
  let shuttingDown = false;
  const metrics = createMetrics({ processMetrics });
  // No memory limit: the budgets are the same on every machine the tests run on.
  const service = createService(config, {
    store,
    logger,
    metrics,
    isShuttingDown: () => shuttingDown,
    memoryLimit: undefined,
    ...(wrapKoa === undefined ? {} : { wrapKoa }),
  });
  if (dataFile !== null) {
    await service.loadData();
    if (store.current === undefined)
      throw new Error(`the test data did not load: ${store.lastFailure?.errors[0]?.message ?? 'unknown error'}`);
  }
  const running = await startServer(service.listener, config, { beginShutdown: () => (shuttingDown = true) });
  return {
    url: running.url,
    store,
    metrics,
    service,
    running,
    close: async () => {
      service.closeData();
      running.server.closeAllConnections();
      await running.shutdown({ delayMs: 0, timeoutMs: 1000 });
    },
  };
}
