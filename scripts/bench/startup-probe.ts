/** Start-up alone, for quick A/B runs: `npx tsx scripts/bench/startup-probe.ts [runs]` (build first). */
import { startServer, waitReady } from './processes.js';

const runs = Number(process.argv[2] ?? 7);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const server = await startServer(['dist/main.js'], { DATA_FILE: 'data/whc-sites-2019.csv', LOG_LEVEL: 'info' });
  await waitReady(server.url);
  times.push(performance.now() - started);
  await server.stop();
}
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(`start-up to ready: median ${Math.round(sorted[Math.floor(runs / 2)] ?? NaN)} ms (${sorted.map(Math.round).join(', ')})\n`);
