import { expect } from 'chai';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchDataFile, type FileWatcher } from '../../src/data/watch.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';

/** Resolves when onChange has been called `times` times, or rejects after `timeoutMs`. */
function changes(times: number, timeoutMs: number, start: (onChange: () => void) => FileWatcher): Promise<FileWatcher> {
  return new Promise((resolve, reject) => {
    let count = 0;
    // Assigned once, below, but read by the timeout's closure first: it cannot be a const.
    // eslint-disable-next-line prefer-const
    let watcher: FileWatcher | undefined;
    const timer = setTimeout(() => {
      watcher?.close();
      reject(new Error(`${count} of ${times} changes noticed within ${timeoutMs} ms`));
    }, timeoutMs);
    watcher = start(() => {
      count++;
      if (count === times) {
        clearTimeout(timer);
        resolve(watcher as FileWatcher);
      }
    });
  });
}

describe('watchDataFile', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('notices a change by polling alone, also when polling is faster than the debounce', async () => {
    const file = dir.write('a.csv', 'one');
    const noticed = changes(1, 3000, (onChange) => watchDataFile(file, { useEvents: false, pollIntervalMs: 20, debounceMs: 150 }, onChange));
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(file, 'two, longer');
    (await noticed).close();
  });

  it('notices a rename into place by change events alone, and a burst of writes as one change', async () => {
    const file = dir.write('b.csv', 'one');
    const calls: number[] = [];
    const watcher = watchDataFile(file, { useEvents: true, pollIntervalMs: 0, debounceMs: 100 }, () => calls.push(Date.now()));
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir.path, '.b.tmp'), `version ${i}`);
      renameSync(join(dir.path, '.b.tmp'), file);
    }
    await new Promise((r) => setTimeout(r, 600));
    watcher.close();
    expect(calls).to.have.length(1);
  });
});
