/**
 * Start-up alone, for quick A/B runs: `npx tsx scripts/bench/startup-probe.ts [runs] [entry ...]`
 * (build first). Each entry (default: the startup snapshot npm start runs, and dist/main.js, which
 * loads the file) alternates with the floor, a bare Node process that reads the file and listens
 * (startup-floor.mjs), so runs minutes apart can be compared: each entry's median is given as a
 * ratio to the floor's in the same rounds, against the aim.
 */
import { PRODUCTION_ENTRY, productionNodeFlags, STARTUP_FLOOR, timeToReady } from './processes.js';
import { AIMS, judge, STARTUP_RUNS } from './aims.js';
import { f2 } from './format.js';

const runs = Number(process.argv[2] ?? STARTUP_RUNS);
// An entry is Node's arguments after the flags, space-separated (npm start's is two).
const entries = [...(process.argv.length > 3 ? process.argv.slice(3) : [PRODUCTION_ENTRY.join(' '), 'dist/main.js']), STARTUP_FLOOR];
const times = new Map<string, number[]>(entries.map((entry) => [entry, []]));
for (let i = 0; i < runs; i++) {
  for (const entry of entries) {
    // The service's entries with npm start's Node flags, as production runs them; the floor bare.
    const argv = entry === STARTUP_FLOOR ? [entry] : [...productionNodeFlags(), ...entry.split(' ')];
    times.get(entry)?.push(await timeToReady(argv, { DATA_FILE: 'data/whc-sites-2019.csv', LOG_LEVEL: 'info', NODE_ENV: 'production' }));
  }
}
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const floor = median(times.get(STARTUP_FLOOR) ?? []);
for (const [entry, measured] of times) {
  const sorted = [...measured].sort((a, b) => a - b);
  const ratio = median(measured) / floor;
  const aim = AIMS.startupVsFloor;
  const against = entry === STARTUP_FLOOR ? '' : `, ${f2(ratio)}x the floor (aim ${aim.direction} ${aim.value}x: ${judge(aim, ratio)})`;
  process.stdout.write(
    `${entry}: start-up to ready, median ${Math.round(median(measured))} ms${against} (${sorted.map(Math.round).join(', ')})\n`,
  );
}
