/**
 * Where log lines go: a file descriptor (stdout), written in batches. Each line is encoded as
 * UTF-8 into one buffer as it comes, and the buffer is written with one write(2) once it holds a
 * batch (4 KiB), at the latest when `flush` is called (logger.ts does each second), and before
 * the process exits. Lines keep their order and are never cut.
 *
 * Why not pino's own `pino.destination({ sync: false })` (sonic-boom 4): its `write` measures the
 * whole string still waiting (`Buffer.byteLength` of the last pending chunk, which each line's
 * `+=` leaves as a rope to flatten again), so a line costs in proportion to what waits before it.
 * Under 50 connections of lookups that was about 7 µs a line, a quarter of a lookup's CPU on the
 * main thread; with this writer the lookup costs what it does with no request log at all
 * (docs/performance.md). Its write in flight at `exit` was also lost.
 *
 * A pipe's reader can fall behind (a container runtime's log reader, `| pino-pretty`), and Node
 * makes stdout non-blocking as soon as anything touches `process.stdout`: the write then answers
 * EAGAIN. The writer never waits for it while the service runs: it keeps what the pipe did not
 * take, up to MAX_HELD_BYTES, and tries again at the next batch or flush. Past that bound new lines
 * are dropped whole until the reader has taken everything held, and their count is written in
 * their place (`droppedNotice`): a stalled reader costs neither unbounded memory nor a stalled
 * service, and a reader that catches up finds one warning a stall.
 */
import { writeSync } from 'node:fs';

/** What pino needs of a destination, plus the synchronous flush for the process's exit. */
export interface BatchWriter {
  /** Adds one line (pino's lines end in `\n`); false when it was dropped. */
  write(line: string): boolean;
  /** Writes what is held, as far as the descriptor takes it now; pino's `logger.flush(callback)` calls it. */
  flush(callback?: (error?: Error) => void): void;
  /** Writes what is held, waiting up to about a second for a reader that is behind: for the process's `exit`. */
  flushSync(): void;
}

export interface BatchWriterOptions {
  /** Bytes gathered before a write (BATCH_BYTES). */
  readonly batchBytes?: number;
  /** Most bytes held for a reader that is behind (MAX_HELD_BYTES); also the longest line. */
  readonly maxHeldBytes?: number;
  /** The line that stands for `lines` dropped lines, written where they would have been. */
  readonly droppedNotice?: (lines: number) => string;
}

/** Bytes gathered before a write: at 250-byte request lines, 16 of them a system call. */
export const BATCH_BYTES = 4096;
/** What a reader that is behind may leave held: some 4,000 request lines. Only the pages used are resident. */
export const MAX_HELD_BYTES = 1024 * 1024;
/** At exit, a reader that is behind is waited for this often, 10 ms apart. */
const EXIT_RETRIES = 100;

let sleepCell: Int32Array | undefined;
/** Blocks the thread for `ms`, at exit only. The cell is made on first use: a V8 startup snapshot's builder has no SharedArrayBuffer. */
const sleep = (ms: number) => void Atomics.wait((sleepCell ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms);

const plainNotice = (lines: number) => `{"level":"warn","droppedLines":${lines},"msg":"log lines dropped: stdout was not read"}\n`;

export function createBatchWriter(fd: number, options: BatchWriterOptions = {}): BatchWriter {
  const batchBytes = options.batchBytes ?? BATCH_BYTES;
  const droppedNotice = options.droppedNotice ?? plainNotice;
  const buffer = Buffer.allocUnsafe(options.maxHeldBytes ?? MAX_HELD_BYTES);
  /** Bytes [start, used) are held: written by no write yet. */
  let start = 0;
  let used = 0;
  let dropped = 0;

  /**
   * Writes what is held; false when the descriptor would block (EAGAIN). A descriptor that fails
   * otherwise (EPIPE: no reader) loses the bytes, not the caller.
   */
  const writeHeld = (): boolean => {
    while (start < used) {
      try {
        start += writeSync(fd, buffer, start, used - start);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
        start = used;
      }
    }
    start = 0;
    used = 0;
    return true;
  };

  /** Room for `bytes` more, moving what is held to the front if need be. */
  const makeRoom = (bytes: number): boolean => {
    if (used + bytes <= buffer.length) return true;
    if (start > 0) {
      buffer.copy(buffer, 0, start, used);
      used -= start;
      start = 0;
    }
    return used + bytes <= buffer.length;
  };

  /** Room for `bytes` more, writing what is held if need be. */
  const roomFor = (bytes: number): boolean => {
    if (makeRoom(bytes)) return true;
    writeHeld();
    return makeRoom(bytes);
  };

  return {
    write(line) {
      // Once lines are dropped, they are until the reader has taken everything held: one notice
      // a stall, not one each time a shorter line would fit.
      if (dropped > 0 && !writeHeld()) {
        dropped += 1;
        return false;
      }
      const bytes = Buffer.byteLength(line);
      const notice = dropped > 0 ? droppedNotice(dropped) : '';
      if (!roomFor(notice === '' ? bytes : Buffer.byteLength(notice) + bytes)) {
        dropped += 1;
        return false;
      }
      if (notice !== '') used += buffer.write(notice, used);
      dropped = 0;
      used += buffer.write(line, used);
      if (used - start >= batchBytes) writeHeld();
      return true;
    },
    flush(callback) {
      writeHeld();
      callback?.();
    },
    flushSync() {
      const notice = dropped > 0 ? droppedNotice(dropped) : '';
      if (notice !== '' && roomFor(Buffer.byteLength(notice))) {
        used += buffer.write(notice, used);
        dropped = 0;
      }
      for (let retry = 0; !writeHeld() && retry < EXIT_RETRIES; retry++) sleep(10);
    },
  };
}
