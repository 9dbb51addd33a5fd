/**
 * The service's configuration, decoded once from the environment with io-ts. This is the only
 * module that reads `process.env`; everything else receives a frozen, typed `Config`.
 * Every problem is reported at once, so a bad deployment is fixed in one round.
 */
import * as t from 'io-ts';
// The fp-ts index loads every module (about 65 ms at start-up); io-ts already loads these.
import * as E from 'fp-ts/lib/Either.js';
import * as F from 'fp-ts/lib/function.js';

const DIGITS = /^[0-9]+$/;

function integerInRange(name: string, min: number, max: number): t.Type<number, string, unknown> {
  return new t.Type<number, string, unknown>(
    name,
    (u): u is number => Number.isSafeInteger(u) && (u as number) >= min && (u as number) <= max,
    (u, c) =>
      F.pipe(
        t.string.validate(u, c),
        E.chain((s) => {
          const n = DIGITS.test(s) ? Number(s) : NaN;
          return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `expected an integer from ${min} to ${max}`);
        }),
      ),
    String,
  );
}

const NonEmptyString = new t.Type<string, string, unknown>(
  'NonEmptyString',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.trim().length > 0 ? t.success(u) : t.failure(u, c, 'expected a non-empty value')),
  String,
);

/** `*`, or a comma-separated list of origins such as `https://maps.example.org` (scheme, host, optional port). */
const ORIGIN = /^https?:\/\/[^/\s,]+$/;
const CorsOrigins = new t.Type<readonly string[], string, unknown>(
  'CorsOrigins',
  (u): u is readonly string[] => Array.isArray(u),
  (u, c) =>
    F.pipe(
      t.string.validate(u, c),
      E.chain((s) => {
        const origins = s.split(',').map((o) => o.trim());
        if (origins.length === 1 && origins[0] === '*') return t.success(origins);
        const bad = origins.filter((o) => !ORIGIN.test(o));
        return bad.length === 0 ? t.success(origins) : t.failure(u, c, `expected * or origins like https://example.org, comma-separated; not origins: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
      }),
    ),
  (origins) => origins.join(','),
);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LogLevel = t.keyof(Object.fromEntries(LOG_LEVELS.map((l) => [l, null])) as Record<(typeof LOG_LEVELS)[number], null>, 'LogLevel');

const Environment = t.partial({
  PORT: integerInRange('Port', 0, 65535),
  HOST: NonEmptyString,
  DATA_FILE: NonEmptyString,
  CSV_PATH: NonEmptyString,
  LOG_LEVEL: LogLevel,
  SHUTDOWN_TIMEOUT_MS: integerInRange('Milliseconds', 0, 600_000),
  SHUTDOWN_DELAY_MS: integerInRange('Milliseconds', 0, 600_000),
  DATA_POLL_MS: integerInRange('Milliseconds', 0, 3_600_000),
  DATA_WATCH: t.keyof({ true: null, false: null }, 'Boolean'),
  DATA_DEBOUNCE_MS: integerInRange('Milliseconds', 0, 60_000),
  DATA_SETTLE_MS: integerInRange('Milliseconds', 0, 600_000),
  CORS_ORIGINS: CorsOrigins,
  ANSWER_CACHE_MB: integerInRange('Megabytes', 0, 65_536),
  SEARCH_CPU_PERCENT: integerInRange('Percent', 1, 100),
  RESPONSE_MEMORY_MB: integerInRange('Megabytes', 0, 65_536),
  DATA_MEMORY_MB: integerInRange('Megabytes', 0, 1_048_576),
});

export const DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataFile: 'data/whc-sites-2019.csv',
  logLevel: 'info',
  shutdownTimeoutMs: 10_000,
  shutdownDelayMs: 0,
  dataPollMs: 2000,
  dataWatch: true,
  dataDebounceMs: 200,
  dataSettleMs: 1000,
  corsOrigins: ['*'],
  answerCacheMb: 32,
  searchCpuPercent: 50,
  responseMemoryMb: 0,
  dataMemoryMb: 0,
} as const;

export interface Config {
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
  readonly host: string;
  readonly dataFile: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Longest wait for in-flight requests after SIGTERM before connections are cut. */
  readonly shutdownTimeoutMs: number;
  /** Pause between turning unready and closing the listener, for load balancers to notice. */
  readonly shutdownDelayMs: number;
  /** Stat the data file this often to notice changes (0: off); works where change events do not arrive. */
  readonly dataPollMs: number;
  /** Also react to change events on the data file's directory. */
  readonly dataWatch: boolean;
  /** Quiet time after a change before the file is loaded, so a burst of writes loads once. */
  readonly dataDebounceMs: number;
  /** A changed file is loaded only once its size and mtime have stayed the same this long (a writer may still be at work). */
  readonly dataSettleMs: number;
  /** Origins whose browser pages may read answers (CORS); `*` allows any. */
  readonly corsOrigins: readonly string[];
  /** Memory for computed answers (searches, facets, compressed codings), by ETag; 0 turns the cache off. */
  readonly answerCacheMb: number;
  /** Share of the main thread that computing answers may take (the rest stays for lookups); 100 turns the limit off. */
  readonly searchCpuPercent: number;
  /** Bound (MB) on the bytes held for answers in flight; past it data requests answer 503. 0: an eighth of the container's memory limit (256 MB without one). */
  readonly responseMemoryMb: number;
  /** Budget (MB) for a loaded dataset (bodies and query index); a larger file is refused. 0: half the container's memory limit, none without one. */
  readonly dataMemoryMb: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describe(errors: t.Errors): string[] {
  return errors.map((error) => {
    const name = error.context[1]?.key ?? '?';
    return `${name}=${JSON.stringify(error.value)}: ${error.message ?? 'invalid value'}`;
  });
}

/** Decodes `env` (unset and empty variables take their defaults); throws `ConfigError` listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable (`PORT=`) means "not set", as in most shells' and Kubernetes' habits.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const decoded = Environment.decode(present);
  if (E.isLeft(decoded)) throw new ConfigError(describe(decoded.left));
  const e = decoded.right;
  if (e.DATA_FILE !== undefined && e.CSV_PATH !== undefined && e.DATA_FILE !== e.CSV_PATH) {
    throw new ConfigError([`DATA_FILE=${JSON.stringify(e.DATA_FILE)} and CSV_PATH=${JSON.stringify(e.CSV_PATH)} disagree: set only DATA_FILE (CSV_PATH is the old name)`]);
  }
  return Object.freeze({
    port: e.PORT ?? DEFAULTS.port,
    host: e.HOST ?? DEFAULTS.host,
    dataFile: e.DATA_FILE ?? e.CSV_PATH ?? DEFAULTS.dataFile,
    logLevel: e.LOG_LEVEL ?? DEFAULTS.logLevel,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? DEFAULTS.shutdownTimeoutMs,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS ?? DEFAULTS.shutdownDelayMs,
    dataPollMs: e.DATA_POLL_MS ?? DEFAULTS.dataPollMs,
    dataWatch: e.DATA_WATCH === undefined ? DEFAULTS.dataWatch : e.DATA_WATCH === 'true',
    dataDebounceMs: e.DATA_DEBOUNCE_MS ?? DEFAULTS.dataDebounceMs,
    dataSettleMs: e.DATA_SETTLE_MS ?? DEFAULTS.dataSettleMs,
    corsOrigins: e.CORS_ORIGINS ?? DEFAULTS.corsOrigins,
    answerCacheMb: e.ANSWER_CACHE_MB ?? DEFAULTS.answerCacheMb,
    searchCpuPercent: e.SEARCH_CPU_PERCENT ?? DEFAULTS.searchCpuPercent,
    responseMemoryMb: e.RESPONSE_MEMORY_MB ?? DEFAULTS.responseMemoryMb,
    dataMemoryMb: e.DATA_MEMORY_MB ?? DEFAULTS.dataMemoryMb,
  });
}
