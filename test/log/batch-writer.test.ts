/** The log's batch writer (src/log/batch-writer.ts) on real files: what reaches the file, when, and in what order. */
import { expect } from 'chai';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { BATCH_BYTES, createBatchWriter } from '../../src/log/batch-writer.js';
import { tempDir } from '../helpers/temp-files.js';

describe('the log batch writer', () => {
  const dir = tempDir();
  after(() => dir.remove());
  let files = 0;
  const open = () => {
    const path = `${dir.path}/log-${files++}.ndjson`;
    return { path, fd: openSync(path, 'w') };
  };

  it('writes whole lines in order, in batches, holding less than a batch between writes; flush writes the rest', () => {
    const { path, fd } = open();
    const writer = createBatchWriter(fd);
    let sent = '';
    let writes = 0;
    let previousSize = 0;
    for (let i = 0; i < 500; i++) {
      const line = `${JSON.stringify({ n: i, pad: 'x'.repeat(i % 300) })}\n`;
      writer.write(line);
      sent += line;
      const onDisk = readFileSync(path, 'utf8');
      if (onDisk.length !== previousSize) writes += 1;
      previousSize = onDisk.length;
      expect(sent.startsWith(onDisk), `line ${i}: the file is what was sent, in order`).to.equal(true);
      expect(onDisk === '' || onDisk.endsWith('\n'), `line ${i}: no line cut`).to.equal(true);
      expect(Buffer.byteLength(sent) - Buffer.byteLength(onDisk), `line ${i}: bytes held`).to.be.below(BATCH_BYTES);
    }
    // Far fewer writes than lines: 500 lines of 19-321 bytes, about 74 KB, make about 18 batches.
    expect(writes).to.be.within(
      Math.floor(Buffer.byteLength(sent) / (BATCH_BYTES + 400)),
      Math.ceil(Buffer.byteLength(sent) / BATCH_BYTES),
    );
    let called = false;
    writer.flush(() => (called = true));
    expect(called).to.equal(true);
    expect(readFileSync(path, 'utf8')).to.equal(sent);
    closeSync(fd);
  });

  it('keeps UTF-8 whole, whatever the batch boundaries; a line up to its bound is written, a longer one is counted in its place', () => {
    const { path, fd } = open();
    const writer = createBatchWriter(fd, { maxHeldBytes: 64 * 1024, droppedNotice: (n) => `{"dropped":${n}}\n` });
    const lines = [
      ...Array.from({ length: 300 }, (_, i) => `{"path":"/été/${'日本'.repeat(i % 37)}😀${i}"}\n`),
      `{"big":"${'é'.repeat(30_000)}"}\n`,
      `{"too big":"${'é'.repeat(40_000)}"}\n`,
      '{"after":"the big lines"}\n',
    ];
    const accepted = lines.map((line) => writer.write(line));
    writer.flushSync();
    expect(accepted.indexOf(false)).to.equal(301);
    expect(readFileSync(path, 'utf8')).to.equal([...lines.slice(0, 301), '{"dropped":1}\n', lines[302]].join(''));
    closeSync(fd);
  });

  it('loses the batch, not the caller, when the descriptor cannot take it', () => {
    // A descriptor no process has (EBADF): a closed one's number could be reused by the next open.
    const writer = createBatchWriter(1_000_000);
    for (let i = 0; i < 100; i++) expect(writer.write(`${'y'.repeat(200)}\n`)).to.equal(true);
    expect(() => writer.flushSync()).to.not.throw();
  });
});
