/**
 * Start-up alone, for quick A/B runs: `npx tsx scripts/bench/startup-probe.ts [runs] [entry ...]`
 * (build first). Each entry (default dist/main.js) alternates with the floor, a bare Node process
 * that reads the file and listens (startup-floor.mjs), so runs minutes apart can be compared.
 */
import { STARTUP_FLOOR, timeToReady } from './processes.js';

const runs = Number(process.argv[2] ?? 7);
const entries = [...(process.argv.length > 3 ? process.argv.slice(3) : ['dist/main.js']), STARTUP_FLOOR];
const times = new Map<string, number[]>(entries.map((entry) => [entry, []]));
for (let i = 0; i < runs; i++) {
  for (const entry of entries) {
    times.get(entry)?.push(await timeToReady([entry], { DATA_FILE: 'data/whc-sites-2019.csv', LOG_LEVEL: 'info', NODE_ENV: 'production' }));
  }
}
for (const [entry, measured] of times) {
  const sorted = [...measured].sort((a, b) => a - b);
  process.stdout.write(
    `${entry}: start-up to ready, median ${Math.round(sorted[Math.floor(runs / 2)] ?? NaN)} ms (${sorted.map(Math.round).join(', ')})\n`,
  );
}
