/**
 * The log's batch writer (src/log/batch-writer.ts) against a real pipe whose reader falls behind:
 * a FIFO opened non-blocking, as Node leaves stdout when it is a pipe. Slow tier: `mkfifo` is a
 * process. Nothing here waits on the writer's behalf: a writer that waited for the reader (the
 * first version slept up to a second a batch) runs past mocha's timeout.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { createBatchWriter } from '../../src/log/batch-writer.js';
import { tempDir } from '../helpers/temp-files.js';

/** Everything the pipe holds now, as text. */
function drain(fd: number): string {
  const chunk = Buffer.alloc(64 * 1024);
  let text = '';
  for (;;) {
    let n = 0;
    try {
      n = readSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
    if (n === 0) return text;
    text += chunk.toString('utf8', 0, n);
  }
}

describe('the log batch writer, when the pipe reader falls behind', function () {
  this.timeout(20_000);
  const dir = tempDir();
  after(() => dir.remove());

  it('never waits: it holds what the pipe cannot take up to its bound, drops whole lines past it, and says how many where they were', () => {
    const fifo = join(dir.path, 'stdout');
    execFileSync('mkfifo', [fifo]);
    // Read-write, so that opening does not wait for a reader; non-blocking, as Node leaves stdout.
    const writeEnd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const writer = createBatchWriter(writeEnd, { maxHeldBytes: 64 * 1024, droppedNotice: (n) => `{"dropped":${n}}\n` });
      const line = (n: number) => `${JSON.stringify({ n, text: `é${'x'.repeat(n % 300)}` })}\n`;
      // Nobody reads: the pipe takes its capacity (64 KiB on Linux), the writer holds up to 64 KiB more.
      const sent = 3000;
      const accepted = Array.from({ length: sent }, (_, n) => writer.write(line(n)));
      const dropped = accepted.filter((ok) => !ok).length;
      expect(dropped, 'lines dropped').to.be.above(0);
      expect(accepted.indexOf(false), 'lines are dropped only once the bound is reached').to.be.above(200);
      expect(
        accepted.slice(accepted.indexOf(false)).every((ok) => !ok),
        'and from then on, until the pipe takes lines again',
      ).to.equal(true);

      // The reader catches up; each flush writes what the pipe takes; then logging goes on.
      let text = drain(readEnd);
      for (let i = 0; i < 10; i++) {
        writer.flush();
        text += drain(readEnd);
      }
      for (let n = sent; n < sent + 5; n++) expect(writer.write(line(n))).to.equal(true);
      writer.flushSync();
      text += drain(readEnd);

      const read = text.split('\n');
      expect(read.pop(), 'the text ends with a whole line').to.equal('');
      const parsed = read.map((l) => JSON.parse(l) as { n?: number; dropped?: number });
      const kept = sent - dropped;
      expect(parsed.map((p) => p.n ?? `dropped ${p.dropped}`)).to.deep.equal([
        ...Array.from({ length: kept }, (_, n) => n),
        `dropped ${dropped}`,
        ...Array.from({ length: 5 }, (_, i) => sent + i),
      ]);
      expect(read.slice(0, kept)).to.deep.equal(Array.from({ length: kept }, (_, n) => line(n).slice(0, -1)));
    } finally {
      closeSync(writeEnd);
      closeSync(readEnd);
    }
  });
});
