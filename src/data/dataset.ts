/**
 * The in-memory dataset: each site's response bodies, prepared once at load so that answering a
 * lookup does no serialisation, indexed by `unique_number`, and the query index, built at load
 * too, so that no search pays for it (at 300,000 rows building it on the first search blocked
 * every request for over a minute, then ran out of heap: issue 17).
 *
 * The bodies are the storage. Decoded rows are not kept beside them: a row's text would then be
 * held twice (as JavaScript strings and as UTF-8 JSON), and at a million rows the strings alone
 * fill most of V8's default 4 GB heap, whose garbage collector then runs almost constantly
 * (docs/benchmarks.md). The query index keeps only the few values filters, sorts and facets read.
 */
import { forEachSliced, NO_PAUSE, QueryIndexBuilder, type Checkpoint, type QueryIndex, type StoredRows } from '../query/searchable-site.js';
import { SPAN_WORDS_PER_ROW, scanBody, unpackSpans } from './body-spans.js';
import type { Row } from './row.js';

export interface DatasetVersion {
  /** sha256 of the file's bytes, hex: the same file always gets the same id. */
  readonly id: string;
  readonly rows: number;
  readonly loadedAt: Date;
  readonly file: string;
}

/** One site's bodies; the version id names the file they came from (ETags: src/http/representation/etag.ts). */
export interface Site {
  /** `[row]` as UTF-8 JSON: the body of `/query?unique_number=N`, the original service's shape. */
  readonly queryBody: Buffer;
  /** The row alone, `/sites/N`'s body: a view into `queryBody` without its brackets. */
  readonly siteBody: Buffer;
}

export interface Dataset {
  readonly version: DatasetVersion;
  /** What searches run on, built at load. */
  readonly index: QueryIndex;
  /** Every row, in file order, parsed from the bodies on each call (tools and tests; the service never asks). */
  readonly rows: readonly Row[];
  site(uniqueNumber: number): Site | undefined;
}

/**
 * A site as one lookup sees it. The `/sites` form is derived on access: the `/query` lookup, the
 * hot path, makes only what it sends.
 */
class SiteView implements Site {
  readonly queryBody: Buffer;

  constructor(queryBody: Buffer) {
    this.queryBody = queryBody;
  }

  get siteBody(): Buffer {
    return this.queryBody.subarray(1, this.queryBody.length - 1);
  }
}

/**
 * Bodies are written one after another into large slabs. A site is then three numbers (slab,
 * start, end) in typed arrays, and its `Site` views are made when asked for: at a million rows,
 * a buffer, a view and two ETag strings kept per site would be millions of long-lived objects for
 * every full garbage collection to mark.
 */
const SLAB_BYTES = 8 * 1024 * 1024;

/**
 * Heap a site's index entry takes beside its body (the object, its sets and word postings),
 * measured at 1,085 bytes with 100,000 rows of the scaling bench's synthetic file, plus 16 bytes
 * for its two coordinate columns, about 24 for its places in the criteria positions and 8 for its
 * place in the category positions (counted, not measured): the memory budget counts it with the
 * bodies' bytes. Since lists are shared between sites and words are numbered while the file
 * loads, and the word numbers and postings are kept as varint gaps, a built index holds about 450
 * bytes a site (790 measured before them, less 340 of postings), and the build holds for a moment
 * beside it each site's word numbers, about 150 bytes (docs/large-files.md). The figure is kept,
 * generous, until it is measured again at both sizes.
 */
export const INDEX_BYTES_PER_SITE = 1133;

/** Where each value lies in a site's body (src/data/body-spans.ts): one 32-bit word per column. */
export const SPAN_BYTES_PER_SITE = SPAN_WORDS_PER_ROW * 4;

/** Rows read through `box`, whose rows are set once the build is done. */
function storedRowsOf(box: { readonly rows: StoredRows }): StoredRows {
  return { body: (position) => box.rows.body(position), spans: (position, into) => box.rows.spans(position, into) };
}

/**
 * The same dataset (its index and bodies shared, not copied), recorded as loaded at `loadedAt`: a
 * dataset loaded elsewhere and served now (the startup snapshot's, built with the image) counts
 * as loaded when the process checked the file and began serving it, as a load at start would.
 */
export function loadedAgainAt(dataset: Dataset, loadedAt: Date): Dataset {
  return {
    version: { ...dataset.version, loadedAt },
    index: dataset.index,
    get rows() {
      return dataset.rows;
    },
    // Bound, not wrapped: every lookup calls it.
    site: dataset.site.bind(dataset),
  };
}

