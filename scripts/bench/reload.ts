/**
 * Serving through a reload (issue 26.4): a service started on a synthetic file of `rows` rows
 * is given a new file of the same size (renamed into place, as `whc-data publish` does), and
 * two connections of lookups and one alternating /health and /ready run while it loads, all from
 * wrk. The same loads run alone first on the same process, so "during / alone" is a same-run
 * ratio on a shared, noisy machine. The aim: lookup p99 during the reload at most 50 ms.
 *   node --import tsx scripts/bench/reload.ts [rows] [seconds of the loads alone] [entry] (after npm run build)
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, appendFileSync } from 'node:fs';
import { AIMS, judge } from './aims.js';
import { f0, f1, ms } from './format.js';
import { startServer, waitReady } from './processes.js';
import { writeSyntheticCsv } from './synthetic.js';
import { wrk, type WrkResult } from './wrk.js';

export interface ReloadResult {
  readonly rows: number;
  /** Start-up to ready on the first file, and the reload: the new file renamed in to the new version served. */
  readonly startupSeconds: number;
  readonly reloadSeconds: number;
  readonly aloneSeconds: number;
  /** How long the loads beside the reload ran: a quarter longer than the start-up's load. */
  readonly loadSeconds: number;
  readonly reloadOutlastedLoads: boolean;
  readonly lookupAloneP99: number;
  readonly lookupP99: number;
  readonly probeAloneP99: number;
  readonly probeP99: number;
  /** Lookups and probes that failed (socket error, timeout, or a status outside 2xx-3xx). */
  readonly failures: number;
}

const DIR = '.bench/reload';

async function servedVersion(url: string): Promise<string | undefined> {
  const answer = await fetch(`${url}/ready`).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return ((await answer.json()) as { dataset: { version: string } }).dataset.version;
}

const failuresOf = (...results: WrkResult[]) => results.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
const p99Of = (r: WrkResult) => (r.requests === 0 ? Infinity : r.p99);

export async function measureReload(
  argv: string[],
  env: Record<string, string>,
  rows: number,
  maxAloneSeconds: number,
): Promise<ReloadResult> {
  const source = `.bench/whc-${rows}.csv`;
  if (!existsSync(source)) await writeSyntheticCsv('data/whc-sites-2019.csv', rows, source);
  mkdirSync(DIR, { recursive: true });
  const served = `${DIR}/whc.csv`;
  copyFileSync(source, served);
  process.stderr.write(`bench: serving through a reload of ${rows} rows\n`);
  const started = performance.now();
  const server = await startServer(argv, { ...env, DATA_FILE: served, DATA_SETTLE_MS: '100', DATA_POLL_MS: '100' });
  try {
    await waitReady(server.url);
    const startupSeconds = (performance.now() - started) / 1000;
    // Beside the reload, a quarter longer than the first load took: a reload reads the same rows,
    // so the window covers it to its end (the index's build, where a load held the loop longest)
    // in all but the slowest minutes, and the answers after it dilute the p99 little.
    const loadSeconds = Math.max(1, Math.ceil(startupSeconds * 1.25));
    const paths = Array.from({ length: 1000 }, (_, i) => `/query?unique_number=${1 + Math.floor((i * rows) / 1000)}`);
    const lookups = (durationS: number) => ({ connections: 2, durationS, paths });
    const probes = (durationS: number) => ({ connections: 1, durationS, paths: ['/health', '/ready'] });
    const aloneSeconds = Math.min(maxAloneSeconds, loadSeconds);
    const [lookupAlone, probeAlone] = await Promise.all([wrk(server.url, lookups(aloneSeconds)), wrk(server.url, probes(aloneSeconds))]);

    const before = await servedVersion(server.url);
    // The same rows and a different hash (an empty line is skipped), so the whole file is loaded again.
    const next = `${DIR}/next.csv`;
    copyFileSync(source, next);
    appendFileSync(next, '\r\n');
    const reloadStarted = performance.now();
    renameSync(next, served);
    const beside = Promise.all([wrk(server.url, lookups(loadSeconds)), wrk(server.url, probes(loadSeconds))]);
    let reloadSeconds = NaN;
    for (;;) {
      const version = await servedVersion(server.url);
      if (version !== undefined && version !== before) {
        reloadSeconds = (performance.now() - reloadStarted) / 1000;
        break;
      }
      if (performance.now() - reloadStarted > 600_000) throw new Error('the reload did not finish within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [lookup, probe] = await beside;
    return {
      rows,
      startupSeconds,
      reloadSeconds,
      aloneSeconds,
      loadSeconds,
      reloadOutlastedLoads: reloadSeconds >= loadSeconds,
      lookupAloneP99: p99Of(lookupAlone),
      lookupP99: p99Of(lookup),
      probeAloneP99: p99Of(probeAlone),
      probeP99: p99Of(probe),
      failures: failuresOf(lookupAlone, probeAlone, lookup, probe),
    };
  } finally {
    await server.stop();
  }
}

export function renderReload(r: ReloadResult): string {
  const aim = AIMS.reloadLookupP99Ms;
  return [
    '',
    '## Serving through a reload',
    '',
    `A service started on ${f0(r.rows)} synthetic rows (${f1(r.startupSeconds)} s to ready) is given a new file of the same rows, renamed into place; it reloads in ${f1(r.reloadSeconds)} s (rename to the new version served). Two connections of lookups and one of /health and /ready (wrk) run for ${r.aloneSeconds} s alone, then for ${r.loadSeconds} s from the rename${r.reloadOutlastedLoads ? ', inside the reload' : ` (**longer than the reload** by ${f1(r.loadSeconds - r.reloadSeconds)} s: that part of the window is after it)`}. Aim (issue 26.4): lookup p99 during the reload ${aim.direction} ${aim.value} ms.`,
    '',
    '| Lookup p99 alone / during (ms) | During / alone | Probe p99 alone / during (ms) | Lookup and probe failures | Aim |',
    '|---:|---:|---:|---:|---|',
    `| ${ms(r.lookupAloneP99)} / **${ms(r.lookupP99)}** | ${f1(r.lookupP99 / r.lookupAloneP99)} | ${ms(r.probeAloneP99)} / **${ms(r.probeP99)}** | ${r.failures} | ${judge(aim, r.lookupP99)} |`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows = '100000', seconds = '10', entry = 'dist/main.js'] = process.argv.slice(2);
  const result = await measureReload([entry], { LOG_LEVEL: 'info', NODE_ENV: 'production' }, Number(rows), Number(seconds));
  process.stdout.write(`${JSON.stringify(result)}\n${renderReload(result)}`);
}
