/**
 * Opening a data file without ever blocking, and the rule for when a file is stable enough to load.
 *
 * A plain open() of a FIFO blocks until a writer appears. It blocks a libuv thread-pool thread,
 * and process.exit() then waits for that thread forever (measured on Node 26: SIGTERM logged
 * "shutdown complete" and the process never ended). With O_NONBLOCK, open() of a FIFO returns at
 * once; fstat on the descriptor then says what the path really is (through any links) and only a
 * regular file is read. O_NONBLOCK changes nothing for regular files.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** Raised for paths that are not regular files; `message` names what it is instead. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREGULAR';
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens `file` for reading if it is a regular file; never waits for a writer. */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFileError(`is ${kindOf(stats)}; only a regular file is read`);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The same, synchronously, for a start that checks a file before it listens (the startup
 * snapshot's, src/snapshot/entry.ts): the descriptor is the caller's to close.
 */
export function openRegularFileSync(file: string): { fd: number; stats: Stats } {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotRegularFileError(`is ${kindOf(stats)}; only a regular file is read`);
    return { fd, stats };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Size and modification time: what a writer appending or rewriting in place changes. */
export const sameContent = (a: Stats, b: Stats): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs;

/** The same inode with the same content. */
export const sameFile = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino && sameContent(a, b);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The stability rule: a file is taken once its size and modification time have not changed for
 * `quietMs` (a file last modified longer ago than that is taken at once, so start-up waits for
 * nothing). The loader checks again after reading (`sameFile`), so a write
 * that lands while the file is read is never served either. A writer that pauses for longer
 * than `quietMs` in the middle of a file cannot be told from a finished one: publish by rename
 * (`whc-data publish`) for that.
 */
export async function waitUntilQuiet(file: string, quietMs: number, cancelled: () => boolean = () => false): Promise<void> {
  if (quietMs <= 0) return;
  let last = await stat(file).catch(() => undefined);
  while (last !== undefined && !cancelled() && Date.now() - last.mtimeMs < quietMs) {
    await sleep(quietMs);
    const now = await stat(file).catch(() => undefined);
    if (now === undefined || sameContent(now, last)) return;
    last = now;
  }
}
