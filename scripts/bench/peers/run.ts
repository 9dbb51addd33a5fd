/**
 * The peers' part of `npm run bench` alone (measure.ts), at the bench's own length, printing its
 * Markdown: for figures without the whole bench, and at another scale (the data file's ids are
 * read by the service's loader, so any file with the real schema works).
 *   node --import tsx scripts/bench/peers/run.ts [--smoke] [DATA_FILE]
 * Run `npm run build` first: whc-api runs as in production (`node dist/main.js`).
 */
import { loadDataset } from '../../../src/data/load.js';
import { measurePeers, peerTiming } from './measure.js';
import { peerAims, renderPeers } from './render.js';

const SMOKE = process.argv.includes('--smoke');
const dataFile = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'data/whc-sites-2019.csv';
const ids = (await loadDataset(dataFile)).rows.map((row) => row.unique_number);
const result = await measurePeers({
  dataFile,
  ids,
  serviceArgv: ['dist/main.js'],
  serviceEnv: { DATA_FILE: dataFile, LOG_LEVEL: 'info', NODE_ENV: 'production' },
  ...peerTiming(SMOKE),
  connections: 50,
});
process.stdout.write(`${renderPeers(result).join('\n')}\n`);
for (const a of peerAims(result))
  process.stdout.write(`${a.what}: ${a.ratio.toFixed(2)} (aim ${a.aim}: ${a.ratio >= a.aim ? 'met' : 'missed'})\n`);
