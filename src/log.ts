/** Structured JSON logs on stdout (pino): one object per line, for `kubectl logs` and log shippers. */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'whc-api' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything, for tests that build apps directly. */
export const silentLogger: Logger = pino({ level: 'silent' });
