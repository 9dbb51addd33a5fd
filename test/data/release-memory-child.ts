/**
 * Run by release-memory.test.ts in a process of its own (nothing else allocating): loads the
 * bundled CSV, drops the dataset, optionally asks for the memory back, then prints the process's
 * ArrayBuffer bytes (where the bodies, spans and postings live) at each step as JSON.
 */
import { loadDataset } from '../../src/data/load.js';
import { releaseUnreachableMemory } from '../../src/data/release-memory.js';

const [file, mode] = process.argv.slice(2) as [string, 'release' | 'wait'];
const arrayBuffers = () => process.memoryUsage().arrayBuffers;
const before = arrayBuffers();
const holder: { dataset?: unknown } = { dataset: await loadDataset(file) };
const loaded = arrayBuffers();
delete holder.dataset;
if (mode === 'release') releaseUnreachableMemory();
await new Promise((resolve) => setTimeout(resolve, 1_500));
process.stdout.write(JSON.stringify({ before, loaded, after: arrayBuffers(), globalGc: typeof (globalThis as { gc?: unknown }).gc }));
