/** The fast path's request line (src/log.ts) against pino's own line for the same fields, read back as JSON. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { requestLineWriter } from '../src/log.js';
import { tempDir } from './helpers/temp-files.js';

describe('requestLineWriter', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('writes the line pino writes for logger.info({ method, path, status, ms }, "request"), field for field and in order', () => {
    const file = `${dir.path}/log.ndjson`;
    const logger = pino({ level: 'info', base: { service: 'whc-api' } }, pino.destination({ dest: file, sync: true }));
    const cases: [string, string, number, number][] = [
      ['GET', '/query', 200, 0.05],
      ['GET', '/query', 304, 12],
      ['GET', '/query', 200, 1234.56],
    ];
    for (const [method, path, status, ms] of cases) {
      logger.info({ method, path, status, ms }, 'request');
      requestLineWriter(logger)(method, path, status, ms);
    }
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).to.have.length(cases.length * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [fromPino, fromWriter] = [lines[i], lines[i + 1]] as [Record<string, unknown>, Record<string, unknown>];
      expect(Object.keys(fromWriter)).to.deep.equal(Object.keys(fromPino));
      expect(Math.abs(Number(fromWriter['time']) - Number(fromPino['time']))).to.be.below(1000);
      expect({ ...fromWriter, time: 0 }).to.deep.equal({ ...fromPino, time: 0 });
    }
  });

  it("with JSON.stringify as quote, writes pino's line for paths that need escaping (Koa's requests), and never loses a character", () => {
    const file = `${dir.path}/escaped.ndjson`;
    const logger = pino({ level: 'info', base: { service: 'whc-api' } }, pino.destination({ dest: file, sync: true }));
    const paths = ['/query', '/a"b\\c', '/\u00e9t\u00e9/\u0001', '/\ud800'];
    for (const path of paths) {
      logger.info({ method: 'GET', path, status: 404, ms: 0.5 }, 'request');
      requestLineWriter(logger, JSON.stringify)('GET', path, 404, 0.5);
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).to.have.length(paths.length * 2);
    let comparedByteForByte = 0;
    for (let i = 0; i < lines.length; i += 2) {
      const path = paths[i / 2] as string;
      // Byte for byte but the time.
      const [fromPino, fromWriter] = [lines[i], lines[i + 1]].map((l) => (l as string).replace(/"time":[0-9]+/, '"time":0')) as [
        string,
        string,
      ];
      expect((JSON.parse(fromWriter) as { path: string }).path, 'the path read back from our line').to.equal(path);
      // Before Node 25 pino writes a lone surrogate unescaped, and the UTF-8 file keeps U+FFFD in its
      // place (pino's lib/tools.js picks JSON.stringify from Node 25 on). Where pino's own line does
      // not read back to the path, ours must still be pino's line with the path as JSON.stringify writes it.
      const pinoPath = (JSON.parse(fromPino) as { path: string }).path;
      if (pinoPath === path) {
        expect(fromWriter).to.equal(fromPino);
        comparedByteForByte += 1;
      } else {
        expect(fromWriter.replace(`"path":${JSON.stringify(path)}`, `"path":${JSON.stringify(pinoPath)}`)).to.equal(fromPino);
      }
    }
    expect(comparedByteForByte, 'paths compared byte for byte with pino').to.be.at.least(paths.length - 1);
  });

  it('writes nothing when info is off', () => {
    const file = `${dir.path}/quiet.ndjson`;
    const logger = pino({ level: 'warn', base: { service: 'whc-api' } }, pino.destination({ dest: file, sync: true }));
    requestLineWriter(logger)('GET', '/query', 200, 1);
    expect(readFileSync(file, 'utf8')).to.equal('');
  });
});
