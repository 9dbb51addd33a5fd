/**
 * An inverted index of the words `q` searches: the distinct folded words in sorted order, each
 * with the positions of the sites that hold it. A search term is a word prefix, so its words are
 * one contiguous range of the sorted list, found by binary search: a query reads the postings of
 * the matching words instead of testing every word of every site.
 */
import { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';

export interface WordIndex {
  /** Distinct words, sorted by code unit (the order `<` and `startsWith` agree on). */
  readonly words: readonly string[];
  /** For each word, the ascending positions of the sites that hold it. */
  readonly postings: readonly Uint32Array[];
}

/**
 * Collects each site's distinct words as it is added, as numbers: one word list per site (about
 * 100 strings each) was 90 MB of heap at 100,000 rows while the file loaded, and interning them
 * through a `Set` per site a third of the index's time (docs/large-files.md).
 */
export class WordIndexBuilder {
  readonly #idOf = new Map<string, number>();
  readonly #text: string[] = [];
  /** The site that last held each word: a word repeated within a site is counted once. */
  readonly #lastSite: number[] = [];
  /** Every site's word ids, one after another, and where each site's end. */
  #ids = new Uint32Array(4096);
  #used = 0;
  readonly #ends: number[] = [];

  /** The words of the next site (its place is the number of sites added before it). */
  add(words: Iterable<string>): void {
    const site = this.#ends.length;
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
      if (this.#used === this.#ids.length) {
        const grown = new Uint32Array(this.#ids.length * 2);
        grown.set(this.#ids);
        this.#ids = grown;
      }
      this.#ids[this.#used++] = id;
    }
    this.#ends.push(this.#used);
  }

  /**
   * `order[p]` is the site (by the order they were added) at position `p` of the index. The
   * postings of all words share one array; each word's is a view of it. Asks `checkpoint` between
   * slices of sites, so a large file's index never holds the loop for long.
   */
  async build(order: ArrayLike<number>, checkpoint: Checkpoint = NO_PAUSE): Promise<WordIndex> {
    const ids = this.#ids;
    const ends = this.#ends;
    const sorted = this.#text.map((_, id) => id).sort((a, b) => compare(this.#text[a] as string, this.#text[b] as string));
    const rank = new Uint32Array(sorted.length);
    sorted.forEach((id, r) => (rank[id] = r));
    const starts = new Uint32Array(sorted.length + 1);
    for (let i = 0; i < this.#used; i++) (starts[(rank[ids[i] as number] as number) + 1] as number)++;
    for (let r = 0; r < sorted.length; r++) starts[r + 1] = (starts[r + 1] as number) + (starts[r] as number);
    const next = starts.slice(0, sorted.length);
    const postings = new Uint32Array(this.#used);
    await forEachSliced(order, checkpoint, (site, position) => {
      for (let i = site === 0 ? 0 : (ends[site - 1] as number); i < (ends[site] as number); i++) {
        const r = rank[ids[i] as number] as number;
        postings[(next[r] as number)++] = position;
      }
    });
    this.#ids = new Uint32Array(0);
    return {
      words: sorted.map((id) => this.#text[id] as string),
      postings: sorted.map((_, r) => postings.subarray(starts[r], starts[r + 1])),
    };
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
  const mask = new Uint8Array(siteCount);
  for (let i = lowerBound(index.words, prefix); i < index.words.length && (index.words[i] as string).startsWith(prefix); i++) {
    for (const position of index.postings[i] as Uint32Array) mask[position] = 1;
  }
  return mask;
}
