/**
 * A V8 startup snapshot of the service (issue 26.5's start-up aim; a measured experiment, not the
 * production start path): `build.ts` bundles this file to one CommonJS script and runs
 * `node --snapshot-blob <blob> --build-snapshot` on it. Building evaluates every module and loads
 * DATA_FILE (default: the bundled CSV) into a dataset, then answers the warm-up's requests over
 * stand-ins for node:http (stand-ins.ts), so that the blob holds their code compiled; starting
 * with `node --snapshot-blob <blob>` deserializes all of it and runs `serve` below, so a start
 * skips the module phase, the load and the warm-up.
 *
 * What stays out of the snapshot and happens at each start: the configuration (read from the
 * environment then, not at build time), the logger, the metrics, the app and the listener; and a
 * check that DATA_FILE is still the snapshotted file: the same path and the same bytes (the
 * SHA-256 of what is read now against the dataset's version id, itself that hash). Anything else
 * starts as `dist/main.js` does, loading the file, so a snapshot never serves stale data.
 * docs/performance.md ("Start-up") has the findings and figures.
 */
import { createHash } from 'node:crypto';
import { fstat, readFileSync, stat as statWithCallback } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startupSnapshot } from 'node:v8';
// The JSON body parser's chunk is imported on the first POST, the warm-up's, at each start
// otherwise: evaluated into the snapshot, it took 28 ms of CPU off a start (15 of wall time).
import 'koa-bodyparser';
import { loadConfig, type Config } from '../../../src/config.js';
import type { Dataset } from '../../../src/data/dataset.js';
import { loadDataset } from '../../../src/data/load.js';
import { DatasetStore } from '../../../src/data/store.js';
import { warmUp } from '../../../src/http/warm-up.js';
import { createLogger } from '../../../src/log/logger.js';
import { containerMemoryLimit } from '../../../src/memory-limit.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { startServer } from '../../../src/server.js';
import { createService } from '../../../src/service.js';
import { standInExchange } from './stand-ins.js';

const DATA_FILE = process.env['DATA_FILE'] ?? 'data/whc-sites-2019.csv';
/** Where the snapshotted file was, whatever the working directory of a start. */
const SNAPSHOTTED_PATH = resolve(DATA_FILE);

/**
 * Node 26.12.1's snapshot builder has no explicit resource management: `DisposableStack` and
 * `Symbol.dispose` are undefined in it, and V8 crashes (SIGSEGV in
 * `Factory::NewJSDisposableStackBase`) on the first `using` declaration it runs. Node's own
 * `fs/promises` `stat()` and `FileHandle#stat()` run one (`raceWithSignal` in
 * lib/internal/fs/promises.js), and the loader calls both. While the snapshot is built they are
 * swapped for the callback API's `stat` and `fstat`; the originals are back before it is taken.
 */
async function withoutUsingDeclarations<T>(run: () => Promise<T>): Promise<T> {
  const handle = await open(DATA_FILE);
  const fileHandle = Object.getPrototypeOf(handle) as { stat: (this: { fd: number }) => Promise<unknown> };
  await handle.close();
  // The module object itself, which the bundle's other modules read `stat` from at each call (an
  // `import * as` would be esbuild's copy of it).
  const fsPromises = process.getBuiltinModule('node:fs/promises') as { stat: unknown };
  const originalStat = fsPromises.stat;
  const originalHandleStat = fileHandle.stat;
  const statAsync = promisify(statWithCallback);
  const fstatAsync = promisify(fstat);
  fsPromises.stat = (path: string) => statAsync(path);
  fileHandle.stat = function stat() {
    return fstatAsync(this.fd);
  };
  try {
    return await run();
  } finally {
    fsPromises.stat = originalStat;
    fileHandle.stat = originalHandleStat;
  }
}

const MB = 1024 * 1024;

/** What the warm-up at build takes for the response memory bound: its answers are a few kilobytes. */
const BUILD_RESPONSE_MEMORY_BYTES = 64 * MB;

/**
 * What the reloader's `prepare` warms a new dataset with (createService's app settings), rebuilt
 * here because createService offers no way to serve a dataset it did not load: the change to
 * src/ a production design would make (docs/performance.md).
 */
function warmUpSettings(config: Config, responseMemoryBytes: number) {
  return {
    isShuttingDown: () => false,
    corsOrigins: config.corsOrigins,
    answerCacheBytes: config.answerCacheMb * MB,
    searchCpuPercent: config.searchCpuPercent,
    searchWaitMs: config.searchWaitMs,
    responseMemoryBytes,
  };
}

/** The snapshotted dataset if `file` is still it (same path, same bytes), else undefined. */
function stillCurrent(snapshotted: Dataset, file: string): Dataset | undefined {
  if (resolve(file) !== SNAPSHOTTED_PATH) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // the service's own load reports it, as it would without a snapshot
  }
  return createHash('sha256').update(bytes).digest('hex') === snapshotted.version.id ? snapshotted : undefined;
}

async function serve(snapshotted: Dataset): Promise<void> {
  // Where a start's time goes (docs/performance.md): before this line, Node's boot and the
  // deserialization; `performance.now()` counts from the process's start.
  const deserializedAtMs = performance.now();
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  let shuttingDown = false;
  const store = new DatasetStore();
  const service = createService(config, {
    store,
    logger,
    metrics: createMetrics(),
    isShuttingDown: () => shuttingDown,
    memoryLimit: containerMemoryLimit(),
  });
  // Watch first: a change after the check below is then loaded as any change is.
  service.watchData();
  const current = stillCurrent(snapshotted, config.dataFile);
  if (current === undefined) void service.loadData();
  else {
    // The build warmed the code up (above); SNAPSHOT_WARM_UP=true warms it again, as the reloader's
    // `prepare` does before it serves a dataset, to measure what that costs a start.
    if (process.env['SNAPSHOT_WARM_UP'] === 'true') await warmUp(current, warmUpSettings(config, service.responseMemoryBytes));
    store.replace(current);
  }
  const running = await startServer(service.listener, config, { beginShutdown: () => (shuttingDown = true) });
  const cpu = process.cpuUsage();
  logger.info(
    {
      url: running.url,
      fromSnapshot: current !== undefined,
      deserializedAtMs: Math.round(deserializedAtMs),
      listeningAtMs: Math.round(performance.now()),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    },
    'listening',
  );
  process.on('SIGTERM', () => {
    service.closeData();
    void running.shutdown({ delayMs: 0, timeoutMs: config.shutdownTimeoutMs }).then(() => logger.flush(() => process.exit(0)));
  });
}

if (!startupSnapshot.isBuildingSnapshot()) throw new Error('run through build.ts: node --build-snapshot');
let dataset: Dataset | undefined;
// The builder runs the event loop until it is empty, then takes the snapshot (a CommonJS script
// has no top-level await).
void withoutUsingDeclarations(() => loadDataset(DATA_FILE)).then(async (loaded) => {
  await warmUp(loaded, warmUpSettings(loadConfig(process.env), BUILD_RESPONSE_MEMORY_BYTES), standInExchange);
  dataset = loaded;
});
startupSnapshot.setDeserializeMainFunction(() => {
  if (dataset === undefined) throw new Error('the snapshot was taken before the dataset was loaded');
  void serve(dataset);
});
