/**
 * The memory this process may use: the container's limit (cgroup v2 `memory.max`, or v1
 * `memory.limit_in_bytes`), or undefined when there is none. Node itself sizes V8's heap from
 * the same number (`process.constrainedMemory()`, libuv's uv_get_constrained_memory); this
 * module is for the budgets the service derives from it.
 */
import { readFileSync } from 'node:fs';

const CGROUP_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];
/** cgroup v1 reports "no limit" as a huge number (PAGE_COUNTER_MAX pages). */
const NO_LIMIT_ABOVE = 2 ** 60;

export function containerMemoryLimit(files: readonly string[] = CGROUP_FILES): number | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (text === 'max') return undefined;
    const bytes = Number(text);
    if (Number.isSafeInteger(bytes) && bytes > 0 && bytes < NO_LIMIT_ABOVE) return bytes;
    return undefined;
  }
  return undefined;
}

/** An eighth of the container's limit for answers in flight (V8's heap gets three eighths, the chart sets it); without a limit, 256 MiB. */
export const RESPONSE_MEMORY_SHARE = 0.125;
export const RESPONSE_MEMORY_WITHOUT_LIMIT = 256 * 1024 * 1024;

export function defaultResponseMemory(limit: number | undefined): number {
  return limit === undefined ? RESPONSE_MEMORY_WITHOUT_LIMIT : Math.floor(limit * RESPONSE_MEMORY_SHARE);
}

/** Half the container's limit for the dataset (bodies and query index); without a limit, no budget. */
export function defaultDataMemory(limit: number | undefined): number {
  return limit === undefined ? Infinity : Math.floor(limit / 2);
}
