/**
 * Runs each kind of computed answer once on a dataset before it is served, so that the first
 * request of each kind after /ready does not pay for what V8 compiles lazily on first use, nor
 * for the JSON body parser's import: the first search took 87 ms and the first POST /query
 * 121 ms after start-up, against 4-7 ms warm (issue 26). docs/benchmarks.md measures the first
 * request of each kind against a warm one.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Dataset } from '../data/dataset.js';
import { FORMATS } from '../query/parameters.js';
import { runQuery } from '../query/run.js';
import { planQuery } from '../query/site-query.js';
import { computeStats } from '../query/stats.js';
import { decodeQuery } from './query-params.js';
import { answerEtag } from './representation/etag.js';
import { loadJsonBodyParser, QUERY_DECODER, renderPage } from './routes/query.js';
import { STATS_DECODER } from './routes/stats.js';

/** A search touching every kind of filter the routes plan (words, categories, ranges, geography). */
const SEARCH = { q: 'temple', category: 'Cultural', inscribed_from: '1980', near: '48.85,2.35', radius_km: '20000', limit: '3' };

export async function warmUp(dataset: Dataset): Promise<void> {
  const bodyParser = loadJsonBodyParser();
  for (const format of FORMATS) {
    const params = { ...SEARCH, format };
    const query = planQuery(decodeQuery(QUERY_DECODER, params));
    if (Array.isArray(query)) throw new Error(`the warm-up search is invalid: ${JSON.stringify(query)}`);
    const page = renderPage(format, runQuery(dataset.index, query), query);
    answerEtag(dataset.version.id, '/query', format, params);
    await promisify(zlib.gzip)(page);
    await promisify(zlib.brotliCompress)(page);
  }
  computeStats(dataset.index, decodeQuery(STATS_DECODER, { region: 'Africa', danger: 'true' }));
  await bodyParser;
}
