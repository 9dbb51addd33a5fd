/**
 * The production start (issue 26.5): a V8 startup snapshot of the service. `npm run build`
 * (scripts/build/snapshot.ts) bundles this file to one CommonJS script and runs
 * `node --snapshot-blob dist/snapshot/whc-api.blob --build-snapshot` on it. Building evaluates
 * every module, loads DATA_FILE (the bundled CSV in the image) into a dataset and answers the
 * warm-up's requests on it over stand-ins for node:http (stand-ins.ts), so that the blob holds
 * their code compiled; `node --snapshot-blob dist/snapshot/whc-api.blob` (the image's CMD and
 * `npm start`) deserializes all of it and runs the lifecycle main.ts runs (lifecycle.ts), so a
 * start skips the module phase, the load and the warm-up.
 *
 * What happens at each start, as for dist/main.js: the configuration is read from the environment
 * then (never at build), the logger, metrics, app and listener are made, signals handled. The
 * snapshotted dataset is served only if DATA_FILE is still the snapshotted file: the same path and
 * the same bytes (the SHA-256 of what is read now against the dataset's version id, itself that
 * hash). Anything else is loaded as dist/main.js loads it, so a snapshot never serves stale data.
 * docs/performance.md ("A V8 startup snapshot") has the findings and figures.
 *
 * The rule this imposes on src/ and its dependencies: whatever a module works out as it is
 * evaluated, or caches on first use during the warm-up, is worked out once, on the machine that
 * builds the image, and every start reuses it. So nothing kept may depend on the machine, the
 * environment or the clock: the compression limit asks for the CPU count at each use
 * (http/compression.ts), the metrics reckon the process's start time themselves (prom-client
 * does it as its module is evaluated), a served dataset counts as loaded when it is served
 * (data/reloader.ts). Koa's `debug` reads DEBUG as it is evaluated: DEBUG=koa* does nothing in a
 * snapshot start (run dist/main.js for that). Random numbers are fine: Node and V8 seed
 * `Math.random` and `crypto.randomUUID` again in each process (checked: two starts, two sequences).
 */
// First: on an unsupported Node it stops the build before any other module runs.
import '../node-version.js';
import { createHash } from 'node:crypto';
import { closeSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
// The JSON body parser's chunk is imported on the first POST, the warm-up's, at each start
// otherwise: evaluated into the snapshot, it took 28 ms of CPU off a start (15 of wall time).
import 'koa-bodyparser';
import { loadConfig } from '../config.js';
import { openRegularFileSync } from '../data/data-file.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { DatasetStore } from '../data/store.js';
import { runService } from '../lifecycle.js';
import { silentLogger } from '../log/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { createService } from '../service.js';
import { standInExchange } from './stand-ins.js';
import { withoutUsingDeclarations } from './without-using.js';

/** What the blob holds: the dataset, and the file it was loaded from (absolute path, size). */
interface Snapshotted {
  readonly dataset: Dataset;
  readonly path: string;
  readonly size: number;
}

/**
 * The snapshotted dataset if `file` is still its file: the same absolute path, a regular file
 * (opened as the loader opens one, src/data/data-file.ts: a FIFO never blocks the start) of the
 * same size, and the same bytes (their SHA-256 is the version id). Otherwise undefined, and the
 * service loads the file, reporting whatever is wrong with it, as it would without a snapshot.
 */
function stillCurrent(snapshotted: Snapshotted, file: string): Dataset | undefined {
  if (resolve(file) !== snapshotted.path) return undefined;
  let opened: ReturnType<typeof openRegularFileSync>;
  try {
    opened = openRegularFileSync(file);
  } catch {
    return undefined;
  }
  try {
    // Another size is another file: nothing is read (a large file would be read whole for nothing).
    if (opened.stats.size !== snapshotted.size) return undefined;
    const digest = createHash('sha256').update(readFileSync(opened.fd)).digest('hex');
    return digest === snapshotted.dataset.version.id ? snapshotted.dataset : undefined;
  } finally {
    closeSync(opened.fd);
  }
}

/** Loads the data file and runs the warm-up on it through a throwaway service: what the blob keeps. */
async function prepare(): Promise<Snapshotted> {
  // The build's environment decides only which file is snapshotted (and the warm-up's settings,
  // which change no code path it compiles); a start reads its own.
  const config = loadConfig(process.env);
  const dataset = await withoutUsingDeclarations(config.dataFile, () => loadDataset(config.dataFile));
  const service = createService(config, {
    store: new DatasetStore(),
    logger: silentLogger,
    metrics: createMetrics({ processMetrics: false }),
    isShuttingDown: () => false,
    memoryLimit: undefined,
  });
  await service.warmUp(dataset, standInExchange);
  // The loader read the file whole and checked it did not change meanwhile: its size is the hash's.
  return { dataset, path: resolve(config.dataFile), size: statSync(config.dataFile).size };
}

if (!startupSnapshot.isBuildingSnapshot()) throw new Error('build it with scripts/build/snapshot.ts (node --build-snapshot)');
let snapshotted: Snapshotted | undefined;
// The builder runs the event loop until it is empty, then takes the snapshot (a CommonJS script
// has no top-level await).
void prepare().then((prepared) => (snapshotted = prepared));
startupSnapshot.setDeserializeMainFunction(() => {
  if (snapshotted === undefined) throw new Error('the snapshot was taken before the dataset was loaded');
  void runService(process.env, {
    preloaded: (dataFile) => {
      // Asked once; the reference is dropped so that a dataset not served is garbage at once.
      const checked = snapshotted === undefined ? undefined : stillCurrent(snapshotted, dataFile);
      snapshotted = undefined;
      return checked;
    },
  });
});
