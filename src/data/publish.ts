/**
 * Publishes a data file so that readers never see half of one: the source (a path or an http(s)
 * URL) is copied to a hidden temporary file beside the target, flushed to disk, validated with
 * the service's own loader, and only then renamed over the target (rename is atomic within one
 * filesystem). A bad or unreachable source leaves the target untouched.
 *
 * A valid file can still be a cut one: a download that stopped exactly at a row boundary, or a
 * header and one row, is well-formed CSV (issue 24). So a source with fewer than
 * MIN_KEPT_FRACTION of the rows of the file it replaces is refused unless `allowShrink`
 * (`whc-data publish --allow-shrink`) says the shrink is meant; docs/data-updates.md says why
 * the fraction, and why the service's own reloads do not apply the rule.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvSyntaxError, readCsvRecords } from './csv-records.js';
import { DataFileError, type DataError } from './data-error.js';
import { NotRegularFileError, openRegularFile } from './data-file.js';
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

/**
 * The fewest rows a new file may keep of the one it replaces. The list only grows but for
 * delistings (three sites in its history), so a real update loses far less than 2 % (22 of 1121
 * rows); a cut at a random row boundary is caught 49 times in 50.
 */
export const MIN_KEPT_FRACTION = 0.98;

/** A new file with fewer rows than the rule allows, which `allowShrink` would have let through. */
export class ShrinkRefusedError extends Error {
  constructor(source: string, target: string, rows: number, replacedRows: number) {
    super(
      `${source}: ${rows} row(s), fewer than ${MIN_KEPT_FRACTION * 100} % of the ${replacedRows} row(s) of ${target}, which it would replace; ` +
        'a source cut short looks like this. The target is unchanged; to publish it anyway, pass --allow-shrink',
    );
    this.name = 'ShrinkRefusedError';
  }
}

/**
 * The data rows of the file being replaced, counted as CSV records without decoding them; undefined
 * when there is no such file or it is not readable CSV (a broken target is what a publish repairs).
 */
async function rowsOf(file: string): Promise<number | undefined> {
  let records = 0;
  try {
    // A regular file only: a FIFO at the target would never end (data-file.ts).
    const { handle } = await openRegularFile(file);
    try {
      for await (const record of readCsvRecords(handle.createReadStream())) if (record.fields.length > 0) records += 1;
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError || error instanceof NotRegularFileError || (error as NodeJS.ErrnoException).code !== undefined)
      return undefined;
    throw error;
  }
  return Math.max(0, records - 1);
}

export interface PublishOptions {
  /** Publish even when the new file has fewer than MIN_KEPT_FRACTION of the rows it replaces. */
  readonly allowShrink?: boolean;
  /** Told of each formula-like text cell (load.ts's `warn`), located in the source. */
  readonly warn?: (warning: DataError) => void;
}

export async function publishDataFile(source: string, target: string, options: PublishOptions = {}): Promise<DatasetVersion> {
  const temporary = temporaryPathFor(target);
  try {
    await pipeline(await openSource(source), createWriteStream(temporary, { flags: 'wx', mode: 0o644 }));
    await fsyncPath(temporary);
    // Validate the bytes that will be renamed, not the source, which may change meanwhile.
    const { warn } = options;
    const dataset = await loadDataset(temporary, warn === undefined ? {} : { warn: (w) => warn({ ...w, file: source }) });
    if (options.allowShrink !== true) {
      const replacedRows = await rowsOf(target);
      if (replacedRows !== undefined && dataset.version.rows < replacedRows * MIN_KEPT_FRACTION)
        throw new ShrinkRefusedError(source, target, dataset.version.rows, replacedRows);
    }
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
