/**
 * Data files that could jam the loader, against the real service process: a FIFO (no writer
 * ever comes), a directory and a device at DATA_FILE, and a file rewritten in place slowly while
 * lookups run. The service must reject what is not a regular file at once, keep reloading later
 * changes, never serve a half-written file, and exit promptly on SIGTERM whatever the loader did.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { writeSyntheticCsv } from '../../scripts/bench/synthetic.js';
import { LONG, recordFigures } from '../helpers/figures.js';
import { readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

interface Status {
  ready: boolean;
  dataset: { version: string; rows: number } | null;
  lastReloadError: { messages: string[] } | null;
}
const status = async (url: string) => (await (await fetch(`${url}/status`)).json()) as Status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** SIGTERM, then how long the process took to exit (it must, whatever the loader is doing). */
async function terminate(service: ServiceProcess, withinMs: number): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  service.child.kill('SIGTERM');
  const code = await Promise.race([service.exited, sleep(withinMs).then(() => 'hung' as const)]);
  if (code === 'hung') throw new Error(`still running ${withinMs} ms after SIGTERM`);
  return { code, ms: Date.now() - started };
}

describe('data files that cannot jam the loader (real process)', function () {
  this.timeout(90_000);
  const text = readDataText();
  const ids = readRecords(text)
    .slice(1)
    .map((r) => Number(r.fields[0]));
  let dir: TempDir;
  let service: ServiceProcess | undefined;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    service = undefined;
    dir.remove();
  });
  const fifo = (name: string) => {
    const path = join(dir.path, name);
    execFileSync('mkfifo', [path]);
    return path;
  };
  const env = (file: string) => ({ DATA_FILE: file, SHUTDOWN_TIMEOUT_MS: '2000', DATA_POLL_MS: '100' });

  it('a FIFO at DATA_FILE at start-up: rejected without blocking, unready; SIGTERM exits within the shutdown timeout', async () => {
    service = spawnService(env(fifo('whc.csv')));
    const url = await service.url;
    const seen = await waitFor('the FIFO rejected', async () => (await status(url)).lastReloadError ?? undefined);
    expect(seen.messages[0]).to.equal('whc.csv: is a FIFO (named pipe); only a regular file is read');
    expect((await fetch(`${url}/ready`)).status).to.equal(503);
    const exit = await terminate(service, 4000);
    expect(exit.code).to.equal(0);
    recordFigures('fifo-at-start', {
      description: 'DATA_FILE is a FIFO no writer ever opens; SIGTERM afterwards (SHUTDOWN_TIMEOUT_MS=2000)',
      asserted: 'rejected at once as a FIFO (base name only), /ready 503, exit 0 within 4 s of SIGTERM',
      exitAfterSigtermMs: exit.ms,
      exitCode: exit.code,
    });
  });

  it('a FIFO, a directory, a device and a link loop in place: each rejected (base names only), the good data kept, later changes still load, SIGTERM exits', async () => {
    const file = dir.write('whc.csv', text);
    service = spawnService(env(file));
    const url = await service.url;
    const first = await waitFor('loaded', async () => (await status(url)).dataset ?? undefined);
    const cases: [string, () => void][] = [
      ['is a FIFO (named pipe)', () => renameSync(fifo('pipe'), file)],
      ['is a directory', () => execFileSync('sh', ['-c', `rm -f "$0" && mkdir "$0"`, file])],
      ['is a device', () => execFileSync('sh', ['-c', `rmdir "$0" && ln -s /dev/zero "$0"`, file])],
    ];
    for (const [kind, replace] of cases) {
      replace();
      const error = await waitFor(kind, async () => (await status(url)).lastReloadError?.messages.find((m) => m.includes(kind)));
      expect(error).to.equal(`whc.csv: ${kind}; only a regular file is read`);
      expect((await status(url)).dataset?.version).to.equal(first.version);
      expect((await fetch(`${url}/query?unique_number=230`)).status).to.equal(200);
    }
    // A link loop: Node's message names the absolute path; answers show the base name only.
    execFileSync('sh', ['-c', `rm -f "$0" && ln -s "$0" "$0"`, file]);
    const loop = await waitFor('the loop rejected', async () =>
      (await status(url)).lastReloadError?.messages.find((m) => m.includes('symbolic')),
    );
    expect(loop).to.equal('whc.csv: too many levels of symbolic links');
    const ready = await (await fetch(`${url}/status`)).text();
    expect(ready).not.to.include(dir.path);
    // Not jammed: a good file (a different version) is loaded after all of that.
    execFileSync('rm', ['-f', file]);
    dir.write('whc.csv', text.replace('Bamiyan Valley,', 'Bamiyan Valley (v2),'));
    await waitFor('the new version', async () => ((await status(url)).dataset?.version !== first.version ? true : undefined));
    expect((await status(url)).lastReloadError).to.equal(null);
    // A last FIFO, then SIGTERM while it sits there.
    renameSync(fifo('pipe2'), file);
    await waitFor('the FIFO rejected', async () => (await status(url)).lastReloadError ?? undefined);
    const exit = await terminate(service, 4000);
    expect(exit.code).to.equal(0);
  });

  it('a file over the memory budget: refused as bad input naming the limit, the last good dataset kept', async () => {
    const file = dir.write('whc.csv', text);
    service = spawnService({ ...env(file), DATA_MEMORY_MB: '24' });
    const url = await service.url;
    const first = await waitFor('loaded', async () => (await status(url)).dataset ?? undefined);
    await writeSyntheticCsv(join(dir.path, 'whc.csv'), 20_000, join(dir.path, 'big.csv'));
    renameSync(join(dir.path, 'big.csv'), file);
    const error = await waitFor('the big file refused', async () => (await status(url)).lastReloadError?.messages[0]);
    expect(error).to.match(/^whc\.csv:\d+: the data needs more memory than its budget, DATA_MEMORY_MB=24 /);
    expect((await status(url)).dataset).to.deep.include({ version: first.version, rows: ids.length });
    expect((await fetch(`${url}/query?unique_number=230`)).status).to.equal(200);
    expect((await fetch(`${url}/query?category=Natural&limit=1`)).status).to.equal(200);
    expect(service.child.exitCode).to.equal(null);
  });

  it('a file rewritten in place slowly while lookups run: never served half-written (zero 404s), then the whole new version', async () => {
    const file = dir.write('whc.csv', text);
    service = spawnService(env(file));
    const url = await service.url;
    const first = await waitFor('loaded', async () => (await status(url)).dataset ?? undefined);
    // Version 2 renames site 230, so its arrival can be seen; every id stays. It is written in
    // whole records, so each partial file is a valid, smaller CSV: only the rule can refuse it.
    const next = text.replace('Bamiyan Valley,', 'Bamiyan Valley (v2),');
    const records = readRecords(next);
    // Pauses longer than the debounce (200 ms), as a slow writer or a network copy makes, but
    // shorter than the settle time (DATA_SETTLE_MS, 1000 ms by default).
    const chunks = LONG ? 16 : 8;
    const pauseMs = 450;
    const cut = (i: number) =>
      i === 0 ? 0 : i === chunks ? next.length : (records[Math.floor((i * records.length) / chunks)]?.start ?? 0);
    const writer = (async () => {
      const fd = openSync(file, 'w'); // truncates in place: the same inode, as an editor or `cp` would
      for (let i = 0; i < chunks; i++) {
        writeSync(fd, next.slice(cut(i), cut(i + 1)));
        await sleep(pauseMs);
      }
      closeSync(fd);
    })();
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const counts = { requests: 0, notFound: 0, other: 0 };
    let writing = true;
    void writer.then(() => (writing = false));
    const lookups = async () => {
      let i = 0;
      while (writing) {
        const id = ids[(i++ * 7919) % ids.length];
        const code = await new Promise<number>((resolve, reject) => {
          const req = request(`${url}/query?unique_number=${id}`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
        counts.requests++;
        if (code === 404) counts.notFound++;
        else if (code !== 200) counts.other++;
      }
    };
    await Promise.all([writer, ...Array.from({ length: 8 }, lookups)]);
    agent.destroy();
    const loaded = await waitFor('version 2', async () => {
      const s = await status(url);
      return s.dataset !== null && s.dataset.version !== first.version ? s.dataset : undefined;
    });
    await service.waitForLog((l) => l['msg'] === 'dataset loaded' && l['version'] === loaded.version); // logs come in batches
    const versionsLoaded = service.logs.filter((l) => l['msg'] === 'dataset loaded').map((l) => l['rows']);
    recordFigures('slow-rewrite', {
      asserted: 'zero 404s and zero other failures for known ids; only whole datasets loaded; the new version served at the end',
      description: `the data file truncated and rewritten in place in ${chunks} runs of whole records, ${pauseMs} ms apart, while 8 connections look up known ids`,
      requests: counts.requests,
      notFound: counts.notFound,
      otherFailures: counts.other,
      rowsOfEachLoad: versionsLoaded,
    });
    expect(counts.requests).to.be.greaterThan(100);
    expect(counts, 'lookups of known ids').to.include({ notFound: 0, other: 0 });
    expect(versionsLoaded, 'every dataset loaded was whole').to.deep.equal([ids.length, ids.length]);
    expect(loaded.rows).to.equal(ids.length);
    const row = (await (await fetch(`${url}/query?unique_number=230`)).json()) as { name_en: string }[];
    expect(row[0]?.name_en).to.include('(v2)');
  });
});
