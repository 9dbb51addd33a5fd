/**
 * Publishes a data file so that readers never see half of one: the source (a path or an http(s)
 * URL) is copied to a hidden temporary file beside the target, flushed to disk, validated with
 * the service's own loader, and only then renamed over the target (rename is atomic within one
 * filesystem). A bad or unreachable source leaves the target untouched.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataFileError } from './data-error.js';
import type { DatasetVersion } from './dataset.js';
import { download } from './download.js';
import { loadDataset } from './load.js';

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function openSource(source: string): Promise<Readable> {
  return isUrl(source) ? download(source) : createReadStream(source);
}

/** A hidden name in the target's directory: same filesystem (so rename is atomic), ignored by watchers of the target. */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function publishDataFile(source: string, target: string): Promise<DatasetVersion> {
  const temporary = temporaryPathFor(target);
  try {
    await pipeline(await openSource(source), createWriteStream(temporary, { flags: 'wx', mode: 0o644 }));
    await fsyncPath(temporary);
    // Validate the bytes that will be renamed, not the source, which may change meanwhile.
    const dataset = await loadDataset(temporary);
    await rename(temporary, target);
    await fsyncPath(dirname(target)).catch(() => undefined); // durability of the rename; not every filesystem allows it
    return { ...dataset.version, file: target };
  } catch (error) {
    await rm(temporary, { force: true });
    // Errors name the source the user gave, not the temporary copy that was checked.
    if (error instanceof DataFileError) throw new DataFileError(error.errors.map((e) => ({ ...e, file: source })));
    throw error;
  }
}
