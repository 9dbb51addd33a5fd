/**
 * Issue 26.2: whc-api against its peers in the same interleaved rounds, under wrk. Lookups and
 * each filter set the SQLite peer answers are loaded on three servers in turn, every round:
 * - whc-api as it runs by default, but for the answer cache (off: the peers compute every
 *   answer, so the service must too); the search queue is on, so refusals count against it;
 * - the ceiling (baseline-server.ts): a bare node:http server sending whc-api's bytes, headers
 *   included for lookups;
 * - the SQLite peer (sqlite-server.ts).
 * Throughput counts answers that carried rows (200) per second. Before any load, the answers
 * are checked equal (same-answers.ts); the run stops if they are not.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { currentRss, peakRss, startServer, waitReady, type Server } from '../processes.js';
import { FILTERED_PATHS } from '../search-mix.js';
import { wrk } from '../wrk.js';
import { expectSameLookupHeaders, expectSameRows } from './same-answers.js';

/** The filter sets the SQLite peer answers faithfully: all but the CSV page (SQL has no CSV writer). */
export const PEER_FILTER_SETS = FILTERED_PATHS.filter((path) => !path.includes('format='));
export const SERVERS = ['service', 'ceiling', 'sqlite'] as const;
export type PeerServer = (typeof SERVERS)[number];

export interface PeerLoad {
  /** Answers with a 200 per second. */
  readonly okRps: number;
  /** Share of answers that were not 200 (whc-api's refusals, 503). */
  readonly refusedShare: number;
  readonly p99: number;
}
export interface PeerWorkload {
  /** `lookups`, or the filter set's path. */
  readonly name: string;
  /** Each server's medians over the rounds. */
  readonly loads: Readonly<Record<PeerServer, PeerLoad>>;
  /**
   * whc-api's answers per second over the other server's, taken within each round and then the
   * median over the rounds: the two runs of a round are seconds apart, so the drift of a shared
   * machine between minutes cancels out of each ratio, as it does not out of a ratio of medians.
   */
  readonly ratios: Readonly<{ vsCeiling: number; vsSqlite: number }>;
}
export interface PeersResult {
  readonly dataFile: string;
  readonly rows: number;
  readonly rounds: number;
  readonly durationS: number;
  readonly connections: number;
  readonly workloads: readonly PeerWorkload[];
  /** Spawning the SQLite peer to its first `/ready` 200: reading, decoding, inserting, indexing. */
  readonly sqliteLoadMs: number;
  /** The peer's RSS once ready, and its peak over the rounds. */
  readonly sqliteReadyRssMb: number;
  readonly sqlitePeakRssMb: number;
}

/**
 * Rounds and lengths, the same in `npm run bench` and in the peers' own driver (run.ts here):
 * five rounds of 5 s (about nine minutes for the seven workloads), medians; smoke mode one round of 1 s (about 25 s).
 */
export const peerTiming = (smoke: boolean) => (smoke ? { rounds: 1, durationS: 1, warmUpS: 0 } : { rounds: 5, durationS: 5, warmUpS: 1 });

export interface PeersOptions {
  readonly dataFile: string;
  /** unique_numbers of the file, all or a sample spread over it: lookups pick among them. */
  readonly ids: readonly number[];
  readonly serviceArgv: string[];
  readonly serviceEnv: Record<string, string>;
  readonly rounds: number;
  readonly durationS: number;
  readonly warmUpS: number;
  readonly connections: number;
}

