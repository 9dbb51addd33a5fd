/**
 * The production start, the service's V8 startup snapshot (src/snapshot/, built by
 * scripts/build/snapshot.ts as `npm run build` does): built of a copy of the bundled CSV, started
 * as a process with npm start's flags, and compared answer by answer with the service run from
 * src/ in this process on the bundled file itself. It must never serve what it holds once
 * DATA_FILE is not the snapshotted file (another path, or the same path with other bytes), and it
 * runs main.ts's lifecycle: a changed file is loaded, SIGHUP reloads, SIGTERM drains and exits 0.
 */
import { expect } from 'chai';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
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
  readonly dataset: { readonly version: string; readonly rows: number };
}

async function startFromSnapshot(dataFile: string): Promise<{ service: ServiceProcess; url: string; fromSnapshot: unknown }> {
  // The blob stands where an entry point would (node --snapshot-blob=<blob>, no script).
  const service = spawnService({ DATA_FILE: dataFile }, { builtEntry: `--snapshot-blob=${BLOB}`, nodeArgs: productionNodeFlags() });
  const url = await service.url;
  await waitReady(url, 15_000);
  const listening = await service.waitForLog((line) => line['msg'] === 'listening');
  return { service, url, fromSnapshot: listening['fromSnapshot'] };
}

async function stop(service: ServiceProcess | undefined): Promise<void> {
  service?.child.kill('SIGTERM');
  await service?.exited;
}

const readyOf = async (url: string) => (await (await fetch(`${url}/ready`)).json()) as Ready;

describe('the production start: a V8 startup snapshot of the service (src/snapshot/)', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let snapshotted: string;
  let fromSource: TestServer;
  let started: ServiceProcess | undefined;

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
    await stop(started);
    started = undefined;
    copyFileSync(DATA_FILE, snapshotted); // the snapshotted bytes again, for the next test
  });
  after(async () => {
    await fromSource?.close();
    dir?.remove();
    rmSync(OUT_DIR, { recursive: true, force: true });
  });

  it('serves the snapshotted dataset from its first /ready and answers exactly as the source does', async () => {
    const { service, url, fromSnapshot } = await startFromSnapshot(snapshotted);
    started = service;
    expect(fromSnapshot).to.equal(true);
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
    const { service, url, fromSnapshot } = await startFromSnapshot(elsewhere);
    started = service;
    expect(fromSnapshot).to.equal(false);
    expect((await readyOf(url)).dataset.rows).to.equal(1121);
  });

  it('loads the file, never the stale snapshot, when the snapshotted file has changed', async () => {
    const text = readDataText();
    const records = readRecords(text);
    // The header and the first ten sites: the same path, other bytes.
    writeFileSync(snapshotted, text.slice(0, records[10]?.end ?? 0));
    const { service, url, fromSnapshot } = await startFromSnapshot(snapshotted);
    started = service;
    expect(fromSnapshot).to.equal(false);
    expect((await readyOf(url)).dataset.rows).to.equal(10);
    // The snapshot holds the file's last site; the file no longer does.
    const last = records[records.length - 1]?.fields[0];
    expect((await fetch(`${fromSource.url}/sites/${last}`)).status).to.equal(200);
    expect((await fetch(`${url}/sites/${last}`)).status).to.equal(404);
  });

  it('runs the lifecycle: loads a change to the file, reloads on SIGHUP, drains on SIGTERM and exits 0', async () => {
    const { service, url, fromSnapshot } = await startFromSnapshot(snapshotted);
    started = service;
    expect(fromSnapshot).to.equal(true);
    const text = readDataText();
    const records = readRecords(text);
    writeFileSync(snapshotted, text.slice(0, records[20]?.end ?? 0));
    await service.waitForLog((line) => line['msg'] === 'dataset loaded' && line['rows'] === 20, 20_000);
    expect((await readyOf(url)).dataset.rows).to.equal(20);

    service.child.kill('SIGHUP');
    await service.waitForLog((line) => line['msg'] === 'reloading the data file', 5_000);
    service.child.kill('SIGTERM');
    expect(await service.exited).to.equal(0);
    expect(service.logs.map((line) => line['msg'])).to.include('shutdown complete');
    started = undefined;
  });
});
