/**
 * Before the bench compares two servers, it checks they answer the same thing, or the ratio
 * means nothing. Two checks, each independent of the code of the servers compared:
 * - rows: the peer and whc-api answer the same rows in the same order, every field equal once
 *   parsed (SQLite writes `5.0` where JavaScript writes `5`: bytes would differ, values do not),
 *   and the same total;
 * - headers: the ceiling sends whc-api's lookup headers, byte for byte in name, value and order,
 *   but for the two values that change on every answer (Date, X-Request-Id), which must have the
 *   same shape and length. Read from the socket, as a client receives them.
 */
import { connect } from 'node:net';

/** The status line and header lines of a GET, exactly as sent (without the blank line). */
export async function rawHeaderBlock(url: string, path: string, headers: Readonly<Record<string, string>> = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const lines = Object.entries({ Host: `${hostname}:${port}`, ...headers, Connection: 'close' }).map(([n, v]) => `${n}: ${v}\r\n`);
  socket.end(`GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  let received = '';
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    received += chunk.toString('latin1');
    const end = received.indexOf('\r\n\r\n');
    if (end !== -1) {
      socket.destroy();
      return received.slice(0, end);
    }
    if (received.length > 65_536) break;
  }
  socket.destroy();
  throw new Error(`${url}${path}: no complete header block`);
}

/** Values that differ between any two answers, with the shape both must have. */
const VOLATILE: Readonly<Record<string, RegExp>> = {
  date: /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  'x-request-id': /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
};

/** Throws, naming the first difference, unless two header blocks are the same but for VOLATILE values of the same shape. */
export function expectSameHeaderBlocks(what: string, expected: string, actual: string): void {
  const [e, a] = [expected.split('\r\n'), actual.split('\r\n')];
  const fail = (why: string) => {
    throw new Error(`${what}: headers differ (${why})\n--- whc-api\n${expected}\n--- ceiling\n${actual}`);
  };
  if (expected.length !== actual.length) fail(`${expected.length} bytes against ${actual.length}`);
  if (e.length !== a.length) fail(`${e.length} lines against ${a.length}`);
  e.forEach((line, i) => {
    const other = a[i] as string;
    if (line === other) return;
    const [name, value] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)];
    const shape = VOLATILE[name.toLowerCase()];
    const otherValue = other.slice(name.length + 2);
    if (shape === undefined || !other.startsWith(`${name}: `) || !shape.test(value) || !shape.test(otherValue)) fail(`line ${i + 1}`);
  });
}

interface Page {
  readonly rows: unknown[];
  readonly total: string | null;
}

async function page(url: string, path: string): Promise<Page> {
  const response = await fetch(`${url}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}${path} answered ${response.status}: ${text.slice(0, 200)}`);
  const rows: unknown = JSON.parse(text);
  if (!Array.isArray(rows)) throw new Error(`${url}${path}: not a JSON array of rows`);
  return { rows, total: response.headers.get('x-total-count') };
}

/** Throws, naming the first difference, unless two pages hold the same rows in the same order and the same total. */
export function expectSamePages(what: string, expected: Page, actual: Page): void {
  const fail = (why: string) => {
    throw new Error(`${what}: the peer's answer differs from whc-api's (${why})`);
  };
  if (actual.total !== null && actual.total !== expected.total) fail(`a total of ${actual.total}, whc-api ${expected.total}`);
  if (actual.rows.length !== expected.rows.length) fail(`${actual.rows.length} rows, whc-api ${expected.rows.length}`);
  expected.rows.forEach((row, i) => {
    const [e, a] = [row as Record<string, unknown>, actual.rows[i] as Record<string, unknown>];
    const [eKeys, aKeys] = [Object.keys(e), Object.keys(a)];
    if (eKeys.join() !== aKeys.join()) fail(`row ${i + 1}: fields ${aKeys.join()}, whc-api ${eKeys.join()}`);
    for (const key of eKeys)
      if (JSON.stringify(e[key]) !== JSON.stringify(a[key]))
        fail(
          `row ${i + 1} (unique_number ${String(e['unique_number'])}), ${key}: ${JSON.stringify(a[key])}, whc-api ${JSON.stringify(e[key])}`,
        );
  });
}

/** Every path answered by both with the same rows, in the same order; a few paths at a time. */
export async function expectSameRows(service: string, peer: string, paths: readonly string[]): Promise<void> {
  const pending = [...paths];
  const worker = async () => {
    for (let path = pending.shift(); path !== undefined; path = pending.shift())
      expectSamePages(path, await page(service, path), await page(peer, path));
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** The ceiling's lookup headers are whc-api's: for each id, a 200 and a 304. */
export async function expectSameLookupHeaders(service: string, ceiling: string, ids: readonly number[]): Promise<void> {
  for (const id of ids) {
    const path = `/query?unique_number=${id}`;
    const expected = await rawHeaderBlock(service, path);
    if (!expected.startsWith('HTTP/1.1 200 ')) throw new Error(`${service}${path}: ${expected.split('\r\n')[0]}, not a lookup's 200`);
    expectSameHeaderBlocks(path, expected, await rawHeaderBlock(ceiling, path));
    const etag = /^ETag: (.*)$/m.exec(expected)?.[1] ?? '';
    const [a, b] = await Promise.all([service, ceiling].map((u) => rawHeaderBlock(u, path, { 'If-None-Match': etag })));
    expectSameHeaderBlocks(`${path} (304)`, a as string, b as string);
  }
}
