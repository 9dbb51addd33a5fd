/**
 * Issue 26.3 in the bench's scaling part: at each file size, the SQLite peer (sqlite-server.ts)
 * on the same file, right after whc-api's own figures, in the same sitting: its load to ready, its
 * RSS, and its searches per second on the scaling part's own searches, which it answers with the
 * same rows (checked first). The aims are ratios of the two: whc-api's RSS at most twice the file's
 * bytes plus the empty process, its load at least as fast as the peer's, its searches at least 3x.
 */
import { AIMS, judge, SCALING_AIM_MIN_ROWS, type Aim } from '../aims.js';
import { f0, f1, f2 } from '../format.js';
import { currentRss, peakRss, startServer, waitReady } from '../processes.js';
import { wrk } from '../wrk.js';
import { expectSameRows } from './same-answers.js';

export interface SqliteAtScale {
  /** Spawning the peer to its first `/ready` 200: reading, decoding, inserting, indexing. */
  readonly loadSeconds: number;
  readonly readyRssMb: number;
  readonly peakRssMb: number;
  /** The scaling part's distinct searches per second, as many connections as for whc-api. */
  readonly searchRps: number;
}

/** whc-api's figures at one size, as the scaling part measured them. */
export interface ServiceAtScale {
  readonly rows: number;
  readonly fileMb: number;
  readonly loadSeconds: number;
  readonly peakRssMb: number;
  readonly searchRps: number;
  readonly sqlite?: SqliteAtScale;
}

const MB = 1024 * 1024;

/**
 * The peer on `file`, while `serviceUrl` (whc-api on the same file) still answers: the rows of a
 * few of `searches` are compared first, then the peer alone is loaded with all of them.
 */
export async function measureSqliteAtScale(
  file: string,
  serviceUrl: string,
  searches: readonly string[],
  connections: number,
  durationS: number,
): Promise<SqliteAtScale> {
  process.stderr.write(`bench: the SQLite peer on ${file}\n`);
  const started = performance.now();
  const sqlite = await startServer(['--import', 'tsx', 'scripts/bench/peers/sqlite-server.ts'], { DATA_FILE: file });
  try {
    await waitReady(sqlite.url);
    const loadSeconds = (performance.now() - started) / 1000;
    const readyRssMb = currentRss(sqlite.child.pid ?? 0) / MB;
    await expectSameRows(serviceUrl, sqlite.url, [...new Set([searches[0], searches[1], searches[2], searches.at(-1)])] as string[]);
    const r = await wrk(sqlite.url, { connections, durationS, paths: searches });
    if (r.errors + r.non2xx > 0) throw new Error(`the SQLite peer failed ${r.errors + r.non2xx} searches on ${file}`);
    return { loadSeconds, readyRssMb, peakRssMb: peakRss(sqlite.child.pid ?? 0) / MB, searchRps: r.rps };
  } finally {
    await sqlite.stop();
  }
}

/** The verdict at a size the aims are set for; below those, in parentheses (SCALING_AIM_MIN_ROWS). */
const verdictAt = (rows: number, aim: Aim, figure: number) =>
  rows >= SCALING_AIM_MIN_ROWS ? judge(aim, figure) : `(${judge(aim, figure)})`;

/** The table of issue 26.3's aims, one row a size the peer ran on; `emptyRssMb` is the bundled-file service's RSS. */
export function renderScalingPeer(sizes: readonly ServiceAtScale[], emptyRssMb: number): string[] {
  const measured = sizes.filter((s) => s.sqlite !== undefined);
  if (measured.length === 0) return [];
  return [
    '### Against the SQLite peer (issue 26.3)',
    '',
    `At each size, right after whc-api's figures above, the SQLite peer (\`scripts/bench/peers/sqlite-server.ts\`) on the same file: load to ready, RSS, and the same distinct searches from as many connections (their rows checked equal first). The RSS aim is ${AIMS.rssOverFile.direction} ${AIMS.rssOverFile.value}x the file's bytes plus the empty process (the bundled-file service's peak RSS, ${f0(emptyRssMb)} MB); load at least as fast as the peer's; searches ${AIMS.searchesVsSqlite.direction} ${AIMS.searchesVsSqlite.value}x the peer's. The issue sets these aims at ${f0(SCALING_AIM_MIN_ROWS)} rows and more; below that, where the process's fixed costs weigh more than the file, the verdicts are in parentheses, for the trend.`,
    '',
    '| Rows | whc-api peak RSS / aim (MB) | RSS | whc-api / SQLite load (s) | Load | whc-api / SQLite searches req/s | Searches | SQLite RSS ready / peak (MB) |',
    '|---:|---:|---|---:|---|---:|---|---:|',
    ...measured.map((s) => {
      const q = s.sqlite as SqliteAtScale;
      const rssAim = AIMS.rssOverFile.value * s.fileMb + emptyRssMb;
      // Judged as the aim is set, RSS above the empty process per MB of file; the table shows the
      // same test as peak RSS against its budget, which is easier to read.
      const rssOverFile = (s.peakRssMb - emptyRssMb) / s.fileMb;
      const loadRatio = s.loadSeconds / q.loadSeconds;
      const searchRatio = s.searchRps / q.searchRps;
      return `| ${f0(s.rows)} | ${f0(s.peakRssMb)} / ${f0(rssAim)} (**${f2(s.peakRssMb / rssAim)}**) | ${verdictAt(s.rows, AIMS.rssOverFile, rssOverFile)} | ${f1(s.loadSeconds)} / ${f1(q.loadSeconds)} (**${f2(loadRatio)}**) | ${verdictAt(s.rows, AIMS.loadVsSqlite, loadRatio)} | ${f1(s.searchRps)} / ${f1(q.searchRps)} (**${f2(searchRatio)}**) | ${verdictAt(s.rows, AIMS.searchesVsSqlite, searchRatio)} | ${f0(q.readyRssMb)} / ${f0(q.peakRssMb)} |`;
    }),
    '',
  ];
}
