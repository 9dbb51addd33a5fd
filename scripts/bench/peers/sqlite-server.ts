/**
 * The SQLite peer (sqlite-peer.ts) behind a bare node:http server, as the other bench servers:
 * `/query?unique_number=N` and the searches the peer answers, `/ready` once the table is loaded.
 * It sends what a client needs (type, length, the total of a search) and nothing else: no log,
 * metrics, cache or ETag, which can only flatter it against whc-api.
 *   PORT=... DATA_FILE=... node --import tsx scripts/bench/peers/sqlite-server.ts
 */
import { createServer } from 'node:http';
import { openSqlitePeer } from './sqlite-peer.js';

const peer = await openSqlitePeer(process.env['DATA_FILE'] ?? 'data/whc-sites-2019.csv');
const JSON_TYPE = 'application/json; charset=utf-8';
const READY = Buffer.from(JSON.stringify({ status: 'ready', rows: peer.rows }));
const LOOKUP = /^\/query\?unique_number=([1-9][0-9]{0,14})$/;

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/ready' || url === '/health') {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': READY.length }).end(READY);
    return;
  }
  const id = LOOKUP.exec(url)?.[1];
  if (id !== undefined) {
    const body = peer.lookup(Number(id));
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length }).end(body);
    return;
  }
  const [path, search = ''] = url.split('?', 2) as [string, string?];
  let page;
  try {
    page = path === '/query' ? peer.search(new URLSearchParams(search)) : undefined;
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
    return;
  }
  if (page === undefined) res.writeHead(path === '/query' ? 400 : 404).end();
  else res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': page.body.length, 'X-Total-Count': page.total }).end(page.body);
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
process.on('SIGTERM', () =>
  server.close(() => {
    peer.close();
    process.exit(0);
  }),
);
