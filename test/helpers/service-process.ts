/**
 * Runs the real service as a child process, for lifecycle tests: `src/main.ts` under tsx by
 * default, or a built entry point (`dist/main.js`, or `--snapshot-blob=<blob>`, the startup
 * snapshot `npm start` and the image run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly logs: Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/**
 * `prefix`: a command that runs Node as its last arguments, e.g. one entering a cgroup first (test/helpers/cgroup.ts).
 * `nodeArgs`: Node options before the entry point (e.g. `--import` of a module that fails on purpose).
 */
export function spawnService(
  env: Record<string, string>,
  options: { builtEntry?: string; prefix?: readonly string[]; nodeArgs?: readonly string[] } = {},
): ServiceProcess {
  const entry = options.builtEntry === undefined ? ['--import', 'tsx', MAIN] : [options.builtEntry];
  const argv = [process.execPath, ...(options.nodeArgs ?? []), ...entry];
  const [command, ...args] = [...(options.prefix ?? []), ...argv] as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const waiter of waiters.filter((w) => w.predicate(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (predicate: (l: Record<string, unknown>) => boolean, timeoutMs = 15_000) => {
    const seen = logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      waiters.push({ predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then((code) => reject(new Error(`service exited with ${code} before the log line; stderr: ${stderr}`)));
    });
  };
  const url = waitForLog((l) => l['msg'] === 'listening').then((l) => String(l['url']));
  return { child, url, logs, stderr: () => stderr, exited, waitForLog };
}
