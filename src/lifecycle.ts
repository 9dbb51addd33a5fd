/**
 * The service's process: reads the configuration, serves the service (assembled by service.ts, as
 * the tests do) and owns the lifecycle (signals, exit codes). Both entry points run it: main.ts
 * (dist/main.js) and the startup snapshot (snapshot/entry.ts), which offers the dataset it was
 * built with. Nothing else calls process.exit but node-version.ts, which stops an unsupported Node
 * before anything has started.
 */
import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Dataset } from './data/dataset.js';
import { DatasetStore } from './data/store.js';
import { createLogger } from './log/logger.js';
import { containerMemoryLimit } from './memory-limit.js';
import { createMetrics } from './metrics/metrics.js';
import { startServer, type RunningServer } from './server.js';
import { createService } from './service.js';

const EXIT_CONFIG = 2;
const EXIT_LISTEN = 3;
const MB = 1024 * 1024;

function readConfig(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`whc-api: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

export interface StartOptions {
  /**
   * The dataset to serve at once instead of loading `dataFile`, or undefined when it is not that
   * file's content (the startup snapshot's check); asked once, before the server listens.
   */
  readonly preloaded?: (dataFile: string) => Dataset | undefined;
}

/** Runs the service until a signal stops it; `env` is the process's environment. */
export async function runService(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<void> {
  const config = readConfig(env);
  const logger = createLogger(config.logLevel);
  // Log lines are buffered (log/batch-writer.ts) and written synchronously on the process's `exit`
  // event, which every process.exit and an uncaught error emit, but a signal's default action
  // skips: the signals below are handled for that reason too. An uncaught error is logged as one
  // JSON line (Node would print a bare stack on stderr), then the process exits 1.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught error: exiting');
    process.exit(1);
  });
  let shuttingDown = false;
  const memoryLimit = containerMemoryLimit();
  const service = createService(config, {
    store: new DatasetStore(),
    logger,
    metrics: createMetrics(),
    isShuttingDown: () => shuttingDown,
    memoryLimit,
  });

  // Signals whose default action would end the process mid-answer, losing the buffered log lines
  // (SIGHUP exited 129, SIGUSR2 140: issue 24). SIGHUP asks daemons to re-read their
  // configuration by convention (nginx, sshd): here it reloads the data file, as a change to it
  // would. SIGUSR2 has no meaning here (nodemon.json restarts with SIGTERM): it is logged, ignored.
  process.on('SIGHUP', (signal) => {
    logger.info({ signal }, 'reloading the data file');
    void service.loadData();
  });
  process.on('SIGUSR2', (signal) => logger.warn({ signal }, 'signal ignored'));
  // Node opens its inspector on 127.0.0.1:9229 on SIGUSR1 unless the signal has a listener: in
  // production anyone allowed to signal the process would get a debugger. The image, `npm start`
  // and the chart's NODE_OPTIONS also pass --disable-sigusr1, which covers the moments before this
  // line; with it, Node swallows the signal and never calls this listener (Node 24 and 26), so this
  // logs only where the flag is missing. `npm run dev` opens the inspector with --inspect
  // (nodemon.json), which a listener does not close.
  process.on('SIGUSR1', (signal) => logger.warn({ signal }, 'signal ignored: no inspector outside development (npm run dev opens one)'));

  // Watched first: the watcher takes its first look at the file as the check below begins, so a
  // change after it is loaded as any change is (one landing in the same millisecond or two, between
  // the check's read and that look, could be missed: the watcher would take the new file as its start).
  service.watchData();
  // Served before the server listens, so that the first /ready already answers 200.
  const preloaded = options.preloaded?.(config.dataFile);
  if (preloaded !== undefined) service.serveDataset(preloaded, 'startup snapshot');

  let running: RunningServer;
  try {
    running = await startServer(service.listener, config, { beginShutdown: () => (shuttingDown = true) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    logger.fatal({ host: config.host, port: config.port, code }, `cannot listen on ${config.host}:${config.port}: ${code}`);
    logger.flush(() => process.exit(EXIT_LISTEN));
    return;
  }
  logger.info(
    {
      url: running.url,
      dataFile: config.dataFile,
      memoryLimitMb: memoryLimit === undefined ? null : Math.round(memoryLimit / MB),
      responseMemoryMb: Math.round(service.responseMemoryBytes / MB),
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / MB),
      fromSnapshot: preloaded !== undefined,
      // Since the process started (performance.now()'s origin): Node's boot, the modules or the
      // snapshot's deserialization, and the listen.
      startedInMs: Math.round(performance.now()),
    },
    'listening',
  );

  // Liveness answers while the data loads; readiness waits for it. Every later change to the
  // file is loaded off the request path and swapped in whole; a bad file keeps the good one.
  if (preloaded === undefined) void service.loadData();

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    service.closeData();
    void running.shutdown({ delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs }).then((result) => {
      logger.info(result, result.forced ? 'shutdown forced: connections were cut' : 'shutdown complete');
      logger.flush(() => process.exit(result.forced ? 1 : 0));
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
