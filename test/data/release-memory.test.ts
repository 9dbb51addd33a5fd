/**
 * A load's garbage, and a dataset a reload replaced, go back as soon as the load ends
 * (src/data/release-memory.ts), not at V8's next full collection. Each case runs in a process of
 * its own on the bundled CSV and watches its buffers for the same window: one asks for the
 * memory, the control only waits.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { runNode } from '../helpers/node-process.js';
import { DATA_FILE } from '../helpers/reference-csv.js';

const CHILD = join(import.meta.dirname, 'release-memory-child.ts');
/** Measured: the request frees them in 20-50 ms; unasked, V8 had not within 15 s. */
const WINDOW_MS = 5_000;

interface Steps {
  before: number;
  loaded: number;
  after: number;
  freedAfterMs: number | null;
  globalGc: string;
}

async function steps(mode: 'release' | 'wait'): Promise<Steps> {
  const result = await runNode(['--import', 'tsx', CHILD, DATA_FILE, mode, String(WINDOW_MS)]);
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as Steps;
}

describe('memory a load leaves behind (real processes, bundled CSV)', function () {
  this.timeout(60_000);

  it('is returned once asked for, where the control still holds it after the same wait', async () => {
    const [released, control] = await Promise.all([steps('release'), steps('wait')]);
    for (const s of [released, control]) expect(s.loaded - s.before, 'the dataset holds megabytes of buffers').to.be.greaterThan(2_000_000);
    expect(released.freedAfterMs, `buffers still held: ${JSON.stringify(released)}`).to.not.equal(null);
    expect(control.freedAfterMs, `the control: V8 freed them by itself: ${JSON.stringify(control)}`).to.equal(null);
  });

  it('leaves no `gc` in the global scope', async () => {
    expect((await steps('release')).globalGc).to.equal('undefined');
  });
});
