/**
 * The first request of each kind after /ready against a warm one (issue 26.5): a fresh service
 * per run, each kind's first request timed, then the median of the next few (distinct, so the
 * answer cache does not answer them). Runs alternate kinds on one process; the ratio first /
 * warm is what to read, the machine being shared.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, waitReady } from './processes.js';

export interface ColdPathResult {
  readonly kind: string;
  /** Median over the runs of the first request's time, and of the warm ones' median. */
  readonly firstMs: number;
  readonly warmMs: number;
}

const WARM_SAMPLES = 7;

interface Kind {
  readonly name: string;
  /** The i-th request of this kind; distinct for each i. */
  readonly request: (i: number) => { path: string; init?: RequestInit };
}

const KINDS: readonly Kind[] = [
  // fetch asks for gzip and brotli: Koa answers (and compresses). Without Accept-Encoding, the search fast path does.
  { name: 'GET /query search', request: (i) => ({ path: `/query?category=Cultural&limit=${10 + i}` }) },
  {
    name: 'GET /query search, no Accept-Encoding (fast path)',
    request: (i) => ({ path: `/query?category=Natural&limit=${10 + i}`, init: { headers: { 'Accept-Encoding': '' } } }),
  },
  {
    name: 'POST /query',
    request: (i) => ({
      path: '/query',
      init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ region: 'Europe', limit: 10 + i }) },
    }),
  },
  { name: 'GET /query CSV', request: (i) => ({ path: `/query?format=csv&danger=true&limit=${10 + i}` }) },
  { name: 'GET /stats', request: (i) => ({ path: `/stats?inscribed_from=${1980 + i}` }) },
];

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function timed(url: string, request: { path: string; init?: RequestInit }): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${request.path}`, request.init);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${request.path} answered ${response.status}`);
  return performance.now() - started;
}

/**
 * fetch (undici) has first-use costs of its own (a JSON POST took 10 ms more the first time):
 * each kind is sent once to a throwaway server in this process first, so that only the
 * service's first use is measured.
 */
async function warmClient(): Promise<void> {
  const server = createServer((req, res) => req.resume().on('end', () => res.end('[]')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const kind of KINDS) await timed(url, kind.request(0));
  } finally {
    server.close();
  }
}

export async function measureColdPaths(argv: string[], env: Record<string, string>, runs: number): Promise<ColdPathResult[]> {
  await warmClient();
  const first = new Map<string, number[]>();
  const warm = new Map<string, number[]>();
  for (let run = 0; run < runs; run++) {
    process.stderr.write(`bench: first requests after /ready, run ${run + 1}\n`);
    const server = await startServer(argv, env);
    try {
      await waitReady(server.url);
      for (const kind of KINDS) first.set(kind.name, [...(first.get(kind.name) ?? []), await timed(server.url, kind.request(0))]);
      for (const kind of KINDS) {
        const samples: number[] = [];
        for (let i = 1; i <= WARM_SAMPLES; i++) samples.push(await timed(server.url, kind.request(i)));
        warm.set(kind.name, [...(warm.get(kind.name) ?? []), median(samples)]);
      }
    } finally {
      await server.stop();
    }
  }
  return KINDS.map((kind) => ({ kind: kind.name, firstMs: median(first.get(kind.name) ?? []), warmMs: median(warm.get(kind.name) ?? []) }));
}
