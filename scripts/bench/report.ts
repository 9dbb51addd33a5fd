/** Renders benchmark results as Markdown tables and a small SVG bar chart. */
export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly peakRssMb: number;
}
export interface ScenarioResult {
  readonly name: string;
  readonly service: LoadResult;
  readonly baseline: LoadResult;
  /** The same scenario loaded by wrk, when it is installed. */
  readonly wrk?: { readonly service: LoadResult; readonly baseline: LoadResult };
}
/** One filter set of the uncached scenario under wrk alone: which of them costs what. */
export interface FilterSetResult {
  readonly path: string;
  readonly serviceRps: number;
  readonly baselineRps: number;
  /** The bare search server (scripts/bench/search-engine-server.ts): the service's search alone. */
  readonly searchEngineRps: number;
}
export interface ScalingResult {
  readonly rows: number;
  readonly fileMb: number;
  readonly loadSeconds: number;
  readonly peakRssMb: number;
  readonly rps: number;
  /** A service on the bundled file, measured in the rounds alternating with this one. */
  readonly referenceRps: number;
  /** The first search after start-up, its whole answer. */
  readonly firstSearchMs: number;
  /** Distinct (uncached) searches per second, 4 connections. */
  readonly searchRps: number;
  readonly rssAfterSearchesMb: number;
  /** The SQLite peer on the same file, right after (peers/scaling.ts); absent without wrk. */
  readonly sqlite?: SqliteAtScale;
}
export type { ContentionResult } from './contention.js';
import type { ColdPathResult } from './cold-paths.js';
import { VARIANTS, type ContentionResult } from './contention.js';
import { AIMS, judge } from './aims.js';
import { f0, f1, f2, ms } from './format.js';
import type { PeersResult } from './peers/measure.js';
import { renderPeers } from './peers/render.js';
import { renderScalingPeer, type SqliteAtScale } from './peers/scaling.js';

export interface BenchReport {
  readonly date: string;
  readonly machine: string;
  readonly node: string;
  readonly settings: string;
  readonly scenarios: readonly ScenarioResult[];
  /** Empty without wrk. */
  readonly filterSets: readonly FilterSetResult[];
  /** whc-api, the ceiling and the SQLite peer (peers/measure.ts); none without wrk. */
  readonly peers?: PeersResult;
  readonly startup: {
    readonly medianMs: number;
    readonly runs: readonly number[];
    /**
     * The same measure for a bare Node.js process that reads the file and listens
     * (scripts/bench/startup-floor.mjs), alternating with the service.
     */
    readonly floorMedianMs: number;
    readonly floorRuns: readonly number[];
    readonly peakRssMb: number;
  };
  readonly scaling: readonly ScalingResult[];
  readonly contention: readonly ContentionResult[];
  readonly coldPaths: readonly ColdPathResult[];
}

