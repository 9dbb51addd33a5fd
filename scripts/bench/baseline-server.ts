/**
 * The benchmark's baseline: a bare node:http server answering the same prebuilt bodies as the
 * service (byte-identical; the bench checks), with no framework, no logging and no metrics.
 * Its throughput is the ceiling for one Node.js process on this machine. A lookup carries the
 * service's own headers too, in its order (the route's answer, lookup-answer.ts, and what the fast
 * path adds): header bytes cost as body bytes do, and the bench compares them (peers/same-answers.ts),
 * so "0.85 of the ceiling" compares the same bytes on the wire.
 *   PORT=... DATA_FILE=... node --import tsx scripts/bench/baseline-server.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadDataset } from '../../src/data/load.js';
import { CORS_VARY } from '../../src/http/cors.js';
import { LOOKUP_VARY, lookupAnswer } from '../../src/http/lookup-answer.js';
import { SECURITY_HEADERS } from '../../src/http/representation/headers.js';
import { REQUEST_ID_HEADER, requestId } from '../../src/http/request-id.js';

const dataset = await loadDataset(process.env['DATA_FILE'] ?? 'data/whc-sites-2019.csv');
/** Other answers to serve as they are, by path: `{ "/query?region=Africa": { "type": ..., "etag": ..., "body": base64 } }`. */
const fixed = new Map(
  Object.entries(
    process.env['FIXED_ANSWERS'] === undefined
      ? {}
      : (JSON.parse(readFileSync(process.env['FIXED_ANSWERS'], 'utf8')) as Record<string, { type: string; etag: string; body: string }>),
  ).map(([path, a]) => [path, { type: a.type, etag: a.etag, body: Buffer.from(a.body, 'base64') }]),
);
const HEALTH = Buffer.from(JSON.stringify({ status: 'ok' }));
const JSON_TYPE = 'application/json; charset=utf-8';
const PREFIX = '/query?unique_number=';
const VARY = [CORS_VARY, ...LOOKUP_VARY].join(', ');

const server = createServer((req, res) => {
  const url = req.url ?? '';
  const answer = fixed.get(url);
  if (answer !== undefined) {
    res.writeHead(200, { 'Content-Type': answer.type, 'Content-Length': answer.body.length, ETag: answer.etag }).end(answer.body);
  } else if (url.startsWith(PREFIX)) {
    const answer = lookupAnswer(dataset, Number(url.slice(PREFIX.length)), req.headers['if-none-match']);
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    const rid = requestId(req.headers['x-request-id']);
    const length = answer.body === undefined ? [] : ['Content-Length', String(answer.body.length)];
    res.writeHead(answer.status, ['Vary', VARY, ...answer.headers, ...length, ...SECURITY_HEADERS, REQUEST_ID_HEADER, rid]);
    res.end(answer.body);
  } else if (url === '/health' || url === '/ready') {
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': HEALTH.length }).end(HEALTH);
  } else res.writeHead(404).end();
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
