/**
 * The bench compares whc-api with peers only after checking they answer the same thing
 * (scripts/bench/peers/same-answers.ts). Here, on real processes over real sockets: the SQLite
 * peer answers whc-api's rows for every workload the bench measures, the ceiling sends whc-api's
 * lookup headers, and each check fails on a real difference rather than passing anything.
 */
import { expect } from 'chai';
import { PEER_FILTER_SETS } from '../../scripts/bench/peers/measure.js';
import {
  expectSameHeaderBlocks,
  expectSameLookupHeaders,
  expectSamePages,
  expectSameRows,
  rawHeaderBlock,
} from '../../scripts/bench/peers/same-answers.js';
import { startServer, waitReady, type Server } from '../../scripts/bench/processes.js';

const DATA_FILE = 'data/whc-sites-2019.csv';
/** The first id, the last, and between them the README's example (230) and a 2019 site. */
const IDS = [4, 230, 2327, 2333];

async function page(url: string, path: string) {
  const response = await fetch(`${url}${path}`);
  return { rows: (await response.json()) as unknown[], total: response.headers.get('x-total-count') };
}

describe('the bench peers (scripts/bench/peers/)', function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  let service: Server;
  let ceiling: Server;
  let sqlite: Server;
  before(async () => {
    servers.push((service = await startServer(['--import', 'tsx', 'src/main.ts'], { DATA_FILE, ANSWER_CACHE_MB: '0' })));
    servers.push((ceiling = await startServer(['--import', 'tsx', 'scripts/bench/baseline-server.ts'], { DATA_FILE })));
    servers.push((sqlite = await startServer(['--import', 'tsx', 'scripts/bench/peers/sqlite-server.ts'], { DATA_FILE })));
    for (const server of servers) await waitReady(server.url, 30_000);
  });
  after(async () => {
    for (const server of servers) await server.stop();
  });

  it("the SQLite peer answers whc-api's rows, in its order, with its totals, for lookups and every filter set measured", async () => {
    expect(PEER_FILTER_SETS.length).to.be.at.least(4);
    await expectSameRows(service.url, sqlite.url, [...IDS.map((id) => `/query?unique_number=${id}`), ...PEER_FILTER_SETS]);
  });

  it('the SQLite peer refuses a search it does not express (a sort on folded text), rather than answer other rows', async () => {
    expect((await fetch(`${sqlite.url}/query?sort=name_en`)).status).to.equal(400);
    expect((await fetch(`${sqlite.url}/query?region=Africa&format=csv`)).status).to.equal(400);
  });

  it("the row check fails on the same rows in another order, and on another page's total", async () => {
    const path = '/query?q=temple&limit=10';
    const expected = await page(service.url, path);
    const reordered = await page(sqlite.url, `${path}&sort=-date_inscribed`);
    expect(() => expectSamePages(path, expected, reordered)).to.throw(/row 1 \(unique_number 68\), unique_number/);
    const other = await page(sqlite.url, '/query?q=temples&limit=10');
    expect(() => expectSamePages(path, expected, other)).to.throw(/a total of/);
  });

  it("the ceiling sends whc-api's lookup headers: names, values, order and bytes, for a 200 and a 304", async () => {
    await expectSameLookupHeaders(service.url, ceiling.url, IDS);
  });

  it('the header check fails on a header of another length, and on another request id', async () => {
    const a = await rawHeaderBlock(service.url, '/query?unique_number=230');
    const b = await rawHeaderBlock(ceiling.url, '/query?unique_number=2327');
    expect(() => expectSameHeaderBlocks('230 against 2327', a, b)).to.throw(/headers differ/);
    const echoed = await rawHeaderBlock(ceiling.url, '/query?unique_number=230', { 'X-Request-Id': 'abc' });
    expect(() => expectSameHeaderBlocks('a client id', a, echoed)).to.throw(/headers differ/);
  });
});
