/**
 * The start-up benchmark's reference: the least a Node.js process can do to be "ready" on the
 * bundled CSV here. It boots, reads the file's bytes (no parsing), listens and answers /ready.
 * Plain JavaScript on purpose: a TypeScript loader would add its own start-up to the floor.
 * Measured in the same rounds as the service, it shows how fast this machine is at that moment
 * (runs here swing by a third between quiet and busy minutes).
 *   PORT=... DATA_FILE=... node scripts/bench/startup-floor.mjs
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bytes = readFileSync(process.env['DATA_FILE'] ?? 'data/whc-sites-2019.csv');
const READY = Buffer.from(JSON.stringify({ status: 'ready', bytes: bytes.length }));
const server = createServer((req, res) => {
  if (req.url === '/ready') res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': READY.length }).end(READY);
  else res.writeHead(404).end();
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
