import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runNode, type Finished } from '../helpers/node-process.js';
import { ATTACKS, looksLikeFormula, writeFormulaFile } from '../helpers/formula-csv.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const CLI = fileURLToPath(new URL('../../src/cli/data.ts', import.meta.url));

/** Runs the CLI from its source, as a process. */
const whcData = (...args: string[]): Promise<Finished> => runNode(['--import', 'tsx', CLI, ...args]);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('whc-data (the data CLI)', function () {
  this.timeout(30_000);
  const text = readDataText();
  const records = readRecords(text);
  const header = text.slice(0, records[0]?.end ?? 0);
  const row = (i: number) => text.slice(records[i]?.start ?? 0, records[i]?.end ?? 0);
  let dir: TempDir;
  let bad: string;
  let small: string;
  before(() => {
    dir = tempDir();
    small = dir.write('small.csv', header + row(1) + row(2));
    // Two bad cells on the second data row, and a short third row.
    bad = dir.write(
      'bad.csv',
      header +
        row(1) +
        row(2)
          .replace(/,(Cultural|Natural|Mixed),/, ',Imaginary,')
          .replace(/^(\d+),(\d+),/, '$1,x$2,') +
        row(3).replace(/,[^,]*\r\n$/, '\r\n'),
    );
  });
  after(() => dir.remove());

  describe('validate', () => {
    it('exits 0 on the real file and names rows and version', async () => {
      const result = await whcData('validate', DATA_FILE);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.include('1121 rows').and.include(sha256(DATA_FILE));
    });

    it('exits 1 listing every error with file, line and column', async () => {
      const result = await whcData('validate', bad);
      expect(result.code).to.equal(1);
      const lines = result.stderr.trim().split('\n');
      const secondRowLine = 1 + row(1).split('\n').length;
      expect(lines).to.have.length(4);
      expect(lines[0]).to.equal(`${bad}:${secondRowLine}: column "id_no": expected an integer, got "x${records[2]?.fields[1]}"`);
      expect(lines[1]).to.match(
        new RegExp(`^${bad}:${secondRowLine}: column "category": expected one of Cultural, Natural, Mixed, got "Imaginary"$`),
      );
      expect(lines[2]).to.match(/: expected 37 fields, got 36$/);
      expect(lines[3]).to.equal('3 error(s); the file was rejected');
    });

    it('warns, with file, line and column, of each text cell a spreadsheet would run as a formula, and exits 0', async () => {
      const { file, cells } = writeFormulaFile(dir);
      const result = await whcData('validate', file);
      expect(result.code, result.stderr).to.equal(0);
      const expected = cells
        .filter((c) => looksLikeFormula(c.value))
        .map(
          (c) =>
            `${file}:${c.line}: column "${c.column}": warning: text a spreadsheet would run as a formula; CSV answers write it behind a single quote, got ${JSON.stringify(c.value)}`,
        );
      expect(expected).to.have.length(ATTACKS.length);
      expect(result.stderr.trim().split('\n')).to.deep.equal(expected);
      expect(result.stdout).to.include(`${ATTACKS.length} formula warning(s)`);
    });

    it("warns of the real file's one formula-like cell and not of the numbers", async () => {
      const result = await whcData('validate', DATA_FILE);
      const header = records[0]?.fields ?? [];
      const found = records
        .slice(1)
        .flatMap((r) => r.fields.flatMap((f, i) => (looksLikeFormula(f) ? [`${DATA_FILE}:${r.line}: column "${header[i]}":`] : [])));
      expect(found).to.have.length(1); // rev_bis "-894 Rev"; "-257" and the coordinates are numbers
      expect(
        result.stderr
          .trim()
          .split('\n')
          .map((l) => l.slice(0, l.indexOf('": ') + 2)),
      ).to.deep.equal(found);
    });

    it('exits 2 with the usage on a wrong command line', async () => {
      for (const args of [[], ['frobnicate'], ['validate'], ['publish', 'one']]) {
        const result = await whcData(...args);
        expect(result.code, args.join(' ')).to.equal(2);
        expect(result.stderr).to.include('usage: whc-data');
      }
    });
  });

  describe('describe', () => {
    it('prints rows, columns, version and size as JSON', async () => {
      const result = await whcData('describe', DATA_FILE);
      expect(result.code).to.equal(0);
      const description = JSON.parse(result.stdout) as { rows: number; columns: string[]; version: string; bytes: number };
      expect(description.rows).to.equal(1121);
      expect(description.columns).to.deep.equal(records[0]?.fields);
      expect(description.version).to.equal(sha256(DATA_FILE));
      expect(description.bytes).to.equal(readFileSync(DATA_FILE).length);
    });

    it('counts the formula cells', async () => {
      const { file } = writeFormulaFile(dir, 'described.csv');
      const result = await whcData('describe', file);
      expect(result.code).to.equal(0);
      expect((JSON.parse(result.stdout) as { formulaCells: number }).formulaCells).to.equal(ATTACKS.length);
    });
  });

  describe('publish', () => {
    it('replaces the target with a valid source, byte for byte, and leaves no temporary file', async () => {
      const target = dir.write('served.csv', readFileSync(small));
      const result = await whcData('publish', DATA_FILE, target);
      expect(result.code, result.stderr).to.equal(0);
      expect(sha256(target)).to.equal(sha256(DATA_FILE));
      expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('publishes a file with formula-like text, warning of each cell in the source', async () => {
      const { file, cells } = writeFormulaFile(dir, 'to-publish.csv');
      const target = dir.write('formulas-served.csv', readFileSync(small));
      const result = await whcData('publish', file, target);
      expect(result.code, result.stderr).to.equal(0);
      const warned = result.stderr.trim().split('\n');
      expect(warned).to.have.length(ATTACKS.length);
      expect(warned.map((l) => l.slice(0, l.indexOf(': warning:')))).to.deep.equal(
        cells.filter((c) => looksLikeFormula(c.value)).map((c) => `${file}:${c.line}: column "${c.column}"`),
      );
      expect(sha256(target)).to.equal(sha256(file));
    });

    it('leaves the target untouched when the source is invalid, and says why', async () => {
      const target = dir.write('kept.csv', readFileSync(small));
      const before = sha256(target);
      const result = await whcData('publish', bad, target);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`${bad}:`).and.include('rejected');
      expect(sha256(target)).to.equal(before);
      expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('leaves the target untouched when the source does not exist', async () => {
      const target = dir.write('kept2.csv', readFileSync(small));
      const result = await whcData('publish', `${dir.path}/absent.csv`, target);
      expect(result.code).to.equal(1);
      expect(sha256(target)).to.equal(sha256(small));
    });

    describe('a source with fewer rows than the target', () => {
      const rowsUpTo = (n: number) => text.slice(0, records[n]?.end ?? 0); // the header and n rows
      const total = records.length - 1;

      it('refuses a header and one row over the whole list, naming both counts, and keeps the target', async () => {
        const target = dir.write('whole.csv', readFileSync(DATA_FILE));
        const source = dir.write('one-row.csv', rowsUpTo(1));
        const result = await whcData('publish', source, target);
        expect(result.code).to.equal(1);
        expect(result.stderr)
          .to.include(`${source}: 1 row(s)`)
          .and.include(`of the ${total} row(s) of ${target}`)
          .and.include('--allow-shrink');
        expect(sha256(target)).to.equal(sha256(DATA_FILE));
        expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      });

      it('refuses a file cut at a row boundary below 98 % of the rows, takes one at or above it', async () => {
        const target = dir.write('whole2.csv', readFileSync(DATA_FILE));
        const under = Math.ceil(total * 0.98) - 1;
        const refused = await whcData('publish', dir.write('cut.csv', rowsUpTo(under)), target);
        expect(refused.code).to.equal(1);
        expect(refused.stderr).to.include(`${under} row(s)`);
        expect(sha256(target)).to.equal(sha256(DATA_FILE));
        const kept = await whcData('publish', dir.write('cut-less.csv', rowsUpTo(under + 1)), target);
        expect(kept.code, kept.stderr).to.equal(0);
        expect(kept.stdout).to.include(`${under + 1} rows`);
      });

      it('counts no rows of a FIFO at the target (it would never end), and replaces it', async () => {
        const target = `${dir.path}/fifo.csv`;
        execFileSync('mkfifo', [target]);
        const result = await whcData('publish', DATA_FILE, target);
        expect(result.code, result.stderr).to.equal(0);
        expect(sha256(target)).to.equal(sha256(DATA_FILE));
      });

      it('publishes it with --allow-shrink', async () => {
        const target = dir.write('whole3.csv', readFileSync(DATA_FILE));
        const source = dir.write('one-row-meant.csv', rowsUpTo(1));
        const result = await whcData('publish', '--allow-shrink', source, target);
        expect(result.code, result.stderr).to.equal(0);
        expect(sha256(target)).to.equal(sha256(source));
        expect((await whcData('publish', '--allow-shrunk', source, target)).code).to.equal(2);
      });
    });

    describe('from an http URL', () => {
      let server: Server;
      const slowStarted = new EventEmitter();
      let base: string;
      before(async () => {
        server = createServer((req, res) => {
          if (req.url === '/whc.csv') res.end(readFileSync(DATA_FILE));
          else if (req.url === '/bad.csv') res.end(readFileSync(bad));
          else if (req.url === '/slow.csv') {
            // Half the file at once, then nothing: the client is killed while it waits for the rest.
            const content = readFileSync(DATA_FILE);
            res.write(content.subarray(0, content.length / 2));
            slowStarted.emit('started');
          } else res.writeHead(404).end('not here');
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      after(() => server.close());

      it('downloads, validates and publishes a good file', async () => {
        const target = dir.write('from-url.csv', readFileSync(small));
        const result = await whcData('publish', `${base}/whc.csv`, target);
        expect(result.code, result.stderr).to.equal(0);
        expect(sha256(target)).to.equal(sha256(DATA_FILE));
      });

      it('leaves the target whole when killed mid-download', async () => {
        const target = dir.write('interrupted.csv', readFileSync(small));
        const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'publish', `${base}/slow.csv`, target], { stdio: 'ignore' });
        await new Promise<void>((resolve) => slowStarted.once('started', resolve));
        await new Promise((r) => setTimeout(r, 200));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        expect(sha256(target)).to.equal(sha256(small));
      });

      it('keeps the target on an HTTP error or an invalid download', async () => {
        const target = dir.write('from-url-kept.csv', readFileSync(small));
        const missing = await whcData('publish', `${base}/nope.csv`, target);
        expect(missing.code).to.equal(1);
        expect(missing.stderr).to.include('HTTP 404');
        expect((await whcData('publish', `${base}/bad.csv`, target)).code).to.equal(1);
        expect(sha256(target)).to.equal(sha256(small));
      });
    });
  });
});
