/** Structured JSON logs on stdout (pino): one object per line, for `kubectl logs` and log shippers. */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Longest a buffered log line waits before it is written. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Lines are buffered and written in batches of 4 KiB or every second, whichever comes first: a
 * write per request line halved the service's throughput in the benchmark (docs/benchmarks.md).
 * pino writes the buffer at the process's `exit` event (on-exit-leak-free); main.ts handles the
 * signals whose default action would skip it.
 */
export function createLogger(level: Config['logLevel']): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  // Epoch-millisecond `time` (pino's default): formatting an ISO date per line showed in profiles.
  return pino({ level, base: { service: 'whc-api' } }, destination);
}

/** A logger that drops everything, for tests that build apps directly. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Writes one request line: what `logger.info({ method, path, status, ms }, 'request')` writes. */
export type RequestLine = (method: string, path: string, status: number, ms: number) => void;

const quoted = (token: string): string => `"${token}"`;

/**
 * The request line of the lookup fast path, written straight into the logger's destination as
 * the string pino would build for it (its level number, epoch time and bindings, then the four
 * fields and the message, in pino's order): pino's general path (serialisers, hooks, a JSON
 * encoder per value) was 6 % of the fast path's CPU under wrk. By default `method` and `path`
 * must be plain tokens that need no JSON escaping (the fast path's are constants); Koa's requests
 * pass `quote` JSON.stringify, which is how pino quotes strings on Node 25 and later.
 * test/log.test.ts compares the two lines. Does nothing when `info` is off, like `logger.info`.
 */
export function requestLineWriter(logger: Logger, quote: (token: string) => string = quoted): RequestLine {
  if (!logger.isLevelEnabled('info')) return () => {};
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym];
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const prefix = `{"level":${logger.levels.values['info']},"time":`;
  if (stream === undefined) return (method, path, status, ms) => logger.info({ method, path, status, ms }, 'request');
  return (method, path, status, ms) =>
    stream.write(
      `${prefix}${Date.now()}${bindings},"method":${quote(method)},"path":${quote(path)},"status":${status},"ms":${ms},"msg":"request"}\n`,
    );
}
