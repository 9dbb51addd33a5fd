/**
 * The in-memory dataset: decoded rows, their index by `unique_number`, and the response bodies
 * prepared once at load so that answering a lookup does no serialisation.
 */
import type { Row } from './row.js';

export interface DatasetVersion {
  /** sha256 of the file's bytes, hex: the same file always gets the same id. */
  readonly id: string;
  readonly rows: number;
  readonly loadedAt: Date;
  readonly file: string;
}

/** One site with what the HTTP layer sends for it. */
export interface Site {
  readonly row: Row;
  /** `[row]` as UTF-8 JSON: the body of `/query?unique_number=N`, the original service's shape. */
  readonly queryBody: Buffer;
  /** Strong ETag of `queryBody`: the version id names the bytes of the file the body came from. */
  readonly queryEtag: string;
  /** The row alone, `/sites/N`'s body: a view into `queryBody` without its brackets. */
  readonly siteBody: Buffer;
  readonly siteEtag: string;
}

export interface Dataset {
  readonly version: DatasetVersion;
  readonly rows: readonly Row[];
  site(uniqueNumber: number): Site | undefined;
}

const ETAG_VERSION_CHARS = 16;

export function buildDataset(rows: readonly Row[], version: DatasetVersion): Dataset {
  const sites = new Map<number, Site>();
  const versionTag = version.id.slice(0, ETAG_VERSION_CHARS);
  for (const row of rows) {
    const queryBody = Buffer.from(`[${JSON.stringify(row)}]`, 'utf8');
    sites.set(row.unique_number, {
      row,
      queryBody,
      queryEtag: `"${versionTag}-q${row.unique_number}"`,
      siteBody: queryBody.subarray(1, queryBody.length - 1),
      siteEtag: `"${versionTag}-s${row.unique_number}"`,
    });
  }
  return {
    version,
    rows,
    site: (uniqueNumber) => sites.get(uniqueNumber),
  };
}
