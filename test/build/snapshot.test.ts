/**
 * The production start, the service's V8 startup snapshot (src/snapshot/, built by
 * scripts/build/snapshot.ts as `npm run build` does): built of a copy of the bundled CSV, started
 * as a process with npm start's flags, and compared answer by answer with the service run from
 * src/ in this process on the bundled file itself. It must never serve what it holds once
 * DATA_FILE is not the snapshotted file (another path, or the same path with other bytes), and it
 * runs lifecycle.ts as dist/main.js does: a changed file is loaded, SIGHUP reloads, SIGTERM drains
 * and exits 0; and what it reckons at start is the process's, not the build's (loadedAt, the
 * process's start time).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { productionNodeFlags, waitReady } from '../../scripts/bench/processes.js';
import { runNode } from '../helpers/node-process.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so that the snapshot's bundle finds node_modules (Swagger UI's files).
const OUT_DIR = join(ROOT, '.cache', 'snapshot-test');
const BLOB = join(OUT_DIR, 'whc-api.blob');

interface Ready {
  readonly dataset: { readonly version: string; readonly rows: number; readonly loadedAt: string };
}

/** Every process a test started, stopped after it even when it failed before it could say so. */
const running: ServiceProcess[] = [];

/** A process started as npm start starts it, on `dataFile`; stopped after the test. */
function spawnFromSnapshot(dataFile: string, env: Record<string, string> = {}): ServiceProcess {
  // The blob stands where an entry point would (node --snapshot-blob=<blob>, no script).
  const service = spawnService({ DATA_FILE: dataFile, ...env }, { builtEntry: `--snapshot-blob=${BLOB}`, nodeArgs: productionNodeFlags() });
  running.push(service);
  return service;
}

async function startFromSnapshot(
  dataFile: string,
  env: Record<string, string> = {},
): Promise<{ service: ServiceProcess; url: string; fromSnapshot: unknown; spawnedAt: number }> {
  const spawnedAt = Date.now();
  const service = spawnFromSnapshot(dataFile, env);
  const url = await service.url;
  await waitReady(url, 15_000);
  const listening = await service.waitForLog((line) => line['msg'] === 'listening');
  return { service, url, fromSnapshot: listening['fromSnapshot'], spawnedAt };
}

const readyOf = async (url: string) => (await (await fetch(`${url}/ready`)).json()) as Ready;