/** Probes and lookups beside each attack, with the search queue and without (contention.ts). */
export function renderContention(contention: readonly ContentionResult[]): string[] {
  const pair = (c: ContentionResult) => contention.find((o) => o.attack === c.attack && o !== c);
  return [
    '## Probes and lookups beside searches: the search queue',
    '',
    'Each attack runs on a fresh service with the answer cache off (every search computed), once with the search queue (the default) and once without it (`SEARCH_CPU_PERCENT=100`), back to back. On the same process, 2 connections of lookups and 1 alternating `/health` and `/ready` run alone first, then beside the attack; all loads are wrk processes sharing the 2 cores with the service (and, here, with other work on the machine: read the ratios, not the milliseconds).',
    '',
    '| Attack | Service | Attack answered 200 per s (share) | vs no queue | Lookup p99 alone / beside (ms) | Probe p99 alone / beside (ms) | Probe p99 beside / alone | Lookup and probe failures | Alive |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...contention.map((c) => {
      const other = pair(c);
      return `| ${c.attack} | ${c.variant} | ${f0(c.attackOkRps)} (${f0(c.attackOkShare * 100)} %) | ${other === undefined || c.variant !== VARIANTS[0][0] ? '-' : f2(c.attackOkRps / other.attackOkRps)} | ${ms(c.lookupAloneP99)} / **${ms(c.lookupP99)}** | ${ms(c.probeAloneP99)} / **${ms(c.probeP99)}** | ${Number.isFinite(c.probeP99) ? f1(c.probeP99 / c.probeAloneP99) : '-'} | ${c.failures} | ${c.aliveAtEnd ? 'yes' : '**no**'} |`;
    }),
    '',
    "Computing an answer is synchronous: while a page renders, nothing else runs. With the queue (`src/http/cpu-budget.ts`), searches, facets and `/metrics` do not compute where their request arrives but wait in one queue and run in turns (`setImmediate`); between two turns Node reads every ready socket, so probes and lookups, which never queue, are answered within a turn (at most 5 ms of computations, at least one). While other requests wait, a turn keeps searches to `SEARCH_CPU_PERCENT` of the thread; alone they get all of it. A search that could not start within `SEARCH_WAIT_MS` (2 s) answers 503 with `Retry-After`, at once when the queue's pace says so; `/metrics` waits its turn but is never refused.",
    '',
    "Where the loop is held (2026-12-04, under the 200-connection mix with the queue): a 5 ms interval timer in the service saw iterations of 80-190 ms about twice a second, and the CPU profile of those busy stretches is rendering and copying pages (Buffer writes), socket writes and the garbage collector (11 % of the samples); a turn itself is at most 5 ms plus one computation (a 1000-row GeoJSON page, about 10 ms here). Refusals did not hold it: the same attack with `SEARCH_WAIT_MS` 2000 and 60000, alternating twice in the same minutes, gave probe p99s of 25-37 ms either way (most of its 503s are the memory bound's, `RESPONSE_MEMORY_MB`). Between runs minutes apart, the same attack's probe p99 moved from 80 to 257 ms with the load of the machine.",
    '',
  ];
}

/** The first request of each kind after /ready against a warm one (cold-paths.ts). */
export function renderColdPaths(coldPaths: readonly ColdPathResult[]): string[] {
  const aim = AIMS.firstRequestVsWarm;
  return [
    '## First requests after /ready',
    '',
    "A fresh service per run, started as `npm start` starts it (from the startup snapshot, `src/snapshot/`); once `/ready` answers 200, the first request of each kind, then 7 more of that kind with distinct parameters (none answered from the cache), one at a time. Medians over the runs. The code is warmed up before the dataset is served (`src/http/warm-up.ts`), by the snapshot's build for its dataset.",
    '',
    `| Request | First (ms) | Warm (ms) | First / warm | Aim: ${aim.direction} ${aim.value}x |`,
    '|---|---:|---:|---:|---|',
    ...coldPaths.map(
      (c) => `| ${c.kind} | ${f1(c.firstMs)} | ${f1(c.warmMs)} | **${f2(c.firstMs / c.warmMs)}** | ${judge(aim, c.firstMs / c.warmMs)} |`,
    ),
    '',
  ];
}

/** Start-up against the floor, measured alternating in the same rounds, and the aim's verdict. */
export function renderStartup(startup: BenchReport['startup']): string[] {
  const ratio = startup.medianMs / startup.floorMedianMs;
  const aim = AIMS.startupVsFloor;
  return [
    '## Start-up',
    '',
    `Process start to \`/ready\` answering 200 on the bundled CSV, started as \`npm start\` starts it (from the service's startup snapshot, \`src/snapshot/\`): median **${f0(startup.medianMs)} ms** over ${startup.runs.length} runs (${startup.runs.map(f0).join(', ')} ms); peak RSS ${f0(startup.peakRssMb)} MB.`,
    '',
    `In the same rounds, alternating with it, a bare Node.js process that reads the file's bytes without parsing them, listens and answers \`/ready\` (\`scripts/bench/startup-floor.mjs\`) took a median of ${f0(startup.floorMedianMs)} ms (${startup.floorRuns.map(f0).join(', ')} ms). That is Node's own boot on this machine at that moment; the service's own work (deserializing the snapshot's modules, dataset and compiled code, checking that the file still holds the snapshotted bytes, listening) is the difference, **${f0(startup.medianMs - startup.floorMedianMs)} ms**. Single start-up times on this machine drift by up to a third between quiet and busy minutes, which is why the two alternate.`,
    '',
    `Start-up / floor: **${f2(ratio)}**; the aim is ${aim.direction} ${aim.value}x (issue 26.5): **${judge(aim, ratio)}**. Where the time goes: [docs/performance.md](performance.md#start-up).`,
    '',
  ];
}

