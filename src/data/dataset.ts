/**
 * The in-memory dataset: each site's response bodies, prepared once at load so that answering a
 * lookup does no serialisation, and indexed by `unique_number`.
 *
 * The bodies are the storage. Decoded rows are not kept beside them: a row's text would then be
 * held twice (as JavaScript strings and as UTF-8 JSON), and at a million rows the strings alone
 * fill most of V8's default 4 GB heap, whose garbage collector then runs almost constantly
 * (docs/benchmarks.md). `rows`, which only the query engine needs, is parsed back from the
 * bodies on first use; JSON round-trips these values exactly, keys in column order.
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
  /** Every row, in file order; parsed from the bodies on first use. */
  readonly rows: readonly Row[];
  site(uniqueNumber: number): Site | undefined;
}

const ETAG_VERSION_CHARS = 16;

/** Collects rows as bodies while a file loads; the ETags wait for the file's hash, known at the end. */
export class DatasetBuilder {
  readonly #bodies: { readonly uniqueNumber: number; readonly body: Buffer }[] = [];

  add(row: Row): void {
    this.#bodies.push({ uniqueNumber: row.unique_number, body: Buffer.from(`[${JSON.stringify(row)}]`, 'utf8') });
  }

  get size(): number {
    return this.#bodies.length;
  }

  build(version: Omit<DatasetVersion, 'rows'>): Dataset {
    const versionTag = version.id.slice(0, ETAG_VERSION_CHARS);
    const sites = new Map<number, Site>();
    for (const { uniqueNumber, body } of this.#bodies) {
      sites.set(uniqueNumber, {
        queryBody: body,
        queryEtag: `"${versionTag}-q${uniqueNumber}"`,
        siteBody: body.subarray(1, body.length - 1),
        siteEtag: `"${versionTag}-s${uniqueNumber}"`,
      });
    }
    let rows: readonly Row[] | undefined;
    return {
      version: { ...version, rows: sites.size },
      get rows() {
        return (rows ??= [...sites.values()].map((site) => JSON.parse(site.siteBody.toString('utf8')) as Row));
      },
      site: (uniqueNumber) => sites.get(uniqueNumber),
    };
  }
}

/** A dataset from rows already decoded (tests, tools). */
export function buildDataset(rows: readonly Row[], version: Omit<DatasetVersion, 'rows'>): Dataset {
  const builder = new DatasetBuilder();
  for (const row of rows) builder.add(row);
  return builder.build(version);
}
