/**
 * Hot reload of the data file in the real service process, under load: every response must come
 * wholly from one valid version of the file, an invalid version must never be served, and no
 * request may fail. Expected rows come from the independent reference reader, per version file.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordFigures } from '../helpers/figures.js';
import { readDataText, readRecords, referenceData } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const BOM = '\uFEFF';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Status {
  dataset: { version: string } | null;
  lastReloadError: { at: string; messages: string[] } | null;
}

async function status(url: string): Promise<Status> {
  return (await (await fetch(`${url}/status`)).json()) as Status;
}

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hot reload of the data file (real process)', function () {
  this.timeout(120_000);
  const text = readDataText();
  const records = readRecords(text);
  const header = text.slice(0, records[0]?.end ?? 0);
  const body = text.slice(records[0]?.end ?? 0);
  /** Version k: the real file with site 230 renamed, so each version's row differs. */
  const validVersion = (k: number) => BOM + header + body.replace('Bamiyan Valley,', `Bamiyan Valley (v${k}),`);
  const invalidVersions: Record<string, () => string | null> = {
    'bad row': () => BOM + header + body.replace(',67.82525,34.84694,', ',67.82525,999,'),
    truncated: () => (BOM + header + body).slice(0, Math.floor(body.length / 2)),
    empty: () => '',
    deleted: () => null,
  };

  let dir: TempDir;
  let service: ServiceProcess | undefined;
  /** sha256 of each valid version -> the row 230 an independent reading of it gives. */
  const expected = new Map<string, Record<string, unknown>>();
  const expect230 = (content: string) => {
    const file = dir.write(`reference-${expected.size}.csv`, content);
    const row = referenceData(file).rows.find((r) => r['unique_number'] === 230);
    if (row === undefined) throw new Error('no row 230');
    expected.set(sha256(content), row);
  };
  beforeEach(() => {
    dir = tempDir();
    expected.clear();
  });
  afterEach(() => {
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    dir.remove();
  });

  it('switches between 10 valid versions and refuses 10 invalid ones (rename, in-place write, delete) with zero failed requests', async () => {
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    const target = join(dataDir, 'whc.csv');
    const first = validVersion(0);
    writeFileSync(target, first);
    expect230(first);
    service = spawnService({ DATA_FILE: target, DATA_POLL_MS: '50', DATA_DEBOUNCE_MS: '30' });
    const url = await service.url;
    await waitFor('first version', async () => (await status(url)).dataset?.version === sha256(first));

    // The client: 8 loops querying site 230 until told to stop.
    let stop = false;
    const failures: string[] = [];
    const inconsistent: string[] = [];
    const seenVersions = new Set<string>();
    let answered = 0;
    const loop = async () => {
      while (!stop) {
        try {
          const response = await fetch(`${url}/query?unique_number=230`);
          const rows = (await response.json()) as Record<string, unknown>[];
          if (response.status !== 200) {
            failures.push(`status ${response.status}`);
            continue;
          }
          answered++;
          const tag = (response.headers.get('etag') ?? '').slice(1, 17);
          const version = [...expected.keys()].find((v) => v.startsWith(tag));
          if (version === undefined) inconsistent.push(`ETag ${tag} is no valid version`);
          else if (JSON.stringify(rows[0]) !== JSON.stringify(expected.get(version))) inconsistent.push(`body does not match version ${tag}`);
          else seenVersions.add(version);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 8 }, loop);

    const write = (content: string, method: 'rename' | 'in-place') => {
      if (method === 'in-place') writeFileSync(target, content);
      else {
        const temporary = join(dataDir, `.whc.csv.${Date.now()}.tmp`);
        writeFileSync(temporary, content);
        renameSync(temporary, target);
      }
    };
    const invalidNames = Object.keys(invalidVersions);
    let lastValid = first;
    for (let step = 0; step < 20; step++) {
      if (step % 2 === 1) {
        const content = validVersion(step);
        expect230(content);
        write(content, step % 4 === 1 ? 'rename' : 'in-place');
        lastValid = content;
        await waitFor(`valid version ${step}`, async () => (await status(url)).dataset?.version === sha256(content));
      } else {
        const name = invalidNames[(step / 2) % invalidNames.length] as string;
        const before = (await status(url)).lastReloadError?.at ?? '';
        const content = invalidVersions[name]?.() ?? null;
        if (content === null) rmSync(target, { force: true });
        else write(content, step % 4 === 0 ? 'rename' : 'in-place');
        await waitFor(`rejection of the ${name} file`, async () => {
          const s = await status(url);
          return (s.lastReloadError?.at ?? '') !== before && s.dataset?.version === sha256(lastValid);
        });
      }
      await new Promise((r) => setTimeout(r, 50)); // let the clients see this state
    }
    stop = true;
    await Promise.all(clients);

    recordFigures('hot-reload', {
      description: '20 replacements of the data file (10 valid by rename or in-place write; 10 invalid: bad row, truncated, empty, deleted) while 8 clients loop on /query',
      responses: answered,
      failed: failures.length,
      inconsistent: inconsistent.length,
      validVersionsServed: seenVersions.size,
      asserted: 'zero failed requests; every response equals an independent reading of exactly one valid version (matched through its ETag); invalid versions never served; the last valid version served at the end',
    });
    expect(failures, 'failed requests').to.deep.equal([]);
    expect(inconsistent, 'responses not wholly from one valid version').to.deep.equal([]);
    expect(answered).to.be.greaterThan(100);
    expect(seenVersions.size, 'valid versions served').to.be.greaterThan(5);
    const final = await status(url);
    expect(final.dataset?.version).to.equal(sha256(lastValid));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    // At least the 10 invalid files; an in-place write caught half-written is one more, rightly refused.
    expect(Number(/^whc_dataset_reload_failures_total (\d+)$/m.exec(metrics)?.[1])).to.be.at.least(10);
    expect(metrics).to.include(`whc_dataset_info{version="${sha256(lastValid)}"} 1`);
  });

  it('follows the symlink swap of Kubernetes ConfigMap volumes (..data re-pointed atomically)', async () => {
    const volume = join(dir.path, 'volume');
    mkdirSync(volume);
    const publish = (k: number) => {
      const content = validVersion(100 + k);
      expect230(content);
      const versionDir = `..2026_${k}`;
      mkdirSync(join(volume, versionDir));
      writeFileSync(join(volume, versionDir, 'whc.csv'), content);
      symlinkSync(versionDir, join(volume, '..data_tmp'));
      renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
      return content;
    };
    const first = publish(0);
    symlinkSync('..data/whc.csv', join(volume, 'whc.csv'));
    service = spawnService({ DATA_FILE: join(volume, 'whc.csv'), DATA_POLL_MS: '0', DATA_DEBOUNCE_MS: '30' });
    const url = await service.url;
    await waitFor('first version', async () => (await status(url)).dataset?.version === sha256(first));
    for (let k = 1; k <= 3; k++) {
      const content = publish(k);
      // Polling is off: only the directory's change events can have noticed the swap.
      await waitFor(`swap ${k}`, async () => (await status(url)).dataset?.version === sha256(content));
      const row = ((await (await fetch(`${url}/query?unique_number=230`)).json()) as Record<string, unknown>[])[0];
      expect(row).to.deep.equal(expected.get(sha256(content)));
    }
  });

  it('starts unready on a missing file and becomes ready when a valid one appears', async () => {
    const target = join(dir.path, 'later.csv');
    service = spawnService({ DATA_FILE: target, DATA_POLL_MS: '50', DATA_DEBOUNCE_MS: '30' });
    const url = await service.url;
    await waitFor('the missing file to be reported', async () => (await status(url)).lastReloadError !== null);
    expect((await fetch(`${url}/ready`)).status).to.equal(503);
    const content = validVersion(7);
    writeFileSync(target, content);
    await waitFor('ready', async () => (await fetch(`${url}/ready`)).status === 200);
    expect((await status(url)).dataset?.version).to.equal(sha256(content));
  });
});
