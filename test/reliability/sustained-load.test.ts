/**
 * A sustained, bounded load on the real process (loopback only) with hot reloads in the middle:
 * zero errors, and memory stable after warm-up (RSS sampled every half second).
 */
import autocannon from 'autocannon';
import { expect } from 'chai';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitReady } from '../../scripts/bench/processes.js';
import { LONG, recordFigures } from '../helpers/figures.js';
import { DATA_FILE, readDataText } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const rssOf = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
const MB = 1024 * 1024;

describe('sustained load with hot reloads (real process)', function () {
  this.timeout(300_000);
  let dir: TempDir;
  let service: ServiceProcess | undefined;
  before(() => {
    dir = tempDir();
  });
  after(() => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    dir.remove();
  });

  it('answers every request through two reloads, and its memory stays flat after warm-up', async () => {
    const durationS = LONG ? 60 : 8;
    const target = join(dir.path, 'whc.csv');
    writeFileSync(target, readFileSync(DATA_FILE));
    const port = await freePort();
    // warn: this test process must not spend its CPU reading a log line per request.
    service = spawnService({ DATA_FILE: target, PORT: String(port), DATA_POLL_MS: '100', LOG_LEVEL: 'warn' });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, 15_000);
    const pid = service.child.pid ?? 0;
    const ids = [...readDataText().matchAll(/\r\n(\d+),\d+,/g)].map((m) => Number(m[1]));
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssOf(pid)), 500);
    const reloads = [0.4, 0.7].map((at, i) =>
      setTimeout(
        () => {
          const text = readFileSync(DATA_FILE, 'utf8').replace('Bamiyan Valley,', `Bamiyan Valley (reload ${i + 1}),`);
          writeFileSync(`${target}.tmp`, text);
          renameSync(`${target}.tmp`, target);
        },
        at * durationS * 1000,
      ),
    );
    const result = await autocannon({
      url,
      connections: 20,
      duration: durationS,
      requests: [{ setupRequest: (req) => ({ ...req, path: `/query?unique_number=${ids[Math.floor(Math.random() * ids.length)]}` }) }],
    });
    clearInterval(sampler);
    reloads.forEach(clearTimeout);
    // A reload competes with the load for the event loop: give the last one time to land.
    const reloadWait = performance.now();
    const served = async () => ((await (await fetch(`${url}/query?unique_number=230`)).json()) as { name_en: string }[])[0]?.name_en ?? '';
    while (!(await served()).includes('(reload 2)')) {
      if (performance.now() - reloadWait > 15_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const status = (await (await fetch(`${url}/status`)).json()) as { dataset: { version: string } };
    const warm = samples[Math.floor(samples.length / 4)] ?? NaN;
    const end = samples[samples.length - 1] ?? NaN;
    const figures = {
      description: `${durationS} s of /query with random ids, 20 keep-alive connections, the data file replaced (rename) at 40% and 70%`,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      rssAfterWarmUpMb: Math.round(warm / MB),
      rssAtEndMb: Math.round(end / MB),
      rssGrowthMb: Math.round((end - warm) / MB),
      peakRssMb: Math.round(Math.max(...samples) / MB),
      lastReloadServedAfterLoadMs: Math.round(performance.now() - reloadWait),
      asserted: 'zero errors and zero non-2xx; the last reload is served; RSS growth after warm-up under 64 MB',
    };
    recordFigures('sustained-load', figures);
    expect(figures.errors).to.equal(0);
    expect(figures.non2xx).to.equal(0);
    expect(result.requests.total).to.be.greaterThan(1000);
    expect(await served()).to.include('(reload 2)');
    expect(status.dataset.version).to.match(/^[0-9a-f]{64}$/);
    expect(figures.rssGrowthMb).to.be.lessThan(64);
  });
});
