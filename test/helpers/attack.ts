/**
 * Runs an attack against a real service process while a few clients keep looking rows up, and
 * measures what the attacks broke: peak RSS, lookup latency and failures during the
 * attack, and whether the process is alive at the end. Loopback only; every attack is bounded.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

const MB = 1024 * 1024;
const rssOf = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

export interface AttackFigures {
  peakRssMb: number;
  rssBeforeMb: number;
  lookups: number;
  lookupFailures: number;
  lookupP99Ms: number;
  /** One client alternating /health and /ready throughout, as a kubelet would (more often). */
  probes: number;
  probeFailures: number;
  probeP99Ms: number;
  aliveAtEnd: boolean;
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? NaN;

/** One GET; resolves with its status (0 for a socket error or a 10 s timeout). */
export function get(url: string, agent?: Agent, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function underAttack(url: string, pid: number, ids: readonly number[], attack: () => Promise<void>): Promise<AttackFigures> {
  const rssBefore = rssOf(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => {
    try {
      const rss = rssOf(pid);
      if (!Number.isNaN(rss)) peak = Math.max(peak, rss);
    } catch {
      /* exited: judged below */
    }
  }, 20);
  const agent = new Agent({ keepAlive: true, maxSockets: 5 });
  const latencies: number[] = [];
  let failures = 0;
  let attacking = true;
  const lookups = Array.from({ length: 4 }, async (_, c) => {
    for (let i = c; attacking; i += 4) {
      const started = performance.now();
      const status = await get(`${url}/query?unique_number=${ids[(i * 7919) % ids.length]}`, agent);
      latencies.push(performance.now() - started);
      if (status !== 200) failures++;
    }
  });
  const probeLatencies: number[] = [];
  let probeFailures = 0;
  const probes = (async () => {
    for (let i = 0; attacking; i++) {
      const started = performance.now();
      const status = await get(`${url}${i % 2 === 0 ? '/health' : '/ready'}`, agent);
      probeLatencies.push(performance.now() - started);
      if (status !== 200) probeFailures++;
    }
  })();
  try {
    await attack();
  } finally {
    attacking = false;
    await Promise.all([...lookups, probes]);
    clearInterval(sampler);
    agent.destroy();
  }
  const alive = (await get(`${url}/health`)) === 200;
  return {
    peakRssMb: Math.round(peak / MB),
    rssBeforeMb: Math.round(rssBefore / MB),
    lookups: latencies.length,
    lookupFailures: failures,
    lookupP99Ms: Math.round(p99(latencies) * 10) / 10,
    probes: probeLatencies.length,
    probeFailures,
    probeP99Ms: Math.round(p99(probeLatencies) * 10) / 10,
    aliveAtEnd: alive,
  };
}

/**
 * `clients` connections each write `perClient` pipelined requests at once and never read the
 * answers, for `holdMs`; then they close. Node parses every request already received and keeps
 * each answer until the socket drains: the 20 x 50 `limit=1000` took RSS to 2.4 GB.
 */
export async function pipeliningNonReaders(
  port: number,
  clients: number,
  perClient: number,
  holdMs: number,
  path: (client: number, i: number) => string,
  acceptEncoding = 'identity',
): Promise<void> {
  await Promise.all(
    Array.from(
      { length: clients },
      (_, c) =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            let requests = '';
            for (let i = 0; i < perClient; i++)
              requests += `GET ${path(c, i)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: ${acceptEncoding}\r\n\r\n`;
            socket.write(requests);
            socket.pause(); // never read: the answers pile up on the server side
          });
          socket.on('error', () => undefined);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, holdMs);
        }),
    ),
  );
}

/** `connections` loops sending `path()` until `durationMs` is over; counts statuses. */
export async function flood(
  url: string,
  connections: number,
  durationMs: number,
  path: () => string,
  headers: Record<string, string> = {},
): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses: Record<string, number> = {};
  const end = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const status = await get(`${url}${path()}`, agent, headers);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return statuses;
}
