import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNode, type Finished } from '../helpers/node-process.js';
import { ATTACKS, looksLikeFormula, writeFormulaFile } from '../helpers/formula-csv.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const CLI = fileURLToPath(new URL('../../src/cli/data.ts', import.meta.url));

/** Runs the CLI from its source, as a process. */
const whcData = (...args: string[]): Promise<Finished> => runNode(['--import', 'tsx', CLI, ...args]);

/**
 * Every `file:line:column: ... got "value"` error points at its value: the text of the file at that
 * line and character column starts with it (quoted or not). Read from the file, not from the CLI.
 */
function expectPointsAtValues(stderr: string): number {
  let checked = 0;
  for (const line of stderr.trim().split('\n')) {
    const m = /^(.+):(\d+):(\d+): .*, got (".*")$/.exec(line);
    if (m === null) continue;
    const [, file = '', lineNo = '', column = '', shown = ''] = m;
    const value = JSON.parse(shown) as string;
    const text = (readFileSync(file, 'utf8').split('\n')[Number(lineNo) - 1] ?? '').slice(Number(column) - 1);
    // Quoted, a cell doubles its quotes; up to the end of the line, for a value that spans lines.
    const written = [value, `"${value.replaceAll('"', '""')}`].map((v) => v.split('\n')[0] ?? '');
    expect(
      written.some((w) => text.startsWith(w)),
      `${line}\npoints at: ${text.slice(0, 40)}`,
    ).to.equal(true);
    checked++;
  }
  return checked;
}

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

    it('exits 1 listing every error as file:line:column: with the column name and field number', async () => {
      const result = await whcData('validate', bad);
      expect(result.code).to.equal(1);
      const lines = result.stderr.trim().split('\n');
      const secondRowLine = 1 + row(1).split('\n').length;
      const header = records[0]?.fields ?? [];
      expect(lines).to.have.length(4);
      // id_no is the second field, on the record's first line: right after "<unique_number>,".
      const idColumn = (records[2]?.fields[0]?.length ?? 0) + 2;
      expect(lines[0]).to.equal(
        `${bad}:${secondRowLine}:${idColumn}: column "id_no" (field ${header.indexOf('id_no') + 1}): expected an integer, got "x${records[2]?.fields[1]}"`,
      );
      expect(lines[1]).to.match(
        new RegExp(
          `^${bad}:\\d+:\\d+: column "category" \\(field ${header.indexOf('category') + 1}\\): expected one of Cultural, Natural, Mixed, got "Imaginary"$`,
        ),
      );
      expect(lines[2]).to.match(/: expected 37 fields, got 36$/);
      expect(lines[3]).to.equal('3 error(s); the file was rejected');
      expect(expectPointsAtValues(result.stderr), 'errors located at their value').to.equal(2);
    });

    it('warns, at file:line:column:, of each text cell a spreadsheet would run as a formula, and exits 0', async () => {
      const { file, cells } = writeFormulaFile(dir);
      const result = await whcData('validate', file);
      expect(result.code, result.stderr).to.equal(0);
      const expected = cells
        .filter((c) => looksLikeFormula(c.value))
        .map(
          (c) =>
            `${file}:${c.line}:${c.character}: column "${c.column}" (field ${c.field}): warning: text a spreadsheet would run as a formula; CSV answers write it behind a single quote, got ${JSON.stringify(c.value)}`,
        );
      expect(expected).to.have.length(ATTACKS.length);
      expect(result.stderr.trim().split('\n')).to.deep.equal(expected);
      expect(expectPointsAtValues(result.stderr), 'warnings located at their value').to.equal(ATTACKS.length);
      expect(result.stdout).to.include(`${ATTACKS.length} formula warning(s)`);
    });

    it("warns of the real file's one formula-like cell and not of the numbers", async () => {
      const result = await whcData('validate', DATA_FILE);
      const header = records[0]?.fields ?? [];
      const found = records
        .slice(1)
        .flatMap((r) =>
          r.fields.flatMap((f, i) => (looksLikeFormula(f) ? [`column "${header[i]}" (field ${i + 1}) ${JSON.stringify(f)}`] : [])),
        );
      expect(found).to.have.length(1); // rev_bis "-894 Rev"; "-257" and the coordinates are numbers
      const warned = result.stderr
        .trim()
        .split('\n')
        .map((l) => /^(.+):\d+:\d+: (column "\w+" \(field \d+\)): warning: .*, got (".*")$/.exec(l))
        .map((w) => (w === null ? null : `${w[2]} ${w[3]}`));
      expect(warned).to.deep.equal(found);
      expect(expectPointsAtValues(result.stderr), 'warning located at its value').to.equal(1);
    });

    it('reads a file named like an option after --', async () => {
      const named = dir.write('--help', readFileSync(small));
      const result = await runNode(
        ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, CLI, 'validate', '--', '--help'],
        { cwd: dir.path },
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.equal(`--help: valid, 2 rows, version ${sha256(named)}\n`);
    });
  });

  describe('the command line', () => {
    for (const args of [['--help'], ['-h'], ['validate', '--help'], ['describe', '-h'], ['publish', '--help'], ['-h', 'publish']]) {
      it(`${args.join(' ')}: the usage on stdout, exit 0, nothing run`, async () => {
        const result = await whcData(...args);
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stderr).to.equal('');
        expect(result.stdout).to.match(/^usage: whc-data /);
        const command = args.find((a) => !a.startsWith('-'));
        if (command !== undefined) expect(result.stdout).to.include(`whc-data ${command} [options]`).and.include('--help');
        else for (const name of ['validate', 'describe', 'publish']) expect(result.stdout).to.include(`whc-data ${name} `);
      });
    }

    it("publish --help lists publish's own option, --allow-shrink", async () => {
      const result = await whcData('publish', '--help');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout.split('\n').filter((l) => l.trimStart().startsWith('--allow-shrink '))).to.have.length(1);
    });

    it('exits 2 with the usage on stderr on a wrong command line, and names what is wrong', async () => {
      const cases: [string[], string][] = [
        [[], 'no command given'],
        [['frobnicate'], 'unknown command "frobnicate"'],
        [['validate'], 'validate takes 1 operand, got 0'],
        [['publish', 'one'], 'publish takes 2 operands, got 1'],
        [['validate', 'a', 'b'], 'validate takes 1 operand, got 2'],
        [['--bogus'], "Unknown option '--bogus'"],
        [['validate', '--bogus', DATA_FILE], "Unknown option '--bogus'"],
        [['validate', '--allow-shrink', DATA_FILE], "Unknown option '--allow-shrink'"],
      ];
      for (const [args, reason] of cases) {
        const result = await whcData(...args);
        expect(result.code, args.join(' ')).to.equal(2);
        expect(result.stdout, args.join(' ')).to.equal('');
        expect(result.stderr, args.join(' ')).to.include(`whc-data: ${reason}`).and.include('usage: whc-data');
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
        cells
          .filter((c) => looksLikeFormula(c.value))
          .map((c) => `${file}:${c.line}:${c.character}: column "${c.column}" (field ${c.field})`),
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

      it('takes --allow-shrink after the operands too', async () => {
        const target = dir.write('whole4.csv', readFileSync(DATA_FILE));
        const source = dir.write('one-row-meant-too.csv', rowsUpTo(1));
        const result = await whcData('publish', source, target, '--allow-shrink');
        expect(result.code, result.stderr).to.equal(0);
        expect(sha256(target)).to.equal(sha256(source));
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
          } else if (req.url === '/cut.csv') {
            // Half the file, then the connection is cut.
            const content = readFileSync(DATA_FILE);
            res.writeHead(200, { 'Content-Length': String(content.length) });
            res.write(content.subarray(0, content.length / 2), () => res.socket?.destroy());
          } else if (req.url === '/moved.csv') res.writeHead(302, { Location: '/gone.csv' }).end();
          else res.writeHead(404).end('not here');
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

      describe('a failed download names the URL and the cause, and keeps the target', () => {
        const failing = async (url: string, name: string): Promise<string> => {
          const target = dir.write(name, readFileSync(small));
          const result = await whcData('publish', url, target);
          expect(result.code, result.stderr).to.equal(1);
          expect(sha256(target)).to.equal(sha256(small));
          expect(result.stderr).to.match(new RegExp(`^whc-data: cannot download ${url.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}: `));
          expect(result.stderr.trim().split('\n'), 'one line').to.have.length(1);
          return result.stderr;
        };

        it('connection refused: a port nothing listens on', async () => {
          const closed = createServer();
          await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
          const port = (closed.address() as AddressInfo).port;
          await new Promise((resolve) => closed.close(resolve));
          const stderr = await failing(`http://127.0.0.1:${port}/whc.csv`, 'refused.csv');
          expect(stderr).to.include(`connect ECONNREFUSED 127.0.0.1:${port}`).and.not.include('fetch failed');
        });

        it('TLS: https to a server that speaks plain HTTP', async () => {
          const stderr = await failing(`${base.replace('http:', 'https:')}/whc.csv`, 'tls.csv');
          expect(stderr).to.match(/: TLS: [a-z ]+ \(ERR_SSL_[A-Z_]+\)$/m);
        });

        it('the connection cut mid-body', async () => {
          const stderr = await failing(`${base}/cut.csv`, 'cut.csv');
          expect(stderr).to.include('the download broke off: ');
        });

        it('an HTTP error after a redirect names where it was sent', async () => {
          const stderr = await failing(`${base}/moved.csv`, 'moved.csv');
          expect(stderr).to.include(`HTTP 404 Not Found (redirected to ${base}/gone.csv)`);
        });

        it('a password in the URL is never shown', async () => {
          const target = dir.write('password.csv', readFileSync(small));
          const result = await whcData('publish', `${base.replace('http://', 'http://user:s3cret@')}/whc.csv`, target);
          expect(result.code).to.equal(1);
          expect(result.stderr).to.include('cannot download http://user:***@127.0.0.1:').and.not.include('s3cret');
        });
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
        expect(missing.stderr).to.equal(`whc-data: cannot download ${base}/nope.csv: HTTP 404 Not Found\n`);
        expect((await whcData('publish', `${base}/bad.csv`, target)).code).to.equal(1);
        expect(sha256(target)).to.equal(sha256(small));
      });
    });
  });
});
