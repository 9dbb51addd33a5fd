/**
 * wrk (Debian's package, C): a load generator that does not run out of CPU before a Node.js
 * server does, as autocannon (JavaScript, one thread) does on two cores. Requests pick a random
 * path from a list, through a Lua script; the script's `done` prints the figures as JSON.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

export interface WrkResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  /** Answers with a status outside 200-399. */
  readonly non2xx: number;
  readonly requests: number;
}

const run = promisify(execFile);
let scripts = 0;

export function hasWrk(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (error: { stdout?: string }) => (error.stdout ?? '').includes('wrk'), // wrk --version exits 1
  );
}

export interface WrkRequest {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function luaScript(requests: readonly WrkRequest[], headers: Readonly<Record<string, string>>): string {
  const quoted = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string for these characters
  const table = (h: Readonly<Record<string, string>>) =>
    `{ ${Object.entries(h)
      .map(([n, v]) => `[${quoted(n)}] = ${quoted(v)}`)
      .join(', ')} }`;
  return [
    `local requests = { ${requests.map((r) => `{ ${quoted(r.path)}, ${table({ ...headers, ...r.headers })} }`).join(',\n')} }`,
    'math.randomseed(os.time())',
    'request = function() local r = requests[math.random(#requests)]; return wrk.format("GET", r[1], r[2]) end',
    'done = function(summary, latency, requests)',
    '  io.write(string.format(\'WRK_JSON{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d,"non2xx":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))',
    'end',
    '',
  ].join('\n');
}

export async function wrk(
  url: string,
  options: {
    connections: number;
    durationS: number;
    paths?: readonly string[];
    requests?: readonly WrkRequest[];
    headers?: Record<string, string>;
  },
): Promise<WrkResult> {
  mkdirSync('.bench', { recursive: true });
  const script = `.bench/wrk-${process.pid}-${scripts++}.lua`;
  const requests = options.requests ?? (options.paths ?? []).map((path) => ({ path }));
  writeFileSync(script, luaScript(requests, options.headers ?? {}));
  const { stdout } = await run(
    'wrk',
    ['-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--timeout', '10s', '-s', script, url],
    { maxBuffer: 1 << 20 },
  );
  rmSync(script, { force: true });
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON'));
  if (line === undefined) throw new Error(`wrk printed no figures:\n${stdout}`);
  const r = JSON.parse(line.slice('WRK_JSON'.length)) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p99Us: number;
    errors: number;
    non2xx: number;
  };
  return {
    rps: r.requests / (r.durationUs / 1e6),
    p50: r.p50Us / 1000,
    p99: r.p99Us / 1000,
    errors: r.errors,
    non2xx: r.non2xx,
    requests: r.requests,
  };
}
