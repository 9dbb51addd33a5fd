/** Serves the real app on an ephemeral loopback port for a test, and closes every connection after. */
import { createRequestListener } from '../../src/http/app.js';
import { loadDataset } from '../../src/data/load.js';
import { DatasetStore } from '../../src/data/store.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { DATA_FILE } from './reference-csv.js';

export interface TestServer {
  readonly url: string;
  readonly store: DatasetStore;
  readonly metrics: Metrics;
  readonly running: RunningServer;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { dataFile?: string | null; corsOrigins?: readonly string[]; answerCacheBytes?: number; processMetrics?: boolean; searchCpuPercent?: number; responseMemoryBytes?: number } = {},
): Promise<TestServer> {
  const store = new DatasetStore();
  const dataFile = options.dataFile === undefined ? DATA_FILE : options.dataFile;
  if (dataFile !== null) store.replace(await loadDataset(dataFile));
  let shuttingDown = false;
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? false });
  const listener = createRequestListener({ store, logger: silentLogger, metrics, isShuttingDown: () => shuttingDown, ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
    ...(options.answerCacheBytes === undefined ? {} : { answerCacheBytes: options.answerCacheBytes }),
    // Tests of answers send searches as fast as they can over several connections, which the CPU
    // budget would rightly refuse: it is off unless asked for (test/http/cpu-budget.test.ts).
    searchCpuPercent: options.searchCpuPercent ?? 100,
    ...(options.responseMemoryBytes === undefined ? {} : { responseMemoryBytes: options.responseMemoryBytes }),
  });
  const running = await startServer(listener, { port: 0, host: '127.0.0.1' }, { beginShutdown: () => (shuttingDown = true) });
  return {
    url: running.url,
    store,
    metrics,
    running,
    close: async () => {
      running.server.closeAllConnections();
      await running.shutdown({ delayMs: 0, timeoutMs: 1000 });
    },
  };
}
