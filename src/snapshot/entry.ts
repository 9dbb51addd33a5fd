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
 */
// First: on an unsupported Node it stops the build before any other module runs.
import '../node-version.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
// The JSON body parser's chunk is imported on the first POST, the warm-up's, at each start
// otherwise: evaluated into the snapshot, it took 28 ms of CPU off a start (15 of wall time).
import 'koa-bodyparser';
import { loadConfig } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { DatasetStore } from '../data/store.js';
import { runService } from '../lifecycle.js';
import { silentLogger } from '../log/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { createService } from '../service.js';
import { standInExchange } from './stand-ins.js';
import { withoutUsingDeclarations } from './without-using.js';

/** The snapshotted dataset if `file` is still it (same absolute path, same bytes), else undefined. */
function stillCurrent(snapshotted: Dataset, snapshottedPath: string, file: string): Dataset | undefined {
  if (resolve(file) !== snapshottedPath) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // the service's own load reports it, as it would without a snapshot
  }
  return createHash('sha256').update(bytes).digest('hex') === snapshotted.version.id ? snapshotted : undefined;
}

/** Loads the data file and runs the warm-up on it through a throwaway service: what the blob keeps. */
async function prepare(): Promise<Dataset> {
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
  return dataset;
}

if (!startupSnapshot.isBuildingSnapshot()) throw new Error('build it with scripts/build/snapshot.ts (node --build-snapshot)');
let snapshotted: { dataset: Dataset; path: string } | undefined;
// The builder runs the event loop until it is empty, then takes the snapshot (a CommonJS script
// has no top-level await).
void prepare().then((dataset) => (snapshotted = { dataset, path: resolve(dataset.version.file) }));
startupSnapshot.setDeserializeMainFunction(() => {
  if (snapshotted === undefined) throw new Error('the snapshot was taken before the dataset was loaded');
  let offered: typeof snapshotted | undefined = snapshotted;
  snapshotted = undefined;
  void runService(process.env, {
    preloaded: (dataFile) => {
      // Asked once; the reference is dropped so that a dataset not served is garbage at once.
      const { dataset, path } = offered ?? {};
      offered = undefined;
      return dataset === undefined || path === undefined ? undefined : stillCurrent(dataset, path, dataFile);
    },
  });
});
