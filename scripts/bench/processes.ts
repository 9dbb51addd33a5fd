/** Starting the servers under test and reading their memory, for the benchmark. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
}

/** How `npm start` names what Node starts: the service's startup snapshot (src/snapshot/entry.ts), built by `npm run build`. */
export const PRODUCTION_ENTRY = ['--snapshot-blob', 'dist/snapshot/whc-api.blob'] as const;

/**
 * The service's Node arguments as production starts it: `npm start` (the image's CMD, which
 * test/start-command.test.ts keeps equal to it) without its leading `node`, so that the bench
 * measures Node with the flags production runs it with, from the startup snapshot.
 */
export function productionArgv(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['start'] ?? '';
  const [node, ...argv] = start.split(' ');
  if (node !== 'node' || argv.slice(-PRODUCTION_ENTRY.length).join(' ') !== PRODUCTION_ENTRY.join(' '))
    throw new Error(`npm start is not \`node ... ${PRODUCTION_ENTRY.join(' ')}\`: ${start}`);
  return argv;
}

/** npm start's Node flags alone, for another entry point (dist/main.js) started as production starts Node. */
export function productionNodeFlags(): string[] {
  return productionArgv().slice(0, -PRODUCTION_ENTRY.length);
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts a server process on a free port. Its stdout (a JSON log line per request) goes to
 * /dev/null: reading it here would take CPU from the server being measured.
 */
export async function startServer(argv: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, argv, {
    env: { PATH: process.env['PATH'] ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`bench: ${argv.join(' ')} exited with ${code}\n`);
  });
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Resident set size of a live process now (VmRSS), in bytes. */
export function currentRss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Peak resident set size of a live process so far (VmHWM), in bytes. */
export function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

export async function waitReady(url: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The start-up reference: a bare Node process that reads the data file and listens (see the file). */
export const STARTUP_FLOOR = 'scripts/bench/startup-floor.mjs';

/**
 * Milliseconds from spawning `argv` to its `/ready` answering 200; the server is stopped after.
 * `onReady` sees it while it still runs (to read its memory).
 */
export async function timeToReady(
  argv: string[],
  env: Record<string, string>,
  onReady: (server: Server) => void = () => {},
): Promise<number> {
  const started = performance.now();
  const server = await startServer(argv, env);
  await waitReady(server.url);
  const elapsed = performance.now() - started;
  onReady(server);
  await server.stop();
  return elapsed;
}
