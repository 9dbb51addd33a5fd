/**
 * The memory this process may use: the container's limit (cgroup v2 `memory.max`, or v1
 * `memory.limit_in_bytes`, the smallest of its cgroup and their ancestors'), or undefined when
 * there is none: the budgets the service derives (answers in flight, the dataset). Node reads the
 * same limit (`process.constrainedMemory()`), but V8's default heap limit does not fit it: in a
 * 256 MiB cgroup, Node 26 measured a 262 MB heap limit. So the chart sets the heap itself
 * (`--max-old-space-size`, three eighths of the limit), and test/reliability/cgroup-limit.test.ts
 * checks both in a real limited cgroup.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** cgroup v1 reports "no limit" as a huge number (PAGE_COUNTER_MAX pages). */
const NO_LIMIT_ABOVE = 2 ** 60;

const readOrUndefined = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The files holding the memory limits that apply to a process, from its `/proc/self/cgroup`:
 * its own cgroup's and every ancestor's, v2 (`memory.max`) and v1 (`memory.limit_in_bytes`).
 * In a container the process's cgroup is the namespace's root (`0::/`), the mount's own files;
 * outside one (a systemd unit, a test's child cgroup) the root files are the machine's, not the
 * process's: reading only those missed a 256 MiB limit entirely (issue 17).
 */
export function cgroupLimitFiles(procSelfCgroup: string, root = '/sys/fs/cgroup'): string[] {
  const files: string[] = [];
  for (const line of procSelfCgroup.split('\n')) {
    const [id, controllers, ...rest] = line.split(':');
    const path = rest.join(':');
    if (controllers === undefined || !path.startsWith('/')) continue;
    const v2 = id === '0' && controllers === '';
    if (!v2 && !controllers.split(',').includes('memory')) continue;
    const [bases, file] = v2 ? [[root, `${root}/unified`], 'memory.max'] : [[`${root}/memory`], 'memory.limit_in_bytes'];
    for (let dir = path; ; dir = posix.dirname(dir)) {
      for (const base of bases) files.push(posix.join(base, dir, file));
      if (dir === '/') break;
    }
  }
  return files;
}

/** The smallest limit any of `files` sets ("max", v1's huge "no limit" and absent files set none). */
export function containerMemoryLimit(
  files: readonly string[] = [...new Set([...cgroupLimitFiles(readOrUndefined('/proc/self/cgroup') ?? ''), ...CGROUP_ROOT_FILES])],
): number | undefined {
  let limit: number | undefined;
  for (const file of files) {
    const text = readOrUndefined(file)?.trim();
    if (text === undefined || text === 'max') continue;
    const bytes = Number(text);
    if (Number.isSafeInteger(bytes) && bytes > 0 && bytes < NO_LIMIT_ABOVE) limit = Math.min(limit ?? bytes, bytes);
  }
  return limit;
}

const CGROUP_ROOT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/** An eighth of the container's limit for answers in flight (V8's heap gets three eighths, the chart sets it); without a limit, 256 MiB. */
export const RESPONSE_MEMORY_SHARE = 0.125;
export const RESPONSE_MEMORY_WITHOUT_LIMIT = 256 * 1024 * 1024;

export function defaultResponseMemory(limit: number | undefined): number {
  return limit === undefined ? RESPONSE_MEMORY_WITHOUT_LIMIT : Math.floor(limit * RESPONSE_MEMORY_SHARE);
}

/**
 * An eighth of the container's limit for the dataset (bodies and index, as the loader estimates
 * them); without a limit, no budget. A reload holds two datasets while the new one loads (the old
 * one is served until the swap), and V8's heap is three eighths of the limit: measured, a dataset
 * keeps about 37 % of its estimate on V8's heap and its load makes about as much again in garbage.
 * With half the limit (the earlier default), a file just under the budget exhausted the heap at
 * start-up in a 256 MiB cgroup, and with a quarter its reload did (SIGABRT, peak RSS 209 MB
 * before the reload): test/reliability/reload-memory.test.ts, docs/data-updates.md. The bundled
 * list takes about 4 MiB: 32 MiB at the chart's 256 MiB is about 8,000 rows.
 */
export const DATA_MEMORY_SHARE = 0.125;

export function defaultDataMemory(limit: number | undefined): number {
  return limit === undefined ? Infinity : Math.floor(limit * DATA_MEMORY_SHARE);
}