describe('the production start: a V8 startup snapshot of the service (src/snapshot/)', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let snapshotted: string;
  let fromSource: TestServer;

  before(async () => {
    dir = tempDir();
    snapshotted = join(dir.path, 'sites.csv');
    copyFileSync(DATA_FILE, snapshotted);
    const build = await runNode(['--import', 'tsx', 'scripts/build/snapshot.ts', BLOB], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', DATA_FILE: snapshotted },
    });
    expect(build.code, build.stderr).to.equal(0);
    fromSource = await startTestServer();
  });
  afterEach(async () => {
    for (const service of running.splice(0)) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    // The snapshotted bytes again, for the next test (removed first: a FIFO would block the copy).
    rmSync(snapshotted, { force: true });
    copyFileSync(DATA_FILE, snapshotted);
  });
  after(async () => {
    await fromSource?.close();
    dir?.remove();
    rmSync(OUT_DIR, { recursive: true, force: true });
  });

  it('serves the snapshotted dataset from its first /ready and answers exactly as the source does', async () => {
    const { service, url, fromSnapshot, spawnedAt } = await startFromSnapshot(snapshotted);
    expect(fromSnapshot).to.equal(true);
    // Counted as loaded when this process began serving it, not when the snapshot was built.
    expect(Date.parse((await readyOf(url)).dataset.loadedAt)).to.be.at.least(spawnedAt);
    // Served before the server listened: no load, and /ready was never 503.
    const messages = service.logs.map((line) => line['msg']);
    expect(messages.indexOf('dataset loaded'), messages.join(', ')).to.be.within(0, messages.indexOf('listening'));
    expect(service.logs.find((line) => line['msg'] === 'dataset loaded')?.['from']).to.equal('startup snapshot');
    for (const path of [
      '/query?unique_number=230',
      '/query?q=temple&limit=5',
      '/query?q=cathedral&format=csv',
      '/stats',
      '/sites/230',
      '/query?unique_number=abc',
    ]) {
      const [snapshot, source] = await Promise.all([fetch(`${url}${path}`), fetch(`${fromSource.url}${path}`)]);
      expect(snapshot.status, path).to.equal(source.status);
      expect(snapshot.headers.get('content-type'), path).to.equal(source.headers.get('content-type'));
      expect(snapshot.headers.get('etag'), path).to.equal(source.headers.get('etag'));
      expect(Buffer.from(await snapshot.arrayBuffer()).equals(Buffer.from(await source.arrayBuffer())), `body of ${path}`).to.equal(true);
    }
  });

  it('loads DATA_FILE when it is another path, even with the same bytes', async () => {
    const elsewhere = join(dir.path, 'elsewhere.csv');
    copyFileSync(DATA_FILE, elsewhere);
    const { url, fromSnapshot } = await startFromSnapshot(elsewhere);
    expect(fromSnapshot).to.equal(false);
    expect((await readyOf(url)).dataset.rows).to.equal(1121);
  });

  it('loads the file, never the stale snapshot, when the snapshotted file has changed', async () => {
    const text = readDataText();
    const records = readRecords(text);
    // The header and the first ten sites: the same path, other bytes.
    writeFileSync(snapshotted, text.slice(0, records[10]?.end ?? 0));
    const { url, fromSnapshot } = await startFromSnapshot(snapshotted);
    expect(fromSnapshot).to.equal(false);
    expect((await readyOf(url)).dataset.rows).to.equal(10);
    // The snapshot holds the file's last site; the file no longer does.
    const last = records[records.length - 1]?.fields[0];
    expect((await fetch(`${fromSource.url}/sites/${last}`)).status).to.equal(200);
    expect((await fetch(`${url}/sites/${last}`)).status).to.equal(404);
  });

  it('loads the file when only its bytes changed, not its size (the hash decides)', async () => {
    // One letter for another in site 230's name, in the file's own bytes: the same path and size, other bytes.
    const bytes = readFileSync(DATA_FILE);
    const at = bytes.indexOf('Remains of the Bamiyan Valley');
    expect(at).to.be.above(0);
    bytes.write('o', at + 'Remains of the Bamiy'.length);
    writeFileSync(snapshotted, bytes);
    expect(statSync(snapshotted).size).to.equal(statSync(DATA_FILE).size);
    const { url, fromSnapshot } = await startFromSnapshot(snapshotted);
    expect(fromSnapshot).to.equal(false);
    const [site] = (await (await fetch(`${url}/query?unique_number=230`)).json()) as { name_en: string }[];
    expect(site?.name_en).to.include('Bamiyon');
  });

  it('never blocks its start on a FIFO at the snapshotted path: live, not ready, the loader says why', async () => {
    rmSync(snapshotted);
    execFileSync('mkfifo', [snapshotted]);
    const service = spawnFromSnapshot(snapshotted);
    const url = await service.url;
    expect((await fetch(`${url}/health`)).status).to.equal(200);
    expect((await fetch(`${url}/ready`)).status).to.equal(503);
    expect((await service.waitForLog((line) => line['msg'] === 'listening'))['fromSnapshot']).to.equal(false);
    await service.waitForLog((line) => String(line['msg']).includes('only a regular file is read'), 10_000);
  });

  it('runs the lifecycle: loads a change to the file, reloads on SIGHUP, drains on SIGTERM and exits 0', async () => {
    const { service, url, fromSnapshot, spawnedAt } = await startFromSnapshot(snapshotted, { LOG_LEVEL: 'debug' });
    expect(fromSnapshot).to.equal(true);
    // The process's own start, not the build's (prom-client reckons it as its module is evaluated).
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const startTime = Number(/^process_start_time_seconds (\d+)$/m.exec(metrics)?.[1]);
    // Whole seconds, rounded: at least the second the process was spawned in. The builder ran
    // seconds before (it loads and warms up before the snapshot is written).
    expect(startTime).to.be.within(Math.floor(spawnedAt / 1000), Date.now() / 1000);
    const text = readDataText();
    const records = readRecords(text);
    writeFileSync(snapshotted, text.slice(0, records[20]?.end ?? 0));
    await service.waitForLog((line) => line['msg'] === 'dataset loaded' && line['rows'] === 20, 20_000);
    expect((await readyOf(url)).dataset.rows).to.equal(20);

    // A reload of the unchanged file: read again and found the same (logged at debug).
    service.child.kill('SIGHUP');
    await service.waitForLog((line) => line['msg'] === 'reloading the data file', 5_000);
    await service.waitForLog((line) => line['msg'] === 'data file unchanged', 10_000);
    service.child.kill('SIGTERM');
    expect(await service.exited).to.equal(0);
    expect(service.logs.map((line) => line['msg'])).to.include('shutdown complete');
  });
});
