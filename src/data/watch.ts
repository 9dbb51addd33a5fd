/**
 * Notices when the data file changes, however it is replaced: a rename into place, an in-place
 * write, or the symlink swap Kubernetes uses for ConfigMap and Secret volumes (the file is a
 * link through `..data`, which is atomically re-pointed). Two sources, either may be off:
 *   - change events on the file's directory (fs.watch): immediate, but host directories mounted
 *     into kind through Docker Desktop often deliver none;
 *   - polling: a stat every `pollIntervalMs`, which always works.
 * Both only schedule a check; the check compares the file's identity (inode, size, times,
 * following links) with the last one seen, after `debounceMs` of quiet so a burst of writes
 * leads to one reload.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface WatchOptions {
  readonly useEvents: boolean;
  /** 0 disables polling. */
  readonly pollIntervalMs: number;
  readonly debounceMs: number;
}

export interface FileWatcher {
  close(): void;
}

/** The file's identity as stat sees it through links; 'missing' when it cannot be read. */
export async function fileSignature(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return 'missing';
  }
}

export function watchDataFile(file: string, options: WatchOptions, onChange: () => void): FileWatcher {
  let lastSeen: string | undefined;
  /** A signature polling saw that is not loaded yet: seeing it again is no new change. */
  let pending: string | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;

  const check = async () => {
    const signature = await fileSignature(file);
    pending = undefined;
    if (closed || signature === lastSeen) return;
    lastSeen = signature;
    onChange();
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), options.debounceMs);
    debounce.unref();
  };

  // The signature at start is the baseline: the initial load is the caller's.
  void fileSignature(file).then((s) => (lastSeen ??= s));

  let poller: NodeJS.Timeout | undefined;
  if (options.pollIntervalMs > 0) {
    // Only a signature not seen before restarts the quiet period: otherwise polling faster than
    // the debounce would restart it forever and the change would never load.
    poller = setInterval(
      () =>
        void fileSignature(file).then((s) => {
          if (s === lastSeen || s === pending) return;
          pending = s;
          schedule();
        }),
      options.pollIntervalMs,
    );
    poller.unref();
  }

  let watcher: FSWatcher | undefined;
  if (options.useEvents) {
    const name = basename(file);
    try {
      // The directory, not the file: a rename into place replaces the file's inode.
      watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name || String(changed).startsWith('..')) schedule();
      });
      watcher.on('error', () => watcher?.close()); // e.g. the directory went away: polling remains
    } catch {
      watcher = undefined; // no events here (missing directory, no inotify): polling remains
    }
  }

  return {
    close: () => {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poller);
      watcher?.close();
    },
  };
}
