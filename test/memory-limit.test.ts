import { expect } from 'chai';
import {
  cgroupLimitFiles,
  containerMemoryLimit,
  defaultDataMemory,
  defaultResponseMemory,
  RESPONSE_MEMORY_WITHOUT_LIMIT,
} from '../src/memory-limit.js';
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

  it('takes the smallest limit of the files given', () => {
    expect(
      containerMemoryLimit([dir.write('own', 'max\n'), dir.write('parent', '536870912\n'), dir.write('grandparent', '1073741824\n')]),
    ).to.equal(536_870_912);
  });

  it("finds the process's own cgroup and its ancestors, v1 and v2, from /proc/self/cgroup", () => {
    const v1 = '12:pids:/a\n4:memory:/process_api/x1/test\n1:name=systemd:/\n0::/\n';
    expect(cgroupLimitFiles(v1, '/cg')).to.deep.equal([
      '/cg/memory/process_api/x1/test/memory.limit_in_bytes',
      '/cg/memory/process_api/x1/memory.limit_in_bytes',
      '/cg/memory/process_api/memory.limit_in_bytes',
      '/cg/memory/memory.limit_in_bytes',
      '/cg/memory.max',
      '/cg/unified/memory.max',
    ]);
    expect(cgroupLimitFiles('0::/kubepods/pod1\n', '/cg')).to.deep.equal([
      '/cg/kubepods/pod1/memory.max',
      '/cg/unified/kubepods/pod1/memory.max',
      '/cg/kubepods/memory.max',
      '/cg/unified/kubepods/memory.max',
      '/cg/memory.max',
      '/cg/unified/memory.max',
    ]);
    expect(cgroupLimitFiles('', '/cg')).to.deep.equal([]);
  });

  it('gives answers in flight an eighth of the limit, or 256 MiB without one', () => {
    expect(defaultResponseMemory(256 * 1024 * 1024)).to.equal(32 * 1024 * 1024);
    expect(defaultResponseMemory(undefined)).to.equal(RESPONSE_MEMORY_WITHOUT_LIMIT);
  });

  it('gives the dataset an eighth of the limit, room for the two a reload holds (test/reliability/reload-memory.test.ts), or no budget without one', () => {
    expect(defaultDataMemory(256 * 1024 * 1024)).to.equal(32 * 1024 * 1024);
    expect(defaultDataMemory(undefined)).to.equal(Infinity);
  });
});
