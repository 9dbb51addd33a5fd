/**
 * Node's snapshot builder (26.12.1; Node 24 too) has no explicit resource management:
 * `DisposableStack` and `Symbol.dispose` are undefined in it, and V8 crashes (SIGSEGV in
 * `Factory::NewJSDisposableStackBase`) on the first `using` declaration it runs. Node's own
 * `fs/promises` `stat()` and `FileHandle#stat()` run one (`raceWithSignal` in
 * lib/internal/fs/promises.js), and the loader calls both. While the snapshot's dataset is loaded
 * they are swapped for the callback API's `stat` and `fstat`; the originals are back before the
 * snapshot is taken, so a start runs Node's own.
 */
import { fstat, stat as statWithCallback } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

/** Runs `run` with fs/promises' stat and FileHandle#stat free of `using`; `file`: any readable file (to reach FileHandle's prototype). */
export async function withoutUsingDeclarations<T>(file: string, run: () => Promise<T>): Promise<T> {
  const handle = await open(file);
  const fileHandle = Object.getPrototypeOf(handle) as { stat: (this: { fd: number }) => Promise<unknown> };
  await handle.close();
  // The module object itself, which the bundle's other modules read `stat` from at each call (an
  // `import * as` would be esbuild's copy of it).
  const fsPromises = process.getBuiltinModule('node:fs/promises') as { stat: unknown };
  const originalStat = fsPromises.stat;
  const originalHandleStat = fileHandle.stat;
  const statAsync = promisify(statWithCallback);
  const fstatAsync = promisify(fstat);
  fsPromises.stat = (path: string) => statAsync(path);
  fileHandle.stat = function stat() {
    return fstatAsync(this.fd);
  };
  try {
    return await run();
  } finally {
    fsPromises.stat = originalStat;
    fileHandle.stat = originalHandleStat;
  }
}