/** Collects rows as bodies while a file loads; the version waits for the file's hash, known at the end. */
export class DatasetBuilder {
  readonly #ids: number[] = [];
  readonly #slabOf: number[] = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #slabs: Buffer[] = [];
  readonly #index = new QueryIndexBuilder();
  /** Packed value spans, SPAN_WORDS_PER_ROW per row, grown by doubling while the file loads. */
  #spanWords = new Uint32Array(1024 * SPAN_WORDS_PER_ROW);
  #used = 0;
  #slabBytes = 0;
  /** Set by `build`: until then no body is read. */
  readonly #stored: { rows: StoredRows } = {
    rows: {
      body: () => {
        throw new Error('the dataset is still loading');
      },
      spans: () => {
        throw new Error('the dataset is still loading');
      },
    },
  };
  /**
   * What each site reads its body and spans through. Its functions hold the `#stored` box, not the
   * builder: every site keeps them, so through `this` every site kept the whole builder (its row
   * lists and the index's builders) for as long as the dataset was served.
   */
  readonly #storedRows: StoredRows = storedRowsOf(this.#stored);

  add(row: Row): void {
    const json = `[${JSON.stringify(row)}]`;
    const length = Buffer.byteLength(json, 'utf8');
    let slab = this.#slabs[this.#slabs.length - 1];
    if (slab === undefined || this.#used + length > slab.length) {
      slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length));
      this.#slabs.push(slab);
      this.#slabBytes += slab.length;
      this.#used = 0;
    }
    const start = this.#used;
    this.#used += slab.write(json, start, 'utf8');
    const position = this.#ids.length;
    if ((position + 1) * SPAN_WORDS_PER_ROW > this.#spanWords.length) {
      const grown = new Uint32Array(this.#spanWords.length * 2);
      grown.set(this.#spanWords);
      this.#spanWords = grown;
    }
    scanBody(slab.subarray(start, this.#used), this.#spanWords, position * SPAN_WORDS_PER_ROW);
    this.#index.add(row, this.#storedRows, position);
    this.#ids.push(row.unique_number);
    this.#slabOf.push(this.#slabs.length - 1);
    this.#starts.push(start);
    this.#ends.push(this.#used);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** What the dataset will hold: its slabs, value spans and index entries (an estimate, see INDEX_BYTES_PER_SITE). */
  get estimatedBytes(): number {
    return this.#slabBytes + this.#ids.length * (INDEX_BYTES_PER_SITE + SPAN_BYTES_PER_SITE);
  }

  /** Asks `checkpoint` between slices of its work (src/data/time-slices.ts), so a large file's build never holds the loop for long. */
  async build(version: Omit<DatasetVersion, 'rows'>, checkpoint: Checkpoint = NO_PAUSE): Promise<Dataset> {
    const slabs = this.#slabs;
    // The last slab, copied to the bytes written: its unwritten rest is never resident, but it is
    // counted as the process's memory (arrayBuffers) and written whole into a V8 startup snapshot
    // (the bundled file's 2.5 MB of bodies in an 8 MB slab; docs/performance.md).
    const last = slabs.length - 1;
    if (last >= 0) slabs[last] = Buffer.from((slabs[last] as Buffer).subarray(0, this.#used));
    const slabOf = Uint32Array.from(this.#slabOf);
    const starts = Uint32Array.from(this.#starts);
    const ends = Uint32Array.from(this.#ends);
    // unique_number -> position: small integers both, so the Map holds no objects.
    const positions = new Map<number, number>();
    await forEachSliced(this.#ids, checkpoint, (id, position) => positions.set(id, position));
    const body = (position: number): Buffer => (slabs[slabOf[position] as number] as Buffer).subarray(starts[position], ends[position]);
    // Trimmed to the rows loaded: up to half the grown array would otherwise stay allocated.
    const spanWords = this.#spanWords.slice(0, this.#ids.length * SPAN_WORDS_PER_ROW);
    this.#spanWords = new Uint32Array(0);
    this.#stored.rows = { body, spans: (position, into) => unpackSpans(spanWords, position * SPAN_WORDS_PER_ROW, into) };
    const index = await this.#index.build(checkpoint);

    return {
      version: { ...version, rows: positions.size },
      index,
      get rows() {
        return Array.from(positions.values(), (position) => {
          const queryBody = body(position);
          return JSON.parse(queryBody.toString('utf8', 1, queryBody.length - 1)) as Row;
        });
      },
      site: (uniqueNumber) => {
        const position = positions.get(uniqueNumber);
        return position === undefined ? undefined : new SiteView(body(position));
      },
    };
  }
}
