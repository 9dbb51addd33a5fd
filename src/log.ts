/** Structured JSON logs on stdout (pino): one object per line, for `kubectl logs` and log shippers. */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Longest a buffered log line waits before it is written. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Lines are buffered and written in batches of 4 KiB or every second, whichever comes first: a
 * write per request line halved the service's throughput in the benchmark (docs/benchmarks.md).
 * main.ts flushes the buffer before the process exits.
 */
export function createLogger(level: Config['logLevel']): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  // Epoch-millisecond `time` (pino's default): formatting an ISO date per line showed in profiles.
  return pino({ level, base: { service: 'whc-api' } }, destination);
}

/** A logger that drops everything, for tests that build apps directly. */
export const silentLogger: Logger = pino({ level: 'silent' });
