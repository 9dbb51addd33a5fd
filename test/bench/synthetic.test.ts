/**
 * The bench's synthetic data files (scripts/bench/synthetic.ts) are read by other tools too: the
 * scale figures compare whc-api with peers that load the same file. Python's csv module is the
 * oracle here, a reader independent of the project's: it reads the bundled export and the
 * synthetic file, and the synthetic rows must be the export's rows with fresh ids.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeSyntheticCsv } from '../../scripts/bench/synthetic.js';
import { openSqlitePeer } from '../../scripts/bench/peers/sqlite-peer.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

const BUNDLED = 'data/whc-sites-2019.csv';
/** More than twice the export, so copies #0, #1 and #2 of its rows are written. */
const ROWS = 2500;

/** Every record of a CSV file as Python's csv module reads it (RFC 4180 quoting, any line ends). */
function pythonRecords(file: string): string[][] {
  const script =
    'import csv, json, sys\nwith open(sys.argv[1], encoding="utf-8-sig", newline="") as f:\n  json.dump(list(csv.reader(f)), sys.stdout)';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { maxBuffer: 1 << 28 }).toString('utf8')) as string[][];
}

describe('scripts/bench/synthetic.ts', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let file: string;
  before(async function () {
    try {
      execFileSync('python3', ['--version']);
    } catch {
      this.skip(); // docs/testing.md: this test needs python3
    }
    dir = tempDir();
    file = `${dir.path}/synthetic.csv`;
    await writeSyntheticCsv(BUNDLED, ROWS, file);
  });
  after(() => dir?.remove());

  it("writes a file Python's csv module reads as the export's rows with fresh ids and suffixed names", () => {
    const [header, ...source] = pythonRecords(BUNDLED);
    const [syntheticHeader, ...rows] = pythonRecords(file);
    expect(source.length).to.equal(1121);
    expect(syntheticHeader).to.deep.equal(header);
    expect(rows.length).to.equal(ROWS);
    const id = header!.indexOf('unique_number');
    const name = header!.indexOf('name_en');
    // Descriptions with line breaks are among the rows compared: the old generator failed here.
    expect(source.some((r) => r.some((cell) => cell.includes('\n')))).to.equal(true);
    rows.forEach((row, i) => {
      const expected = [...source[i % source.length]!];
      expected[id] = String(i + 1);
      expected[name] = `${expected[name]} #${Math.floor(i / source.length)}`;
      expect(row, `record ${i + 1}`).to.deep.equal(expected);
    });
  });

  it('writes a file the SQLite peer loads whole', async () => {
    const peer = await openSqlitePeer(file);
    try {
      expect(peer.rows).to.equal(ROWS);
      const [row] = JSON.parse(peer.lookup(ROWS)!.toString()) as { unique_number: number }[];
      expect(row?.unique_number).to.equal(ROWS);
    } finally {
      peer.close();
    }
  });
});
