/** The request line (src/log/logger.ts) against pino's own line for the same fields, read back as JSON. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loggerOptions, requestLineWriter } from '../../src/log/logger.js';
import { tempDir } from '../helpers/temp-files.js';

type Fields = [reqId: string, method: string, path: string, query: string, status: number, ms: number, bytes: number, code?: string];

const readLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
/** The time is the one field two lines written apart may differ in. */
const timeless = (line: string) => line.replace(/"time":("[^"]*"|[0-9]+)/, '"time":0');

describe('requestLineWriter', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('writes the line pino writes for logger.info({ reqId, method, path, query, status, ms, bytes, code }, "request"), byte for byte', () => {
    const file = `${dir.path}/log.ndjson`;
    const logger = pino(loggerOptions('info'), pino.destination({ dest: file, sync: true }));
    const cases: Fields[] = [
      [id, 'GET', '/query', 'unique_number=230', 200, 0.05, 1234],
      ['abc.DEF:1+2=3/4_5-6', 'GET', '/query', 'unique_number=230', 304, 12, 0],
      [id, 'GET', '/query', 'limit=1000', 503, 1234.56, 310, 'OVERLOADED'],
    ];
    for (const [reqId, method, path, query, status, ms, bytes, code] of cases) {
      logger.info({ reqId, method, path, query, status, ms, bytes, code }, 'request');
      requestLineWriter(logger)(reqId, method, path, query, status, ms, bytes, code);
    }
    const lines = readLines(file);
    expect(lines).to.have.length(cases.length * 2);
    for (let i = 0; i < lines.length; i += 2) expect(timeless(lines[i + 1] as string)).to.equal(timeless(lines[i] as string));
    const parsed = JSON.parse(lines[1] as string) as Record<string, unknown>;
    // What a log shipper filters on without a mapping stage: a level name and an ISO 8601 time in UTC.
    expect(parsed['level']).to.equal('info');
    expect(parsed['time']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(parsed['time'] as string) - Date.now())).to.be.below(60_000);
    expect(parsed).to.include({ reqId: id, query: 'unique_number=230', bytes: 1234 });
    expect(parsed).to.not.have.property('code');
    expect(JSON.parse(lines[5] as string)).to.include({ code: 'OVERLOADED', status: 503 });
  });

  it("follows the logger's own formats: pino's default numbers and epoch ms too", () => {
    const file = `${dir.path}/default.ndjson`;
    const logger = pino({ level: 'info', base: { service: 'whc-api' } }, pino.destination({ dest: file, sync: true }));
    logger.info({ reqId: id, method: 'GET', path: '/query', query: 'unique_number=1', status: 200, ms: 1, bytes: 2 }, 'request');
    requestLineWriter(logger)(id, 'GET', '/query', 'unique_number=1', 200, 1, 2);
    const [fromPino, fromWriter] = readLines(file).map(timeless);
    expect(fromWriter).to.equal(fromPino);
    expect(fromPino).to.match(/^\{"level":30,/);
  });

  it("with JSON.stringify as quote, writes pino's line for paths and queries that need escaping (Koa's requests), and never loses a character", () => {
    const file = `${dir.path}/escaped.ndjson`;
    const logger = pino(loggerOptions('info'), pino.destination({ dest: file, sync: true }));
    const paths = ['/query', '/a"b\\c', '/\u00e9t\u00e9/\u0001', '/\ud800'];
    for (const path of paths) {
      logger.info({ reqId: id, method: 'GET', path, query: path, status: 404, ms: 0.5, bytes: 9, code: 'ROUTE_NOT_FOUND' }, 'request');
      requestLineWriter(logger, JSON.stringify)(id, 'GET', path, path, 404, 0.5, 9, 'ROUTE_NOT_FOUND');
    }
    const lines = readLines(file);
    expect(lines).to.have.length(paths.length * 2);
    let comparedByteForByte = 0;
    for (let i = 0; i < lines.length; i += 2) {
      const path = paths[i / 2] as string;
      const [fromPino, fromWriter] = [lines[i], lines[i + 1]].map((l) => timeless(l as string)) as [string, string];
      const read = JSON.parse(fromWriter) as { path: string; query: string };
      expect([read.path, read.query], 'the path and query read back from our line').to.deep.equal([path, path]);
      // Before Node 25 pino writes a lone surrogate unescaped, and the UTF-8 file keeps U+FFFD in its
      // place (pino's lib/tools.js picks JSON.stringify from Node 25 on). Where pino's own line does
      // not read back to the path, ours must still be pino's line with the path as JSON.stringify writes it.
      const pinoPath = (JSON.parse(fromPino) as { path: string }).path;
      if (pinoPath === path) {
        expect(fromWriter).to.equal(fromPino);
        comparedByteForByte += 1;
      } else {
        expect(fromWriter.replaceAll(JSON.stringify(path), JSON.stringify(pinoPath))).to.equal(fromPino);
      }
    }
    expect(comparedByteForByte, 'paths compared byte for byte with pino').to.be.at.least(paths.length - 1);
  });

  it('writes nothing when info is off', () => {
    const file = `${dir.path}/quiet.ndjson`;
    const logger = pino(loggerOptions('warn'), pino.destination({ dest: file, sync: true }));
    requestLineWriter(logger)(id, 'GET', '/query', 'unique_number=1', 200, 1, 10);
    expect(readFileSync(file, 'utf8')).to.equal('');
  });
});
