/**
 * A dataset keeps what it serves, not what built it: each site reads its body through the
 * dataset builder's rows, and a function that closed over the builder made every site keep it
 * (its row lists, the query index's and the word index's builders) for as long as the dataset
 * was served. Counted in a process of its own, with the dataset alive and answering.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { runNode } from '../helpers/node-process.js';
import { DATA_FILE, referenceData } from '../helpers/reference-csv.js';

const CHILD = join(import.meta.dirname, 'builders-released-child.ts');

describe('builders a load leaves behind (a real process, bundled CSV)', () => {
  it('holds no dataset, query index or word index builder once the dataset is built', async () => {
    const result = await runNode(['--no-warnings', '--import', 'tsx', CHILD, DATA_FILE]);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({
      rows: referenceData().rows.length,
      site230: true,
      DatasetBuilder: 0,
      QueryIndexBuilder: 0,
      WordIndexBuilder: 0,
    });
  });
});
