/**
 * The service's configuration, decoded once from the environment with io-ts. The entry points
 * (main.ts, snapshot/entry.ts) hand this module `process.env`, and nothing else in src/ reads it
 * (test/architecture.test.ts checks): everything else receives a frozen, typed `Config`.
 * Every problem is reported at once, so a bad deployment is fixed in one round.
 *
 * One codec states each setting once: its type, its rule and its default. `Config` is the
 * codec's own type, and each setting's variable is its name in capitals (`dataPollMs` is
 * DATA_POLL_MS), so a new setting is one line here.
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
          return Number.isSafeInteger(n) && n >= min && n <= max
            ? t.success(n)
            : t.failure(u, c, `expected an integer from ${min} to ${max}`);
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
        return bad.length === 0
          ? t.success(origins)
          : t.failure(
              u,
              c,
              `expected * or origins like https://example.org, comma-separated; not origins: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
            );
      }),
    ),
  (origins) => origins.join(','),
);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LogLevel = t.keyof(Object.fromEntries(LOG_LEVELS.map((l) => [l, null])) as Record<(typeof LOG_LEVELS)[number], null>, 'LogLevel');

const BooleanFlag = new t.Type<boolean, string, unknown>(
  'Boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === 'true' || u === 'false' ? t.success(u === 'true') : t.failure(u, c, 'expected true or false')),
  String,
);

/** `codec`, with `fallback` for a variable that is not set. */
function withDefault<A, O>(codec: t.Type<A, O, unknown>, fallback: A): t.Type<A, O, unknown> {
  return new t.Type<A, O, unknown>(
    codec.name,
    codec.is,
    (u, c) => (u === undefined ? t.success(fallback) : codec.validate(u, c)),
    codec.encode,
  );
}

const Milliseconds = (max: number) => integerInRange('Milliseconds', 0, max);
const Megabytes = (max: number) => integerInRange('Megabytes', 0, max);

export const Config = t.readonly(
  t.type({
    /** TCP port; 0 picks a free one (tests). */
    port: withDefault(integerInRange('Port', 0, 65535), 3000),
    host: withDefault(NonEmptyString, '127.0.0.1'),
    /** Also read from CSV_PATH, the old service's name for it. */
    dataFile: withDefault(NonEmptyString, 'data/whc-sites-2019.csv'),
    logLevel: withDefault(LogLevel, 'info'),
    /** Longest wait for in-flight requests after SIGTERM before connections are cut. */
    shutdownTimeoutMs: withDefault(Milliseconds(600_000), 10_000),
    /** Pause between turning unready and closing the listener, for load balancers to notice. */
    shutdownDelayMs: withDefault(Milliseconds(600_000), 0),
    /** Stat the data file this often to notice changes (0: off); works where change events do not arrive. */
    dataPollMs: withDefault(Milliseconds(3_600_000), 2000),
    /** Also react to change events on the data file's directory. */
    dataWatch: withDefault(BooleanFlag, true),
    /** Quiet time after a change before the file is loaded, so a burst of writes loads once. */
    dataDebounceMs: withDefault(Milliseconds(60_000), 200),
    /** A changed file is loaded only once its size and mtime have stayed the same this long (a writer may still be at work). */
    dataSettleMs: withDefault(Milliseconds(600_000), 1000),
    /** Origins whose browser pages may read answers (CORS); `*` allows any. */
    corsOrigins: withDefault(CorsOrigins, ['*']),
    /** Memory for computed answers (searches, facets, compressed codings), by ETag; 0 turns the cache off. */
    answerCacheMb: withDefault(Megabytes(65_536), 32),
    /**
     * Share of the main thread that computing answers may take while other requests wait (the rest
     * stays for probes and lookups); 100 turns the queue off.
     */
    searchCpuPercent: withDefault(integerInRange('Percent', 1, 100), 50),
    /** Longest a search may wait for its turn; one that would wait longer answers 503 at once (0: any wait is refused). */
    searchWaitMs: withDefault(Milliseconds(600_000), 2000),
    /**
     * Bound (MB) on the bytes held for answers in flight; past it data requests answer 503.
     * 0: an eighth of the container's memory limit (256 MB without one).
     */
    responseMemoryMb: withDefault(Megabytes(65_536), 0),
    /**
     * Budget (MB) for a loaded dataset (bodies and query index); a larger file is refused.
     * 0: half the container's memory limit, none without one.
     */
    dataMemoryMb: withDefault(Megabytes(1_048_576), 0),
  }),
  'Config',
);
export type Config = t.TypeOf<typeof Config>;
type Setting = keyof Config;

/** The variable a setting is read from: `shutdownTimeoutMs` is SHUTDOWN_TIMEOUT_MS. */
export const variableOf = (setting: Setting): string => setting.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();

/** DATA_FILE's old name, still read when DATA_FILE is not set. */
const OLD_DATA_FILE = 'CSV_PATH';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Decodes `env` (unset and empty variables take their defaults); throws `ConfigError` listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable (`PORT=`) means "not set", as in most shells' and Kubernetes' habits.
  const read = (name: string) => (env[name] === '' ? undefined : env[name]);
  const [newName, oldName] = [read(variableOf('dataFile')), read(OLD_DATA_FILE)];
  const problems: string[] = [];
  if (newName !== undefined && oldName !== undefined && newName !== oldName) {
    problems.push(
      `DATA_FILE=${JSON.stringify(newName)} and CSV_PATH=${JSON.stringify(oldName)} disagree: set only DATA_FILE (CSV_PATH is the old name)`,
    );
  }
  // Each setting's value and the variable it came from, to name in errors.
  const sources = new Map<string, string>();
  const input: Record<string, string | undefined> = {};
  for (const setting of Object.keys(Config.type.props) as Setting[]) {
    const variable = setting === 'dataFile' && newName === undefined && oldName !== undefined ? OLD_DATA_FILE : variableOf(setting);
    sources.set(setting, variable);
    input[setting] = read(variable);
  }
  const decoded = Config.decode(input);
  if (E.isLeft(decoded)) {
    for (const error of decoded.left) {
      const setting = error.context[1]?.key ?? '?';
      problems.push(`${sources.get(setting) ?? setting}=${JSON.stringify(error.value)}: ${error.message ?? 'invalid value'}`);
    }
  }
  if (problems.length > 0 || E.isLeft(decoded)) throw new ConfigError(problems);
  return Object.freeze(decoded.right);
}

/** Every setting's default: the configuration of an empty environment. */
export const DEFAULTS: Config = loadConfig({});
