/**
 * Run by builders-released.test.ts in a process of its own: loads the CSV named, keeps the
 * dataset, and prints, as JSON, how many of each builder the heap still holds (v8.queryObjects
 * collects the garbage first) and the rows served.
 */
import { queryObjects } from 'node:v8';
import { DatasetBuilder } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { QueryIndexBuilder } from '../../src/query/searchable-site.js';
import { WordIndexBuilder } from '../../src/query/word-index.js';

const dataset = await loadDataset(process.argv[2] as string);
const count = (constructor: abstract new (...args: never[]) => unknown) => queryObjects(constructor, { format: 'count' });
process.stdout.write(
  JSON.stringify({
    rows: dataset.version.rows,
    site230: dataset.site(230) !== undefined,
    DatasetBuilder: count(DatasetBuilder),
    QueryIndexBuilder: count(QueryIndexBuilder),
    WordIndexBuilder: count(WordIndexBuilder),
  }),
);
