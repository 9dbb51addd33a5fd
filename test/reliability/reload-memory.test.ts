/**
 * A reload of a data file just under the data budget, in a real memory-limited cgroup (issue 24,
 * item 6): while the new file loads, the old dataset is still served, so both are held at once.
 * Run as the chart runs it (256 MiB, NODE_OPTIONS from the ConfigMap's rule), with the budget
 * the service derives from the limit itself (DATA_MEMORY_MB unset). The reload must neither get
 * the process OOM-killed nor leave it without data; lookups run throughout. Peak RSS is the
 * kernel's own high-water mark (VmHWM). Needs root and a writable cgroup: skipped otherwise.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, peakRss, waitReady } from '../../scripts/bench/processes.js';
import { writeSyntheticCsv } from '../../scripts/bench/synthetic.js';
import { loadDataset } from '../../src/data/load.js';
import { defaultDataMemory } from '../../src/memory-limit.js';
import { underAttack } from '../helpers/attack.js';
import { createMemoryCgroup, type MemoryCgroup } from '../helpers/cgroup.js';
import { recordFigures } from '../helpers/figures.js';
import { DATA_FILE } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const LIMIT_MIB = 256;
const MIB = 1024 * 1024;
const CHART_NODE_OPTIONS = `--max-old-space-size=${(LIMIT_MIB * 3) / 8}`;

/** The most rows of a synthetic file the budget takes, as the loader counts them: it stops at the first row over. */
async function rowsUnder(budget: number, dir: TempDir): Promise<number> {
  const probe = join(dir.path, 'probe.csv');
  // The loader counts about 4 KiB a row of these (bodies, spans, index): a third more rows than fit.
  await writeSyntheticCsv(DATA_FILE, Math.ceil(budget / 3072), probe);
  try {
    await loadDataset(probe, { maxBytes: budget });
  } catch (error) {
    const at = /at (\d+) rows/.exec(String((error as Error).message))?.[1];
    if (at !== undefined) return Number(at) - 1;
  }
  throw new Error('the probe file fitted the budget: make it larger');
}

describe('a reload just under the data budget, in a 256 MiB cgroup (real kernel limit)', function () {
  this.timeout(300_000);
  let cgroup: MemoryCgroup | undefined;
  let service: ServiceProcess | undefined;
  const dir = tempDir();

  before(function () {
    const made = createMemoryCgroup(`whc-api-reload-${process.pid}`, LIMIT_MIB * MIB);
    if (typeof made === 'string') {
      console.log(`      skipped: ${made}`);
      this.skip();
    }
    cgroup = made;
  });
  after(async () => {
    if (service !== undefined && service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    await cgroup?.remove();
    dir.remove();
  });

  it('reloads it without an OOM kill, serving lookups throughout, within the limit', async () => {
    const budget = defaultDataMemory(LIMIT_MIB * MIB);
    // A few hundred rows under: "just under", and room for the second file's name suffixes.
    const rows = (await rowsUnder(budget, dir)) - 300;
    const file = join(dir.path, 'whc.csv');
    await writeSyntheticCsv(DATA_FILE, rows, file);
    await writeSyntheticCsv(DATA_FILE, rows - 1, join(dir.path, 'next.csv')); // another version, as large
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    service = spawnService(
      { PORT: String(port), NODE_OPTIONS: CHART_NODE_OPTIONS, DATA_FILE: file, DATA_SETTLE_MS: '0', SEARCH_CPU_PERCENT: '100' },
      { prefix: (cgroup as MemoryCgroup).enter },
    );
    const svc = service;
    const listening = await svc.waitForLog((l) => l['msg'] === 'listening');
    const first = await svc.waitForLog((l) => l['msg'] === 'dataset loaded' || String(l['msg']).startsWith('data file rejected'), 120_000);
    await waitReady(url, 5_000).catch(() => undefined);
    const pid = svc.child.pid ?? 0;
    const ids = Array.from({ length: 1000 }, (_, i) => 1 + Math.floor((i * (rows - 2)) / 1000));
    const loadedAtStart = first['msg'] === 'dataset loaded';
    const hwmAfterStart = loadedAtStart ? Math.round(peakRss(pid) / MIB) : undefined;
    let reloadOutcome = 'not tried';
    const figures = loadedAtStart
      ? await underAttack(url, pid, ids, async () => {
          renameSync(join(dir.path, 'next.csv'), file);
          // One waiter (its timer ends with it): the new version loaded, the file refused, or the process gone.
          const outcome = await svc
            .waitForLog(
              (l) => (l['msg'] === 'dataset loaded' && l['rows'] === rows - 1) || String(l['msg']).startsWith('data file rejected'),
              120_000,
            )
            .then(
              (l) => (l['msg'] === 'dataset loaded' ? 'loaded' : String(l['msg'])),
              () => `exited (${svc.child.exitCode ?? svc.child.signalCode})`,
            );
          reloadOutcome = outcome;
        })
      : undefined;
    const alive = svc.child.exitCode === null && svc.child.signalCode === null;
    const oomKills = (cgroup as MemoryCgroup).oomKills();
    const peakRssMb = alive ? Math.round(peakRss(pid) / MIB) : undefined;
    recordFigures('reload-near-data-budget', {
      description: `a ${rows}-row file (just under the data budget the service derives from a ${LIMIT_MIB} MiB limit, ${Math.round(budget / MIB)} MiB), then another as large renamed over it, with 4 clients looking rows up; NODE_OPTIONS=${CHART_NODE_OPTIONS}`,
      asserted: 'loaded at start, then the new file loaded; no OOM kill, alive, no failed lookup',
      dataBudgetMb: Math.round(budget / MIB),
      heapLimitMb: listening['heapLimitMb'],
      rows,
      loadedAtStart,
      hwmAfterStartMb: hwmAfterStart,
      reloadOutcome,
      peakRssMb,
      oomKills,
      ...(figures === undefined
        ? {}
        : {
            lookups: figures.lookups,
            lookupFailures: figures.lookupFailures,
            lookupP99Ms: figures.lookupP99Ms,
            aliveAtEnd: figures.aliveAtEnd,
          }),
    });
    expect(loadedAtStart, `the first file loads: ${String(first['msg'])}`).to.equal(true);
    expect(oomKills, 'OOM kills in the cgroup').to.equal(0);
    expect(alive, `alive (reload: ${reloadOutcome})`).to.equal(true);
    expect(reloadOutcome).to.equal('loaded');
    expect(figures?.lookupFailures, 'failed lookups').to.equal(0);
  });
});
