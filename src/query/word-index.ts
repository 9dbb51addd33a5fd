/**
 * An inverted index of the words `q` searches: the distinct folded words in sorted order, each
 * with the positions of the sites that hold it. A search term is a word prefix, so its words are
 * one contiguous range of the sorted list, found by binary search: a query reads the postings of
 * the matching words instead of testing every word of every site.
 */
import { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';
import { markAscending, readAscending, varintLength, writeVarint } from './varint.js';

export interface WordIndex {
  /** Distinct words, sorted by code unit (the order `<` and `startsWith` agree on). */
  readonly words: readonly string[];
  /**
   * For each word, the ascending positions of the sites that hold it, as the varints of their gaps
   * (src/query/varint.ts), one word after another: a position takes one or two bytes here, where a
   * `Uint32Array` a word took four (490 bytes a row at 100,000 rows, docs/large-files.md).
   */
  readonly postings: Uint8Array;
  /** Where each word's postings start in `postings`; one more entry, where the last word's end. */
  readonly starts: Float64Array;
}

/** Bytes of a chunk of the sites' word numbers: a site's numbers are never split between two. */
const CHUNK_BYTES = 1 << 20;

/**
 * Collects each site's distinct words as it is added, as numbers: one word list per site (about
 * 100 strings each) was 90 MB of heap at 100,000 rows while the file loaded, and interning them
 * through a `Set` per site a third of the index's time. A site's numbers are kept sorted, as the
 * varints of their gaps, in chunks of fixed size: 1.2 bytes a number at 100,000 rows, where one
 * `Uint32Array` grown by doubling took four, up to eight with its unused half, and a copy at each
 * doubling (docs/large-files.md).
 */
export class WordIndexBuilder {
  readonly #idOf = new Map<string, number>();
  readonly #text: string[] = [];
  /** The site that last held each word: a word repeated within a site is counted once. */
  readonly #lastSite: number[] = [];
  /** The word numbers of the site being added, reused from site to site. */
  #site = new Uint32Array(256);
  readonly #chunkBytes: number;
  #chunks: Uint8Array[];
  /** Bytes used in the last chunk. */
  #used = 0;
  /** Each site's chunk, and where its bytes end in it: they start where the site before's end, or at 0 in a new chunk. */
  readonly #chunkOf: number[] = [];
  readonly #endOf: number[] = [];

  /** `chunkBytes` is for tests, to see sites written across many chunks. */
  constructor(chunkBytes = CHUNK_BYTES) {
    this.#chunkBytes = chunkBytes;
    this.#chunks = [new Uint8Array(chunkBytes)];
  }

  /** The words of the next site (its place is the number of sites added before it). */
  add(words: Iterable<string>): void {
    const site = this.#chunkOf.length;
    let count = 0;
    for (const word of words) {
      let id = this.#idOf.get(word);
      if (id === undefined) {
        id = this.#text.length;
        // A copy: a word split from a long text may be a slice of it, which would keep the whole text.
        const own = word.length < 13 ? word : Buffer.from(word, 'utf8').toString('utf8');
        this.#idOf.set(own, id);
        this.#text.push(own);
        this.#lastSite.push(-1);
      }
      if (this.#lastSite[id] === site) continue;
      this.#lastSite[id] = site;
      if (count === this.#site.length) {
        const grown = new Uint32Array(count * 2);
        grown.set(this.#site);
        this.#site = grown;
      }
      this.#site[count++] = id;
    }
    this.#write(this.#site.subarray(0, count).sort());
  }

  /** Appends one site's ascending word numbers, in a new chunk when the last has no room for them. */
  #write(ids: Uint32Array): void {
    let bytes = 0;
    for (let i = 0; i < ids.length; i++) bytes += varintLength((ids[i] as number) - (i === 0 ? 0 : (ids[i - 1] as number)));
    let chunk = this.#chunks[this.#chunks.length - 1] as Uint8Array;
    if (this.#used + bytes > chunk.length) {
      chunk = new Uint8Array(Math.max(this.#chunkBytes, bytes));
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    for (let i = 0; i < ids.length; i++)
      this.#used = writeVarint(chunk, this.#used, (ids[i] as number) - (i === 0 ? 0 : (ids[i - 1] as number)));
    this.#chunkOf.push(this.#chunks.length - 1);
    this.#endOf.push(this.#used);
  }

  /**
   * `order[p]` is the site (by the order they were added) at position `p` of the index. Reads the
   * sites in position order twice, so each word's positions come ascending: once to size each
   * word's postings, once to write them into one array of exactly their bytes. Asks `checkpoint`
   * between slices of sites, so a large file's index never holds the loop for long.
   */
  async build(order: ArrayLike<number>, checkpoint: Checkpoint = NO_PAUSE): Promise<WordIndex> {
    const count = this.#text.length;
    const sorted = this.#text.map((_, id) => id).sort((a, b) => compare(this.#text[a] as string, this.#text[b] as string));
    const rank = new Uint32Array(count);
    sorted.forEach((id, r) => (rank[id] = r));
    /** Each word's last position so far: its next gap is counted from there (from 0 at first). */
    const last = new Uint32Array(count);
    const starts = new Float64Array(count + 1);
    await this.#forEachSite(order, checkpoint, (ids, n, position) => {
      for (let i = 0; i < n; i++) {
        const r = rank[ids[i] as number] as number;
        starts[r + 1] = (starts[r + 1] as number) + varintLength(position - (last[r] as number));
        last[r] = position;
      }
    });
    for (let r = 0; r < count; r++) starts[r + 1] = (starts[r + 1] as number) + (starts[r] as number);
    const postings = new Uint8Array(starts[count] as number);
    const next = starts.slice(0, count);
    last.fill(0);
    await this.#forEachSite(order, checkpoint, (ids, n, position) => {
      for (let i = 0; i < n; i++) {
        const r = rank[ids[i] as number] as number;
        next[r] = writeVarint(postings, next[r] as number, position - (last[r] as number));
        last[r] = position;
      }
    });
    this.#chunks = [];
    return { words: sorted.map((id) => this.#text[id] as string), postings, starts };
  }

  /**
   * Calls `fn` with each site's word numbers (the first `n` of `ids`) and its position, in position
   * order: once a site, not once a number, as the search marks its postings without a call a number.
   */
  #forEachSite(
    order: ArrayLike<number>,
    checkpoint: Checkpoint,
    fn: (ids: Uint32Array, n: number, position: number) => void,
  ): Promise<void> {
    const chunks = this.#chunks;
    const chunkOf = this.#chunkOf;
    const endOf = this.#endOf;
    // The largest site's numbers fitted in it while they were added.
    const ids = this.#site;
    return forEachSliced(order, checkpoint, (site, position) => {
      const chunk = chunkOf[site] as number;
      const start = site > 0 && chunkOf[site - 1] === chunk ? (endOf[site - 1] as number) : 0;
      fn(ids, readAscending(chunks[chunk] as Uint8Array, start, endOf[site] as number, ids), position);
    });
  }
}

/** Code-unit order: the order `<` and `startsWith` agree on. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The index of sites given as word lists, in position order (tests, and callers with few sites). */
export function buildWordIndex(wordsBySite: readonly (readonly string[])[], checkpoint: Checkpoint = NO_PAUSE): Promise<WordIndex> {
  const builder = new WordIndexBuilder();
  for (const words of wordsBySite) builder.add(words);
  return builder.build(
    wordsBySite.map((_, i) => i),
    checkpoint,
  );
}

/** The first index in `words` whose word is not below `prefix`. */
function lowerBound(words: readonly string[], prefix: string): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((words[middle] as string) < prefix) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Marks (with 1) the positions of the sites holding a word that starts with `prefix`. */
export function sitesWithPrefix(index: WordIndex, prefix: string, siteCount: number): Uint8Array {
  const { words, postings, starts } = index;
  const mask = new Uint8Array(siteCount);
  for (let i = lowerBound(words, prefix); i < words.length && (words[i] as string).startsWith(prefix); i++)
    markAscending(postings, starts[i] as number, starts[i + 1] as number, mask);
  return mask;
}