export function renderMarkdown(r: BenchReport): string {
  const bundled = r.scaling[0];
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` on ${r.date}. Machine: ${r.machine}. Node.js ${r.node}. ${r.settings}`,
    "Load generator (autocannon) and server share the machine's cores, so compare the **ratios**: service and baseline are measured in the same run, alternating, and medians are reported.",
    "The baseline is a bare `node:http` server answering byte-identical prebuilt bodies (`scripts/bench/baseline-server.ts`), with the service's own headers for lookups: the ceiling for one Node.js process here.",
    '',
    '![requests per second, service and baseline](benchmarks.svg)',
    '',
    '## HTTP scenarios',
    '',
    '| Scenario | Service req/s | Baseline req/s | Ratio | Service p50 / p99 (ms) | Baseline p50 / p99 (ms) | Errors (service, baseline) | Peak RSS service / baseline (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios.map(
      (s) =>
        `| ${s.name} | ${f0(s.service.rps)} | ${f0(s.baseline.rps)} | **${f2(s.service.rps / s.baseline.rps)}** | ${f1(s.service.p50)} / ${f1(s.service.p99)} | ${f1(s.baseline.p50)} / ${f1(s.baseline.p99)} | ${s.service.errors}, ${s.baseline.errors} | ${f0(s.service.peakRssMb)} / ${f0(s.baseline.peakRssMb)} |`,
    ),
    '',
    '### The same scenarios under wrk',
    '',
    'autocannon is JavaScript on one thread: on two cores it runs out of CPU before the server does, which pulls both figures down and the ratio towards 1. wrk (C) does not, so its ratio is the sharper one. Same rounds, alternating with the autocannon runs.',
    '',
    '| Scenario | Service req/s | Baseline req/s | Ratio (wrk) | Ratio (autocannon) | Service p50 / p99 (ms) | Errors (service, baseline) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios.flatMap((s) =>
      s.wrk === undefined
        ? []
        : [
            `| ${s.name} | ${f0(s.wrk.service.rps)} | ${f0(s.wrk.baseline.rps)} | **${f2(s.wrk.service.rps / s.wrk.baseline.rps)}** | ${f2(s.service.rps / s.baseline.rps)} | ${f1(s.wrk.service.p50)} / ${f1(s.wrk.service.p99)} | ${s.wrk.service.errors}, ${s.wrk.baseline.errors} |`,
          ],
    ),
    '',
    'The filtered scenarios cycle through the filter sets of `FILTERED_PATHS` in `scripts/bench/run.ts` (a region in danger, a country by year, words, a radius, a map window, CSV). With the answer cache (the default, `ANSWER_CACHE_MB`), repeated queries are answered from bytes kept by ETag; with it off (`ANSWER_CACHE_MB=0`, a second service process) every request filters 1121 rows, sorts, pages and renders its body, which is the price of a query the cache has not seen. The baseline answers the same bytes from memory. `/query?unique_number=N` is answered by the lookup fast path (`src/http/lookup-fast-path.ts`), without Koa.',
    '',
    ...(r.filterSets.length === 0
      ? []
      : [
          '### Uncached searches, one filter set at a time (wrk)',
          '',
          'The no-cache service, each filter set of the scenario alone, alternating with the baseline: what each costs (every one is filtered over all rows, sorted, paged and rendered on each request).',
          "In the same rounds, the bare search server (`scripts/bench/search-engine-server.ts`): a bare `node:http` server running the service's own search on every request (the search's plan kept by its query string, as the service's search fast path keeps it; filter, order, page, rendered body, ETag) and nothing else, no framework, logs, metrics, cache or budget. It answers the same bytes. Its ratio is the ceiling of an uncached search computed by this engine, whatever serves it; the last column is how much of that ceiling the service keeps.",
          '',
          '| Filter set | Service req/s | Bare search server req/s | Baseline req/s | Ratio (wrk) | Bare search server / baseline | Service / bare search server |',
          '|---|---:|---:|---:|---:|---:|---:|',
          ...r.filterSets.map(
            (f) =>
              `| \`${f.path}\` | ${f0(f.serviceRps)} | ${f0(f.searchEngineRps)} | ${f0(f.baselineRps)} | **${f2(f.serviceRps / f.baselineRps)}** | ${f2(f.searchEngineRps / f.baselineRps)} | ${f2(f.serviceRps / f.searchEngineRps)} |`,
          ),
          '',
        ]),
    ...(r.peers === undefined ? [] : renderPeers(r.peers)),
    ...renderContention(r.contention),
    ...renderColdPaths(r.coldPaths),
    ...renderStartup(r.startup),
    '## Scaling with the row count',
    '',
    'Synthetic files with the real schema (the real rows repeated with fresh `unique_number`s, `scripts/bench/synthetic.ts`, written to the git-ignored `.bench/`). Lookups pick random ids across the whole file. Each file\'s service is measured in rounds alternating with a second service on the bundled file, kept running through this part, and "vs bundled" compares the two in the same rounds: single runs on this machine drift by tens of percent.',
    '',
    '| Rows | File (MB) | Load to ready (s) | Peak RSS (MB) | RSS per 100k rows above the bundled run (MB) | Lookups req/s | Bundled-data service, same rounds (req/s) | vs bundled | First search (ms) | Searches req/s | RSS after searches (MB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.scaling.map(
      (s) =>
        `| ${f0(s.rows)} | ${f1(s.fileMb)} | ${f2(s.loadSeconds)} | ${f0(s.peakRssMb)} | ${bundled && s !== bundled ? f1(((s.peakRssMb - bundled.peakRssMb) / (s.rows - bundled.rows)) * 100_000) : '-'} | ${f0(s.rps)} | ${f0(s.referenceRps)} | ${f2(s.rps / s.referenceRps)} | ${f1(s.firstSearchMs)} | ${f1(s.searchRps)} | ${f0(s.rssAfterSearchesMb)} |`,
    ),
    '',
    'Searches: after the lookups, one `/query?category=Natural&limit=5` (the first search after start-up: the query index is built at load, so it pays nothing extra), then distinct searches (a category and year, a region in danger, words; the answer cache is off here, so every one is computed) from 4 connections, then the RSS. Peak RSS is over the whole run at that size, searches included. Each search scans every row, so its cost grows with the row count.',
    '',
    'Lookups go through a `Map` keyed by `unique_number` and answer a body serialised at load, so their cost does not depend on the row count; load time and memory grow linearly with it.',
    '',
    ...renderScalingPeer(r.scaling, bundled?.peakRssMb ?? NaN),
  ];
  return lines.join('\n');
}

