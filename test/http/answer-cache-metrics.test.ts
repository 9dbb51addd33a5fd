/**
 * ANSWER_CACHE_MB at work, as an operator sees it on /metrics: with the default bound a repeated
 * search is a hit and the cache holds its bytes; with 0 every look-up misses and nothing is held.
 * (Before these metrics, a service that ignored the setting passed every test.)
 */
import { expect } from 'chai';
import { DEFAULTS } from '../../src/config.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;
const SEARCH = '/query?region=Africa&danger=true&limit=5';

/** The value of one sample in the Prometheus text format, read by pattern (not by the code under test). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`${series} is not in /metrics`);
  return Number(line.slice(series.length + 1));
}

async function metricsAfter(server: TestServer, paths: readonly string[]): Promise<string> {
  for (const path of paths) {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status, path).to.equal(200);
    await response.arrayBuffer();
  }
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('answer cache on /metrics (ANSWER_CACHE_MB)', () => {
  it('with the default bound, a repeated search is a hit, and the cache holds at least its bytes', async () => {
    const server = await startTestServer();
    try {
      // A request may look up more than one answer (its rows, then their compressed coding).
      const first = await metricsAfter(server, [SEARCH]);
      const missesFirst = sample(first, 'whc_answer_cache_lookups_total{result="miss"}');
      expect(missesFirst).to.be.at.least(1);
      expect(sample(first, 'whc_answer_cache_lookups_total{result="hit"}')).to.equal(0);
      const body = await (await fetch(`${server.url}${SEARCH}`, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer();
      const text = await metricsAfter(server, [SEARCH, SEARCH]);
      expect(sample(text, 'whc_answer_cache_lookups_total{result="miss"}'), 'no miss for answers already computed').to.equal(missesFirst);
      expect(sample(text, 'whc_answer_cache_lookups_total{result="hit"}')).to.be.at.least(3);
      expect(sample(text, 'whc_answer_cache_limit_bytes')).to.equal(DEFAULTS.answerCacheMb * MiB);
      expect(sample(text, 'whc_answer_cache_bytes')).to.be.at.least(body.byteLength);
    } finally {
      await server.close();
    }
  });

  it('with ANSWER_CACHE_MB=0, every look-up misses and nothing is held', async () => {
    const server = await startTestServer({ answerCacheMb: 0 });
    try {
      const text = await metricsAfter(server, [SEARCH, SEARCH, SEARCH]);
      expect(sample(text, 'whc_answer_cache_lookups_total{result="hit"}')).to.equal(0);
      expect(sample(text, 'whc_answer_cache_lookups_total{result="miss"}')).to.be.at.least(3);
      expect(sample(text, 'whc_answer_cache_limit_bytes')).to.equal(0);
      expect(sample(text, 'whc_answer_cache_bytes')).to.equal(0);
    } finally {
      await server.close();
    }
  });
});
