/**
 * Work beside probes and lookups (issues 24 and 26): each attack runs against the default
 * service and one without the search queue (SEARCH_CPU_PERCENT=100), the answer cache off so
 * every search is computed, while two connections look rows up and one alternates /health and
 * /ready. Probes and lookups are measured alone first on the same process, then beside the
 * attack; every load comes from wrk (separate processes) sharing the cores with the service. The
 * machine is shared and noisy: compare within a row (beside / alone) and between the two
 * variants of an attack, which run back to back.
 */
import { startServer, waitReady } from './processes.js';
import { wrk, type WrkResult } from './wrk.js';

export interface ContentionResult {
  readonly attack: string;
  readonly variant: string;
  /** The attack's requests answered 200 per second, and their share of its requests. */
  readonly attackOkRps: number;
  readonly attackOkShare: number;
  readonly lookupAloneP99: number;
  readonly lookupP99: number;
  readonly probeAloneP99: number;
  readonly probeP99: number;
  /** Lookups and probes that failed (socket error, timeout, or a status outside 2xx-3xx). */
  readonly failures: number;
  readonly aliveAtEnd: boolean;
}

export interface Attack {
  readonly name: string;
  readonly connections: number;
  readonly paths: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** Distinct expensive searches: more of them than the answer cache holds (each answer is 2.4 MB). */
export const EXPENSIVE_SEARCHES = Array.from(
  { length: 500 },
  (_, i) => `/query?near=48.8566,2.3522&radius_km=${20_000 + i / 10}&limit=1000`,
);

/** Issue 24.2's legitimate large searches: 1000-row CSV pages, facets, words sorted by area, GeoJSON `near`. */
const LARGE_SEARCHES = Array.from(
  { length: 400 },
  (_, i) =>
    [
      `/query?inscribed_from=${1978 + (i % 40)}&limit=1000&format=csv`,
      `/stats?inscribed_from=${1978 + (i % 40)}`,
      `/query?q=${['temple', 'city', 'park', 'cathedral'][i % 4] ?? 'temple'}&sort=-area_hectares&limit=${900 + i}`,
      `/query?near=48.8566,2.3522&radius_km=${20_000 + i / 10}&limit=1000&format=geojson`,
    ][i % 4] as string,
);

/** The issues' attacks; `filteredPaths` are the benchmark's typical searches (issue 26.1). */
export function attacks(filteredPaths: readonly string[]): Attack[] {
  return [
    { name: '50 connections of searches (the 7 filter sets)', connections: 50, paths: filteredPaths },
    { name: '200 connections of large searches (CSV, facets, words by area, GeoJSON near)', connections: 200, paths: LARGE_SEARCHES },
    {
      name: '20 connections of `near` searches, 2.4 MB each',
      connections: 20,
      paths: EXPENSIVE_SEARCHES,
      headers: { 'Accept-Encoding': 'identity' },
    },
    {
      name: '20 connections of `near` searches, 2.4 MB each, gzip',
      connections: 20,
      paths: EXPENSIVE_SEARCHES,
      headers: { 'Accept-Encoding': 'gzip' },
    },
    { name: '200 connections of /metrics', connections: 200, paths: ['/metrics'] },
  ];
}

export const VARIANTS = [
  ['search queue (default)', '50'],
  ['no queue (SEARCH_CPU_PERCENT=100)', '100'],
] as const;

const failuresOf = (...results: WrkResult[]) => results.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
/** A load that got no answer at all has no latency to report: it waited the whole run. */
const p99Of = (r: WrkResult) => (r.requests === 0 ? Infinity : r.p99);

export async function measureContention(
  argv: string[],
  env: Record<string, string>,
  ids: readonly number[],
  list: readonly Attack[],
  durationS: number,
): Promise<ContentionResult[]> {
  const lookups = { connections: 2, durationS, paths: ids.map((id) => `/query?unique_number=${id}`) };
  const probes = { connections: 1, durationS, paths: ['/health', '/ready'] };
  const results: ContentionResult[] = [];
  for (const attack of list) {
    for (const [variant, percent] of VARIANTS) {
      process.stderr.write(`bench: ${attack.name}, ${variant}\n`);
      const server = await startServer(argv, { ...env, ANSWER_CACHE_MB: '0', SEARCH_CPU_PERCENT: percent });
      try {
        await waitReady(server.url);
        const [lookupAlone, probeAlone] = await Promise.all([wrk(server.url, lookups), wrk(server.url, probes)]);
        const load = { connections: attack.connections, durationS, paths: attack.paths, headers: { ...attack.headers } };
        const [lookup, probe, work] = await Promise.all([wrk(server.url, lookups), wrk(server.url, probes), wrk(server.url, load)]);
        const aliveAtEnd = await fetch(`${server.url}/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        results.push({
          attack: attack.name,
          variant,
          attackOkRps: (work.requests - work.non2xx) / durationS,
          attackOkShare: work.requests === 0 ? 0 : (work.requests - work.non2xx) / work.requests,
          lookupAloneP99: p99Of(lookupAlone),
          lookupP99: p99Of(lookup),
          probeAloneP99: p99Of(probeAlone),
          probeP99: p99Of(probe),
          failures: failuresOf(lookupAlone, probeAlone, lookup, probe),
          aliveAtEnd,
        });
      } finally {
        await server.stop();
      }
    }
  }
  return results;
}
