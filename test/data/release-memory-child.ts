/**
 * Run by release-memory.test.ts in a process of its own (nothing else allocating): loads the
 * bundled CSV, drops the dataset, optionally asks for the memory back, then watches the process's
 * ArrayBuffer bytes (where the bodies, spans and postings live) for `windowMs`. Prints, as JSON,
 * the bytes before the load, once loaded, at the end, and when they first fell back to within a
 * tenth of the dataset of where they started (null if they did not).
 */
import { loadDataset } from '../../src/data/load.js';
import { releaseUnreachableMemory } from '../../src/data/release-memory.js';

const [file, mode, windowMs] = process.argv.slice(2) as [string, 'release' | 'wait', string];
const arrayBuffers = () => process.memoryUsage().arrayBuffers;
const before = arrayBuffers();
const holder: { dataset?: unknown } = { dataset: await loadDataset(file) };
const loaded = arrayBuffers();
delete holder.dataset;
const dropped = performance.now();
if (mode === 'release') releaseUnreachableMemory();
let freedAfterMs: number | null = null;
while (performance.now() - dropped < Number(windowMs)) {
  if (freedAfterMs === null && arrayBuffers() - before < (loaded - before) * 0.1) freedAfterMs = Math.round(performance.now() - dropped);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const globalGc = typeof (globalThis as { gc?: unknown }).gc;
process.stdout.write(JSON.stringify({ before, loaded, after: arrayBuffers(), freedAfterMs, globalGc }));
