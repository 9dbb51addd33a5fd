import { expect } from 'chai';
import { containerMemoryLimit, defaultResponseMemory, RESPONSE_MEMORY_WITHOUT_LIMIT } from '../src/memory-limit.js';
import { tempDir } from './helpers/temp-files.js';

describe('containerMemoryLimit (cgroup files)', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('reads cgroup v2 memory.max, v1 memory.limit_in_bytes, and "no limit" in either form', () => {
    expect(containerMemoryLimit([dir.write('v2', '268435456\n')])).to.equal(268_435_456);
    expect(containerMemoryLimit([dir.write('v2-max', 'max\n')])).to.equal(undefined);
    expect(containerMemoryLimit([dir.write('v1-none', '9223372036854771712\n')])).to.equal(undefined);
    expect(containerMemoryLimit([`${dir.path}/absent`, dir.write('v1', '402653184\n')])).to.equal(402_653_184);
    expect(containerMemoryLimit([`${dir.path}/absent`])).to.equal(undefined);
  });

  it('gives answers in flight an eighth of the limit, or 256 MiB without one', () => {
    expect(defaultResponseMemory(256 * 1024 * 1024)).to.equal(32 * 1024 * 1024);
    expect(defaultResponseMemory(undefined)).to.equal(RESPONSE_MEMORY_WITHOUT_LIMIT);
  });
});
