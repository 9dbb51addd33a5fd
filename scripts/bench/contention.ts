/**
 * Searches beside lookups: lookup latency alone, then with expensive searches running at the same
 * time (distinct `near` + wide radius + limit=1000, so the cache does not answer them), on a
 * service with the CPU budget for searches (the default) and one without (SEARCH_CPU_PERCENT=100),
 * the searches uncompressed and gzip. Both loads come from wrk, in two processes: autocannon in one
 * process saturated itself first and measured its own latency.
 */
import { startServer, waitReady } from './processes.js';
import { wrk } from './wrk.js';

export interface ContentionResult {
  readonly variant: string;
  readonly lookupAloneP99: number;
  readonly lookupAloneRps: number;
  readonly lookupP99: number;
  readonly lookupRps: number;
  readonly searchOkRps: number;
  readonly searchRefusedRps: number;
  readonly lookupErrors: number;
}

const LOOKUP_CONNECTIONS = 10;
const SEARCH_CONNECTIONS = 20;

/** Distinct expensive searches: more of them than the answer cache holds (each answer is 2.4 MB). */
export const EXPENSIVE_SEARCHES = Array.from(
  { length: 500 },
  (_, i) => `/query?near=48.8566,2.3522&radius_km=${20_000 + i / 10}&limit=1000`,
);

export async function measureContention(
  argv: string[],
  env: Record<string, string>,
  ids: readonly number[],
  durationS: number,
): Promise<ContentionResult[]> {
  const lookups = { connections: LOOKUP_CONNECTIONS, durationS, paths: ids.map((id) => `/query?unique_number=${id}`) };
  const results: ContentionResult[] = [];
  // Uncompressed, searches cost the event loop (computing, copying, writing); gzip moves most of
  // the cost to zlib's thread, which the one-compression-at-a-time queue bounds.
  for (const [budget, percent, encoding] of [
    ['CPU budget (default, 50 %)', '50', 'identity'],
    ['no budget (SEARCH_CPU_PERCENT=100)', '100', 'identity'],
    ['CPU budget (default, 50 %)', '50', 'gzip'],
    ['no budget (SEARCH_CPU_PERCENT=100)', '100', 'gzip'],
  ] as const) {
    const variant = `${budget}, searches ${encoding}`;
    const searches = { connections: SEARCH_CONNECTIONS, durationS, paths: EXPENSIVE_SEARCHES, headers: { 'Accept-Encoding': encoding } };
    process.stderr.write(`bench: searches beside lookups, ${variant}\n`);
    const server = await startServer(argv, { ...env, SEARCH_CPU_PERCENT: percent });
    try {
      await waitReady(server.url);
      await wrk(server.url, { ...lookups, durationS: 1 });
      const alone = await wrk(server.url, lookups);
      const [beside, expensive] = await Promise.all([wrk(server.url, lookups), wrk(server.url, searches)]);
      results.push({
        variant,
        lookupAloneP99: alone.p99,
        lookupAloneRps: alone.rps,
        lookupP99: beside.p99,
        lookupRps: beside.rps,
        searchOkRps: (expensive.requests - expensive.non2xx) / durationS,
        searchRefusedRps: expensive.non2xx / durationS,
        lookupErrors: beside.errors + beside.non2xx,
      });
    } finally {
      await server.stop();
    }
  }
  return results;
}
