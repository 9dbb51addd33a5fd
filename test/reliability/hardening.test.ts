/**
 * The attacks of issue 24 against a real service process, each bounded and on loopback only,
 * while four clients keep looking rows up (test/helpers/attack.ts): peak RSS, statuses and
 * whether the process is alive at the end are recorded for docs/reliability.md. The reload of a
 * file near the data budget, in a memory-limited cgroup, is test/reliability/reload-memory.test.ts.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { underAttack } from '../helpers/attack.js';
import { LONG, recordFigures } from '../helpers/figures.js';
import { looksLikeFormula, writeFormulaFile } from '../helpers/formula-csv.js';
import { runNode } from '../helpers/node-process.js';
import { plainRequest } from '../helpers/plain-request.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir } from '../helpers/temp-files.js';

const CLI = fileURLToPath(new URL('../../src/cli/data.ts', import.meta.url));
const records = readRecords(readDataText());
const ids = records.slice(1).map((r) => Number(r.fields[0]));
const count = (statuses: Record<string, number>, status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);

describe('issue 24 attacks against a real service process', function () {
  this.timeout(180_000);
  const dir = tempDir();
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    if (service !== undefined && service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    service = undefined;
  });
  after(() => dir.remove());

  const start = async (env: Record<string, string> = {}) => {
    service = spawnService({ SEARCH_CPU_PERCENT: '100', ...env });
    const url = await service.url;
    await fetch(`${url}/ready`);
    for (let i = 0; i < 100 && (await fetch(`${url}/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    return { url, pid: service.child.pid ?? 0, svc: service };
  };

  it('every method Node accepts, on every route and made-up paths: /metrics stays bounded', async () => {
    const { url, pid } = await start();
    // Five scrapes, the median time: a ratio of after to before, both measured here, on a shared machine.
    const scrape = async () => {
      const times: number[] = [];
      let text = '';
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        text = await (await fetch(`${url}/metrics`)).text();
        times.push(performance.now() - started);
      }
      const ms = times.sort((a, b) => a - b)[2] ?? NaN;
      return { bytes: Buffer.byteLength(text), ms, series: text.split('\n').filter((l) => l.startsWith('whc_http_')).length };
    };
    await scrape(); // warm: the first scrape compiles what later ones reuse
    const before = await scrape();
    const rounds = LONG ? 20 : 6;
    const statuses: Record<string, number> = {};
    const paths = ['/query', '/sites/230', '/stats', '/health', '/ready', '/metrics', '/status', '/openapi.json'];
    const figures = await underAttack(url, pid, ids, async () => {
      for (let round = 0; round < rounds; round++)
        for (const method of METHODS.filter((m) => m !== 'CONNECT'))
          for (const path of [...paths, `/made-up/${round}/${method}`])
            count(statuses, (await plainRequest(url, path, { method, headers: { 'Content-Length': '0' } })).status);
    });
    const after = await scrape();
    const sent = Object.values(statuses).reduce((a, b) => a + b, 0);
    recordFigures('metrics-method-flood', {
      description: `${rounds} rounds of each of the ${METHODS.length - 1} methods Node accepts (CONNECT aside) on ${paths.length} routes and a new made-up path per round and method (${sent} requests); /metrics scraped before and after`,
      asserted: 'method labels GET, HEAD, OPTIONS, POST and other only; no 5xx; alive; no failed lookup',
      ...figures,
      statuses,
      metricsBytesBefore: before.bytes,
      metricsBytesAfter: after.bytes,
      metricsSeriesBefore: before.series,
      metricsSeriesAfter: after.series,
      scrapeTimeRatioAfterToBefore: Math.round((after.ms / before.ms) * 10) / 10,
    });
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
    expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).to.deep.equal([]);
    const text = await (await fetch(`${url}/metrics`)).text();
    const methods = new Set([...text.matchAll(/^whc_http_requests_total\{[^}]*method="([^"]+)"/gm)].map((m) => m[1]));
    expect([...methods].sort()).to.deep.equal(['GET', 'HEAD', 'OPTIONS', 'POST', 'other']);
  });

  it('SIGHUP, SIGUSR2 and SIGUSR1 during lookups: no answer cut, alive, no inspector', async () => {
    const { url, pid, svc } = await start();
    const rounds = LONG ? 20 : 5;
    const figures = await underAttack(url, pid, ids, async () => {
      for (let i = 0; i < rounds; i++)
        for (const signal of ['SIGHUP', 'SIGUSR2', 'SIGUSR1'] as const) {
          svc.child.kill(signal);
          await new Promise((r) => setTimeout(r, 100));
        }
    });
    const inspector = /Debugger listening|Starting inspector/.test(svc.stderr());
    const reloads = svc.logs.filter((l) => l['msg'] === 'reloading the data file').length;
    recordFigures('signals', {
      description: `${rounds} rounds of SIGHUP, SIGUSR2 and SIGUSR1, 100 ms apart, while 4 clients look rows up`,
      asserted: 'alive; no failed lookup; a reload per SIGHUP; no inspector opened',
      ...figures,
      reloadsLogged: reloads,
      inspectorOpened: inspector,
    });
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
    expect(reloads).to.equal(rounds);
    expect(inspector, 'inspector opened').to.equal(false);
  });

  it('formulas in the data: CSV pages under load carry none, JSON keeps them', async () => {
    const planted = writeFormulaFile(dir);
    const { url, pid } = await start({ DATA_FILE: planted.file });
    const plantedIds = readRecords(readDataText(planted.file))
      .slice(1)
      .map((r) => Number(r.fields[0]));
    const statuses: Record<string, number> = {};
    let formulaCells = 0;
    const pages = LONG ? 400 : 100;
    const figures = await underAttack(url, pid, plantedIds, async () => {
      for (let i = 0; i < pages; i++) {
        const response = await fetch(`${url}/query?format=csv&limit=1000&sort=${i % 2 ? '-' : ''}unique_number`);
        count(statuses, response.status);
        formulaCells += readRecords(await response.text())
          .flatMap((r) => r.fields)
          .filter(looksLikeFormula).length;
      }
    });
    recordFigures('csv-formulas', {
      description: `${pages} CSV pages of a file of real rows with ${planted.cells.length} formula-like cells planted, while 4 clients look rows up`,
      asserted: 'every page 200; no cell of any page starts a formula; alive; no failed lookup',
      ...figures,
      statuses,
      formulaCellsAnswered: formulaCells,
    });
    expect(statuses).to.deep.equal({ 200: pages });
    expect(formulaCells).to.equal(0);
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
  });

  it('a header and one row published over the served file: refused, the service keeps every row', async () => {
    const served = join(dir.path, 'served.csv');
    copyFileSync(DATA_FILE, served);
    const { url, pid } = await start({ DATA_FILE: served, DATA_SETTLE_MS: '0', DATA_POLL_MS: '200' });
    const oneRow = dir.write('one-row.csv', readDataText().slice(0, records[1]?.end ?? 0));
    let exitCode: number | null = null;
    let stderr = '';
    const figures = await underAttack(url, pid, ids, async () => {
      const result = await runNode(['--import', 'tsx', CLI, 'publish', oneRow, served]);
      exitCode = result.code;
      stderr = result.stderr.trim();
      await new Promise((r) => setTimeout(r, 1000)); // two polls: a change to the file would have been seen
    });
    const rows = ((await (await fetch(`${url}/ready`)).json()) as { dataset: { rows: number } }).dataset.rows;
    recordFigures('shrinking-publish', {
      description: 'whc-data publish of a header and one row over the 1121-row file the service watches, while 4 clients look rows up',
      asserted: 'publish exits 1 naming both counts; the served file unchanged; /ready still 1121 rows; alive; no failed lookup',
      ...figures,
      publishExitCode: exitCode,
      publishMessage: stderr.replaceAll(dir.path, 'TMP'), // no machine path in the docs
      rowsServedAfter: rows,
    });
    expect(exitCode).to.equal(1);
    expect(stderr).to.include('1 row(s)').and.include(`${ids.length} row(s)`);
    expect(readFileSync(served).equals(readFileSync(DATA_FILE))).to.equal(true);
    expect(rows).to.equal(ids.length);
    expect(figures.aliveAtEnd, 'alive').to.equal(true);
    expect(figures.lookupFailures, 'failed lookups').to.equal(0);
  });
});
