/** The peers' table of docs/benchmarks.md: each ratio against its aim (issue 26.2). */
import { AIMS, judge, type Aim } from '../aims.js';
import { f0, f1, f2 } from '../format.js';
import type { PeerLoad, PeersResult } from './measure.js';

const judged = (ratio: number, aim: Aim) => `**${f2(ratio)}** (aim ${aim.value}: ${judge(aim, ratio)})`;
const refused = (l: PeerLoad) => `${f0(l.refusedShare * 100)} %`;

export interface AimCheck {
  readonly what: string;
  readonly ratio: number;
  readonly aim: Aim;
}

/** Every ratio issue 26.2 sets an aim for, with it. */
export function peerAims(r: PeersResult): AimCheck[] {
  return r.workloads.flatMap<AimCheck>(({ name, ratios: { vsCeiling, vsSqlite } }) =>
    name === 'lookups'
      ? [
          { what: 'lookups / ceiling', ratio: vsCeiling, aim: AIMS.lookupVsCeiling },
          { what: 'lookups / SQLite', ratio: vsSqlite, aim: AIMS.lookupVsSqlite },
        ]
      : [{ what: `${name} / SQLite`, ratio: vsSqlite, aim: AIMS.filterSetVsSqlite }],
  );
}

export function renderPeers(r: PeersResult): string[] {
  return [
    '## Peers: the node:http ceiling and SQLite (issue 26.2)',
    '',
    `${f0(r.rows)} rows (\`${r.dataFile}\`); wrk, ${r.connections} connections, ${r.rounds} interleaved round${r.rounds === 1 ? '' : 's'} of ${r.durationS} s per server and workload (each round loads every workload on whc-api, the ceiling and the SQLite peer in turn). Answers per second are each server's median over the rounds; each ratio is the median of the ratios taken within each round, whose runs are seconds apart, so that the machine's drift between minutes cancels out of it. The machine is shared (2 cores, with the load generator and other work): read the ratios, which come from the same rounds, not the absolute figures.`,
    '',
    '- **whc-api**: as `npm start` starts it (its startup snapshot), with its defaults (request log, metrics, the search queue on) but the answer cache off (`ANSWER_CACHE_MB=0`): the peers compute every answer, so it does too. A refused search (503) is not an answer.',
    "- **Ceiling**: `scripts/bench/baseline-server.ts`, a bare `node:http` server sending whc-api's bytes from memory; a lookup carries whc-api's own headers, checked equal on the socket (names, values, order and byte count; Date and X-Request-Id equal in shape and length) before the rounds.",
    "- **SQLite**: `scripts/bench/peers/sqlite-server.ts`, better-sqlite3 in memory: a typed table, indexes on the filtered columns, folded list values in an indexed table, FTS5 for words, prepared statements, rows by `json_object`, the total by `count(*) OVER ()`. Its rows and totals are checked equal to whc-api's (parsed, field by field, in order) for every workload before the rounds.",
    '',
    '| Work | whc-api 200/s | Ceiling 200/s | SQLite 200/s | whc-api / ceiling | whc-api / SQLite | whc-api refused | whc-api / SQLite p99 (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.workloads.map(({ name, loads: { service, ceiling, sqlite }, ratios: { vsCeiling, vsSqlite } }) => {
      const lookups = name === 'lookups';
      return `| ${lookups ? 'lookups, random ids' : `\`${name}\``} | ${f0(service.okRps)} | ${f0(ceiling.okRps)} | ${f0(sqlite.okRps)} | ${lookups ? judged(vsCeiling, AIMS.lookupVsCeiling) : f2(vsCeiling)} | ${judged(vsSqlite, lookups ? AIMS.lookupVsSqlite : AIMS.filterSetVsSqlite)} | ${refused(service)} | ${f1(service.p99)} / ${f1(sqlite.p99)} |`;
    }),
    '',
    `SQLite peer: load to ready (process start to its first \`/ready\` 200: read, decode, insert, index) **${f0(r.sqliteLoadMs)} ms**; RSS once ready ${f0(r.sqliteReadyRssMb)} MB, peak over the rounds ${f0(r.sqlitePeakRssMb)} MB.`,
    '',
  ];
}

/** One line per aim of `peerAims`, met or missed, for a terminal (peers/run.ts). */
export function renderPeerAims(r: PeersResult): string[] {
  return peerAims(r).map((a) => `${a.what}: ${f2(a.ratio)} (aim ${a.aim.value}: ${judge(a.aim, a.ratio)})`);
}
