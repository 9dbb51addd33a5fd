/**
 * `npm run reliability`: runs the reliability tests in their long variants (RELIABILITY_LONG=1),
 * then this script renders the figures they recorded into docs/reliability.md.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const DIR = '.cache/reliability';
const ORDER = [
  'hostile-input',
  'broken-csv',
  'hot-reload',
  'sustained-load',
  'shutdown-under-load',
  'fifo-at-start',
  'slow-rewrite',
  'overload-pipelining-unbounded',
  'overload-pipelining',
  'overload-brotli',
  'overload-regex',
  'overload-search-burst',
  'overload-expensive-searches',
  'cgroup-limit',
  'cgroup-limit-unbounded',
  'metrics-method-flood',
  'signals',
  'csv-formulas',
  'shrinking-publish',
  'reload-near-data-budget',
];
const TITLES: Record<string, string> = {
  'hostile-input': 'Hostile HTTP input (test/reliability/hostile-input.test.ts)',
  'broken-csv': 'Broken data files (test/reliability/broken-csv.test.ts)',
  'hot-reload': 'Hot reload under load (test/data/hot-reload.test.ts)',
  'sustained-load': 'Sustained load with reloads (test/reliability/sustained-load.test.ts)',
  'shutdown-under-load': 'Shutdown under load (test/lifecycle.test.ts)',
  'fifo-at-start': 'A FIFO at DATA_FILE, then SIGTERM (test/reliability/data-file-jams.test.ts)',
  'slow-rewrite': 'A data file rewritten in place, slowly (test/reliability/data-file-jams.test.ts)',
  'overload-pipelining-unbounded': 'Pipelining clients that never read, the bound off: the control (test/reliability/overload.test.ts)',
  'overload-pipelining': 'Pipelining clients that never read (test/reliability/overload.test.ts)',
  'overload-brotli': 'Brotli pages at 100 connections (test/reliability/overload.test.ts)',
  'overload-regex': 'A quadratic-regex parameter (test/reliability/overload.test.ts)',
  'overload-search-burst': 'A burst of uncached searches: answered slower, not refused (test/reliability/overload.test.ts)',
  'overload-expensive-searches': 'Expensive searches beside lookups (test/reliability/overload.test.ts)',
  'cgroup-limit': 'In a 256 MiB cgroup: the limit found, 503 instead of an OOM kill (test/reliability/cgroup-limit.test.ts)',
  'cgroup-limit-unbounded': 'In a 256 MiB cgroup with the bound off: the control, OOM-killed (test/reliability/cgroup-limit.test.ts)',
  'metrics-method-flood': 'Every HTTP method on every route: /metrics stays bounded (test/reliability/hardening.test.ts)',
  signals: 'SIGHUP, SIGUSR2 and SIGUSR1 during lookups (test/reliability/hardening.test.ts)',
  'csv-formulas': 'Spreadsheet formulas in the data, CSV pages under load (test/reliability/hardening.test.ts)',
  'shrinking-publish': 'A header and one row published over the served file (test/reliability/hardening.test.ts)',
  'reload-near-data-budget': 'In a 256 MiB cgroup: a reload just under the data budget (test/reliability/reload-memory.test.ts)',
};

const figures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as Record<string, unknown>)
  .sort((a, b) => ORDER.indexOf(String(a['test'])) - ORDER.indexOf(String(b['test'])));

const lines = [
  '# Reliability',
  '',
  `Figures of the last \`npm run reliability\` run (${new Date().toISOString()}, ${cpus().length} cores, Node.js ${process.version}). Every test below also runs in \`npm test\` and \`bash .ci/run\`, in a shorter variant; \`RELIABILITY_LONG=1\` selects the long one. All traffic goes to loopback.`,
  '',
];
for (const f of figures) {
  const { test, long, at, description, asserted, ...rest } = f;
  lines.push(
    `## ${TITLES[String(test)] ?? String(test)}`,
    '',
    String(description),
    '',
    `Asserted: ${String(asserted)}.`,
    '',
    '| Figure | Value |',
    '|---|---|',
  );
  for (const [k, v] of Object.entries(rest))
    lines.push(`| ${k} | ${typeof v === 'object' ? `\`${JSON.stringify(v)}\`` : typeof v === 'string' ? v : JSON.stringify(v)} |`);
  lines.push('', `_Recorded ${String(at)}${long ? ', long variant' : ', short variant'}._`, '');
}
mkdirSync('docs', { recursive: true });
writeFileSync('docs/reliability.md', lines.join('\n'));
process.stdout.write(`wrote docs/reliability.md (${figures.length} tests)\n`);