export function renderSvg(r: BenchReport): string {
  const width = 640;
  const rowHeight = 44;
  const left = 200;
  const top = 40;
  const height = top + r.scenarios.length * rowHeight + 30;
  const max = Math.max(...r.scenarios.flatMap((s) => [s.service.rps, s.baseline.rps]), 1);
  const scale = (width - left - 90) / max;
  const bars = r.scenarios.flatMap((s, i) => {
    const y = top + i * rowHeight;
    return [
      `<text x="${left - 8}" y="${y + 18}" text-anchor="end">${s.name}</text>`,
      `<rect x="${left}" y="${y + 2}" width="${(s.service.rps * scale).toFixed(1)}" height="16" fill="#2f6fb0"/>`,
      `<text x="${left + s.service.rps * scale + 4}" y="${y + 15}">${f0(s.service.rps)}</text>`,
      `<rect x="${left}" y="${y + 20}" width="${(s.baseline.rps * scale).toFixed(1)}" height="16" fill="#b0b0b0"/>`,
      `<text x="${left + s.baseline.rps * scale + 4}" y="${y + 33}">${f0(s.baseline.rps)}</text>`,
    ];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Requests per second (${r.date.slice(0, 10)})</text>`,
    `<rect x="${width - 190}" y="10" width="12" height="12" fill="#2f6fb0"/><text x="${width - 174}" y="20">whc-api</text>`,
    `<rect x="${width - 110}" y="10" width="12" height="12" fill="#b0b0b0"/><text x="${width - 94}" y="20">node:http</text>`,
    ...bars,
    '</svg>',
    '',
  ].join('\n');
}
