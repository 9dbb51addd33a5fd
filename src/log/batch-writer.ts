/**
 * Where log lines go: a file descriptor (stdout), written in batches. Each line is encoded as
 * UTF-8 into one buffer as it comes, and the buffer is written with one write(2) once it holds a
 * batch (4 KiB), at the latest when `flush` is called (logger.ts does each second), and before
 * the process exits. Lines keep their order, and none is held past the process's `exit`.
 *
 * Why not pino's own `pino.destination({ sync: false })` (sonic-boom 4): its `write` measures the
 * whole string still waiting (`Buffer.byteLength` of the last pending chunk, which each line's
 * `+=` leaves as a rope to flatten again), so a line costs in proportion to what waits before it.
 * Under 50 connections of lookups that was about 7 µs a line, a quarter of a lookup's CPU on the
 * main thread; with this writer the lookup costs what it does with no request log at all
 * (docs/performance.md). Its write in flight at `exit` was also lost.
 *
 * The write is synchronous, like pino's default destination and Node's own stdout on Linux: a
 * reader that stops reading stalls the service rather than growing its memory, and one batch
 * needs one system call where a write per line needed one each.
 */
import { writeSync } from 'node:fs';

/** What pino needs of a destination, plus the synchronous flush its exit handler calls. */
export interface BatchWriter {
  /** Adds one line (pino's lines end in `\n`); writes the batch when it is full. */
  write(line: string): boolean;
  /** Writes what is held; pino's `logger.flush(callback)` calls it. */
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
}

/** Bytes gathered before a write: the pipe buffer's page, and at 250-byte request lines 16 of them. */
export const BATCH_BYTES = 4096;
/** The buffer lines are gathered in; a longer line gets one of its own size, once. */
const BUFFER_BYTES = 64 * 1024;
/** A non-blocking descriptor whose reader is behind answers EAGAIN: retried this often, a millisecond apart, then the batch is dropped. */
const EAGAIN_RETRIES = 1000;

const sleepOneMs = (() => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return () => void Atomics.wait(cell, 0, 0, 1);
})();

export function createBatchWriter(fd: number, batchBytes = BATCH_BYTES): BatchWriter {
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;

  /** Writes everything held. A descriptor that cannot take it (EPIPE: the reader is gone) loses the batch, not the service. */
  const writeHeld = () => {
    let written = 0;
    let retries = 0;
    while (written < used) {
      try {
        written += writeSync(fd, buffer, written, used - written);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++retries > EAGAIN_RETRIES) break;
        sleepOneMs();
      }
    }
    used = 0;
    if (buffer.length > BUFFER_BYTES) buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  };

  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (used + bytes > buffer.length) {
        writeHeld();
        if (bytes > buffer.length) buffer = Buffer.allocUnsafe(bytes);
      }
      used += buffer.write(line, used);
      if (used >= batchBytes) writeHeld();
      return true;
    },
    flush(callback) {
      writeHeld();
      callback?.();
    },
    flushSync: writeHeld,
  };
}