const MB = 1024 * 1024;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The median over rounds of `service`'s answers per second over `other`'s in the same round (PeerWorkload's `ratios`). */
export function ratioInRounds(service: readonly PeerLoad[], other: readonly PeerLoad[]): number {
  if (service.length !== other.length) throw new Error(`${service.length} rounds against ${other.length}`);
  return median(service.map((load, round) => load.okRps / (other[round] as PeerLoad).okRps));
}

/** A few ids spread over the file, for the answer checks. */
const sample = (ids: readonly number[]) => [...new Set([0, 1, 2, ids.length >> 1, ids.length - 1].map((i) => ids[i] as number))];

async function load(server: Server, paths: readonly string[], durationS: number, connections: number): Promise<PeerLoad> {
  const r = await wrk(server.url, { connections, durationS, paths });
  const ok = r.requests - r.non2xx;
  return { okRps: r.rps * (ok / Math.max(1, r.requests)), refusedShare: r.non2xx / Math.max(1, r.requests), p99: r.p99 };
}

/** The bodies whc-api answers for the filter sets, for the ceiling to send as they are. */
async function fixedAnswers(service: Server, file: string): Promise<void> {
  const answers: Record<string, { type: string; etag: string; body: string }> = {};
  for (const path of PEER_FILTER_SETS) {
    const response = await fetch(`${service.url}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer()).toString('base64');
    answers[path] = { type: response.headers.get('content-type') ?? '', etag: response.headers.get('etag') ?? '', body };
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync(file, JSON.stringify(answers));
}

export async function measurePeers(o: PeersOptions): Promise<PeersResult> {
  process.stderr.write('bench: peers (whc-api, the node:http ceiling, SQLite)\n');
  const started = performance.now();
  const sqlite = await startServer(['--import', 'tsx', 'scripts/bench/peers/sqlite-server.ts'], { DATA_FILE: o.dataFile });
  const servers: Partial<Record<PeerServer, Server>> = { sqlite };
  const fixed = `.bench/peer-fixed-answers-${process.pid}.json`;
  try {
    await waitReady(sqlite.url);
    const sqliteLoadMs = performance.now() - started;
    const sqliteReadyRssMb = currentRss(sqlite.child.pid ?? 0) / MB;
    /** The peer counts the rows it loaded; `ids` may be a sample of a large file. */
    const { rows } = (await (await fetch(`${sqlite.url}/ready`)).json()) as { rows: number };
    const service = await startServer(o.serviceArgv, { ...o.serviceEnv, ANSWER_CACHE_MB: '0' });
    servers.service = service;
    await waitReady(service.url);
    await fixedAnswers(service, fixed);
    const ceiling = await startServer(['--import', 'tsx', 'scripts/bench/baseline-server.ts'], {
      DATA_FILE: o.dataFile,
      FIXED_ANSWERS: fixed,
    });
    servers.ceiling = ceiling;
    await waitReady(ceiling.url);

    const lookups = o.ids.map((id) => `/query?unique_number=${id}`);
    await expectSameLookupHeaders(service.url, ceiling.url, sample(o.ids));
    // Every path the rounds measure: each lookup, each filter set.
    await expectSameRows(service.url, ceiling.url, [...lookups, ...PEER_FILTER_SETS]);
    await expectSameRows(service.url, sqlite.url, [...lookups, ...PEER_FILTER_SETS]);

    const workloads = [{ name: 'lookups', paths: lookups }, ...PEER_FILTER_SETS.map((path) => ({ name: path, paths: [path] }))];
    if (o.warmUpS > 0)
      for (const w of workloads) for (const name of SERVERS) await load(servers[name] as Server, w.paths, o.warmUpS, o.connections);
    const runs = workloads.map(() => ({ service: [] as PeerLoad[], ceiling: [] as PeerLoad[], sqlite: [] as PeerLoad[] }));
    for (let round = 0; round < o.rounds; round++) {
      process.stderr.write(`bench: peers, round ${round + 1} of ${o.rounds}\n`);
      for (const [i, w] of workloads.entries()) {
        // Each round starts with another server, so none is always measured right after the same one.
        for (let k = 0; k < SERVERS.length; k++) {
          const name = SERVERS[(k + round) % SERVERS.length] as PeerServer;
          runs[i]?.[name].push(await load(servers[name] as Server, w.paths, o.durationS, o.connections));
        }
      }
    }
    const combine = (loads: readonly PeerLoad[]): PeerLoad => ({
      okRps: median(loads.map((l) => l.okRps)),
      refusedShare: median(loads.map((l) => l.refusedShare)),
      p99: median(loads.map((l) => l.p99)),
    });
    return {
      dataFile: o.dataFile,
      rows,
      rounds: o.rounds,
      durationS: o.durationS,
      connections: o.connections,
      workloads: workloads.map((w, i) => {
        const { service = [], ceiling = [], sqlite = [] } = runs[i] ?? {};
        return {
          name: w.name,
          loads: { service: combine(service), ceiling: combine(ceiling), sqlite: combine(sqlite) },
          ratios: { vsCeiling: ratioInRounds(service, ceiling), vsSqlite: ratioInRounds(service, sqlite) },
        };
      }),
      sqliteLoadMs,
      sqliteReadyRssMb,
      sqlitePeakRssMb: peakRss(sqlite.child.pid ?? 0) / MB,
    };
  } finally {
    for (const server of Object.values(servers)) await server.stop();
    rmSync(fixed, { force: true });
  }
}
