/** Structured JSON logs on stdout (pino): one object per line, for `kubectl logs` and log shippers. */
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config.js';
import { createBatchWriter } from './batch-writer.js';

export type { Logger };

/** Longest a buffered log line waits before it is written. */
const FLUSH_INTERVAL_MS = 1000;

let isoMs = 0;
let iso = new Date(0).toISOString();

/**
 * The time as ISO 8601 in UTC, formatted at most once per millisecond: formatting a date per line
 * showed in profiles of the lookup fast path, and at thousands of lines a second most share one.
 */
export function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}

/**
 * Levels as names (`"level":"info"`) and times as ISO 8601 (`"time":"2026-12-04T10:02:00.000Z"`):
 * what Loki, Grafana and people read without a mapping stage for pino's numbers and epoch ms.
 */
export function loggerOptions(level: Config['logLevel']): LoggerOptions {
  return {
    level,
    base: { service: 'whc-api' },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: () => `,"time":"${isoNow()}"`,
  };
}

/**
 * Lines are gathered and written to stdout in batches of 4 KiB, or each second, whichever comes
 * first (batch-writer.ts): a write per request line halved the service's throughput in the
 * benchmark. What is held is written at the process's `exit` event, which every process.exit and
 * an uncaught error emit; lifecycle.ts handles the signals whose default action would skip it.
 */
export function createLogger(level: Config['logLevel']): Logger {
  // Touching process.stdout makes a pipe on fd 1 non-blocking (libuv), on purpose: a reader that
  // falls behind then costs held or dropped lines, never a stalled service (batch-writer.ts).
  void process.stdout.fd;
  const destination = createBatchWriter(1, { droppedNotice: droppedNotice(level) });
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  process.on('exit', () => destination.flushSync());
  return pino(loggerOptions(level), destination);
}

/** The warning that stands for dropped lines, in the logger's own format: a pino line captured, not written. */
function droppedNotice(level: Config['logLevel']): (lines: number) => string {
  let line = '';
  const notice = pino(loggerOptions(level), { write: (text: string) => void (line = text) });
  return (lines) => {
    line = '';
    notice.warn({ droppedLines: lines }, 'log lines dropped: stdout was not read in time');
    return line;
  };
}

/** A logger that drops everything, for tests that build apps directly. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** The longest query string a request line keeps: a log line must not grow with what a client sends (URLs reach 8 KB). */
export const MAX_LOGGED_QUERY = 512;

/**
 * Writes one request line: what `logger.info({ reqId, method, path, query, status, ms, bytes, code }, 'request')`
 * writes. `query` is the raw query string, cut to MAX_LOGGED_QUERY characters by the caller; `bytes`
 * the body's size; `code` the problem code of an error answer, left out (as pino leaves out an
 * undefined field) otherwise.
 */
export type RequestLine = (
  reqId: string,
  method: string,
  path: string,
  query: string,
  status: number,
  ms: number,
  bytes: number,
  code?: string,
) => void;

const quoted = (token: string): string => `"${token}"`;

/**
 * The request line, written straight into the logger's destination as the string pino would
 * build for it (its level, time and bindings, then the fields and the message, in pino's order):
 * pino's general path (serialisers, hooks, a JSON encoder per value) was 6 % of the lookup fast
 * path's CPU under wrk. By default `method`, `path` and `query` must be plain tokens that need no
 * JSON escaping (the fast path's are constants and digits); Koa's requests pass `quote`
 * JSON.stringify, which is how pino quotes strings on Node 25 and later. `reqId` and `code`
 * never need escaping (request-id.ts's charset; problem codes). test/log/request-line.test.ts compares the
 * lines with pino's. Does nothing when `info` is off, like `logger.info`.
 */
export function requestLineWriter(logger: Logger, quote: (token: string) => string = quoted): RequestLine {
  if (!logger.isLevelEnabled('info')) return () => {};
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym];
  const internals = logger as unknown as Record<symbol, unknown>;
  const bindings = (internals[pino.symbols.chindingsSym] as string | undefined) ?? '';
  // The logger's own level and time formats (loggerOptions's, or pino's numbers and epoch ms).
  const levelOf = (internals[pino.symbols.formattersSym] as { level: (label: string, n: number) => object }).level;
  const level = JSON.stringify(levelOf('info', logger.levels.values['info'] ?? 30)).slice(0, -1);
  const time = internals[pino.symbols.timeSym] as () => string;
  if (stream === undefined) {
    return (reqId, method, path, query, status, ms, bytes, code) =>
      logger.info({ reqId, method, path, query, status, ms, bytes, code }, 'request');
  }
  return (reqId, method, path, query, status, ms, bytes, code) =>
    stream.write(
      `${level}${time()}${bindings},"reqId":"${reqId}","method":${quote(method)},"path":${quote(path)},"query":${quote(query)},"status":${status},"ms":${ms},"bytes":${bytes}${code === undefined ? '' : `,"code":"${code}"`},"msg":"request"}\n`,
    );
}
