/**
 * Entry point: wires configuration, logging, data and the HTTP server, and owns the process's
 * lifecycle (signals, exit codes). Nothing else calls process.exit.
 */
import { ConfigError, loadConfig } from './config.js';
import { DataFileError, formatDataError } from './data/data-error.js';
import { loadDataset } from './data/load.js';
import { DatasetStore } from './data/store.js';
import { createApp } from './http/app.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

const EXIT_CONFIG = 2;
const EXIT_LISTEN = 3;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`whc-api: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const logger = createLogger(config.logLevel);
  const store = new DatasetStore();
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const app = createApp({ store, logger, isShuttingDown });
  let running;
  try {
    running = await startServer(app, config, { beginShutdown: () => (shuttingDown = true) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    logger.fatal({ host: config.host, port: config.port, code }, `cannot listen on ${config.host}:${config.port}: ${code}`);
    logger.flush(() => process.exit(EXIT_LISTEN));
    return;
  }
  logger.info({ url: running.url, dataFile: config.dataFile }, 'listening');

  // Liveness answers while the data loads; readiness waits for it.
  loadDataset(config.dataFile).then(
    (dataset) => {
      store.replace(dataset);
      logger.info({ version: dataset.version.id, rows: dataset.version.rows, file: dataset.version.file }, 'dataset loaded');
    },
    (error: unknown) => {
      const errors = error instanceof DataFileError ? error.errors : [{ file: config.dataFile, line: 0, message: String(error) }];
      store.recordFailure({ at: new Date(), errors });
      for (const e of errors) logger.error({ file: e.file, line: e.line, column: e.column, value: e.value }, `data file rejected: ${formatDataError(e)}`);
      logger.error('not ready: fix the data file (see the errors above) and restart');
    },
  );

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    void running.shutdown({ delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs }).then((result) => {
      logger.info(result, result.forced ? 'shutdown forced: connections were cut' : 'shutdown complete');
      logger.flush(() => process.exit(result.forced ? 1 : 0));
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

await main();
