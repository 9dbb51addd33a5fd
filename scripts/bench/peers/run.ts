/**
 * The peers' part of `npm run bench` alone (measure.ts), at the bench's own length, printing its
 * Markdown: for figures without the whole bench, and at another scale (any file with the real
 * schema; lookups pick among its ids).
 *   node --import tsx scripts/bench/peers/run.ts [--smoke] [DATA_FILE]
 * Run `npm run build` first: whc-api runs as in production (`npm start`'s Node flags, from the startup snapshot).
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { productionArgv } from '../processes.js';
import { measurePeers, peerTiming } from './measure.js';
import { renderPeerAims, renderPeers } from './render.js';

const SMOKE = process.argv.includes('--smoke');
const dataFile = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'data/whc-sites-2019.csv';
/** Lookups pick among at most this many ids: wrk's Lua script holds every path. */
const MAX_IDS = 10_000;

/**
 * The file's ids, streamed (holding the whole dataset here would double the memory of a 1M-row
 * run), then spread evenly over the file when there are more than MAX_IDS.
 */
async function lookupIds(file: string): Promise<number[]> {
  const ids: number[] = [];
  for await (const record of createReadStream(file).pipe(parse({ bom: true, columns: true })) as AsyncIterable<Record<string, string>>)
    ids.push(Number(record['unique_number']));
  const step = Math.max(1, ids.length / MAX_IDS);
  return ids.length <= MAX_IDS ? ids : Array.from({ length: MAX_IDS }, (_, i) => ids[Math.floor(i * step)] as number);
}

const ids = await lookupIds(dataFile);
const result = await measurePeers({
  dataFile,
  ids,
  serviceArgv: productionArgv(),
  serviceEnv: { DATA_FILE: dataFile, LOG_LEVEL: 'info', NODE_ENV: 'production' },
  ...peerTiming(SMOKE),
  connections: 50,
});
process.stdout.write(`${[...renderPeers(result), ...renderPeerAims(result)].join('\n')}\n`);
