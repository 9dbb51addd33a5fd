/**
 * A load's garbage, and a dataset a reload replaced, go back as soon as the load ends
 * (src/data/release-memory.ts), not at V8's next full collection. Each case runs in a process of
 * its own on the bundled CSV: one asks for the memory, the control only waits as long.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { DATA_FILE } from '../helpers/reference-csv.js';
import { runNode } from '../helpers/node-process.js';

const CHILD = join(import.meta.dirname, 'release-memory-child.ts');

interface Steps {
  before: number;
  loaded: number;
  after: number;
  globalGc: string;
}

async function steps(mode: 'release' | 'wait'): Promise<Steps> {
  const result = await runNode(['--import', 'tsx', CHILD, DATA_FILE, mode]);
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as Steps;
}

describe('memory a load leaves behind (real processes, bundled CSV)', function () {
  this.timeout(60_000);

  it('is returned within moments of the request, where the control still holds it', async () => {
    const [released, control] = await Promise.all([steps('release'), steps('wait')]);
    for (const s of [released, control]) expect(s.loaded - s.before, 'the dataset holds megabytes of buffers').to.be.greaterThan(2_000_000);
    const dataset = released.loaded - released.before;
    expect(released.after - released.before, 'buffers left after the request').to.be.below(dataset * 0.1);
    expect(control.after - control.before, 'the control: V8 had not freed them by itself').to.be.greaterThan((control.loaded - control.before) * 0.5);
  });

  it('leaves no `gc` in the global scope', async () => {
    expect((await steps('release')).globalGc).to.equal('undefined');
  });
});
