/**
 * A memory-limited child cgroup for one test, as a container runtime makes one: cgroup v2 with
 * the memory controller (`memory.max`), or v1's memory hierarchy (`memory.limit_in_bytes`, swap
 * included when the kernel accounts it). Needs root. `create` answers why not when it cannot.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  readonly dir: string;
  /** The command that moves itself into the cgroup, then runs its arguments (for `spawnService`'s `prefix`). */
  readonly enter: readonly string[];
  /** How many processes the kernel's OOM killer ended in it so far. */
  oomKills(): number;
  /** Removes it (its processes must have exited); retries while the kernel lets the last one go. */
  remove(): Promise<void>;
}

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/** Mount points by file system type and super options, from /proc/self/mountinfo. */
function mountOf(type: string, option?: string): string | undefined {
  for (const line of (read('/proc/self/mountinfo') ?? '').split('\n')) {
    const [before, after] = line.split(' - ');
    const [fsType, , superOptions] = (after ?? '').split(' ');
    if (fsType !== type) continue;
    if (option !== undefined && !(superOptions ?? '').split(',').includes(option)) continue;
    return (before ?? '').split(' ')[4];
  }
  return undefined;
}

const oomKillsIn = (file: string): number => Number(/^oom_kill (\d+)$/m.exec(read(file) ?? '')?.[1] ?? 0);

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup | string {
  if (process.getuid?.() !== 0) return 'not running as root: a child cgroup cannot be made';
  const v2 = mountOf('cgroup2');
  const v2HasMemory = v2 !== undefined && (read(join(v2, 'cgroup.controllers')) ?? '').split(/\s+/).includes('memory');
  try {
    if (v2 !== undefined && v2HasMemory) {
      const control = join(v2, 'cgroup.subtree_control');
      if (!(read(control) ?? '').split(/\s+/).includes('memory')) writeFileSync(control, '+memory');
      const dir = join(v2, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.max'), String(limitBytes));
      if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
      return handle(dir, () => oomKillsIn(join(dir, 'memory.events')));
    }
    const v1 = mountOf('cgroup', 'memory');
    if (v1 === undefined) return 'no cgroup v2 with the memory controller and no cgroup v1 memory hierarchy is mounted';
    const own = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/m.exec(read('/proc/self/cgroup') ?? '')?.[1] ?? '/';
    const dir = join(v1, own, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
    return handle(dir, () => oomKillsIn(join(dir, 'memory.oom_control')));
  } catch (error) {
    return `the cgroup file system is not writable here: ${(error as Error).message}`;
  }
}

function handle(dir: string, oomKills: () => number): MemoryCgroup {
  return {
    dir,
    // $0 is the cgroup.procs file; the shell writes its own pid there, then becomes the command.
    enter: ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', join(dir, 'cgroup.procs')],
    oomKills,
    remove: async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(dir);
          return;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  };
}
