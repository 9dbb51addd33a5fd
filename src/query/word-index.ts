/**
 * An inverted index of the words `q` searches: the distinct folded words in sorted order, each
 * with the positions of the sites that hold it. A search term is a word prefix, so its words are
 * one contiguous range of the sorted list, found by binary search: a query reads the postings of
 * the matching words instead of testing every word of every site.
 */
import { forEachSliced, NO_PAUSE, type Checkpoint } from './checkpoint.js';
import { scanWords, wordHash, type WordVisitor } from './text.js';
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

/** Probes of the word table before a word is looked up by its string instead: bounds the work of any set of colliding words. */
const MAX_PROBES = 32;

/**
 * Collects each site's distinct words as it is added, as numbers: one word list per site (about
 * 100 strings each) was 90 MB of heap at 100,000 rows while the file loaded, and interning them
 * through a `Set` per site a third of the index's time. A site's numbers are kept sorted, as the
 * varints of their gaps, in chunks of fixed size: 1.2 bytes a number at 100,000 rows, where one
 * `Uint32Array` grown by doubling took four, up to eight with its unused half, and a copy at each
 * doubling (docs/large-files.md).
 *
 * Words are numbered through a table of their hashes (open addressing, linear probing, at most
 * half full), compared with the text they are a range of: a word already seen, nearly every
 * word of a large file, costs no string. A `Map` from each word's string (a substring made per
 * word, hashed again by the map) was a quarter of a 100,000-row load. The hash's seed is random,
 * and a word whose probes pass MAX_PROBES is numbered through a `Map` instead, so words made to
 * collide cost a bounded number of comparisons each.
 */
export class WordIndexBuilder {
  readonly #text: string[] = [];
  /** Each word's hash, by number. */
  readonly #hashes: number[] = [];
  /** Word numbers by hash, -1 where empty. */
  #slots: Int32Array;
  /** `slotOf`'s shift for the table's size. */
  #shift: number;
  /** Words whose probes ran out, by their string. */
  readonly #overflow = new Map<string, number>();
  readonly #seed: number;
  /** The site that last held each word: a word repeated within a site is counted once. */
  readonly #lastSite: number[] = [];
  /** The word numbers of the site being added, reused from site to site. */
  #site = new Uint32Array(256);
  #count = 0;
  readonly #chunkBytes: number;
  #chunks: Uint8Array[];
  /** Bytes used in the last chunk. */
  #used = 0;
  /** Each site's chunk, and where its bytes end in it: they start where the site before's end, or at 0 in a new chunk. */
  readonly #chunkOf: number[] = [];
  readonly #endOf: number[] = [];

  readonly #maxProbes: number;

  /**
   * The options are for tests: sites written across many chunks, words numbered through the
   * overflow, a table that grows (`slots`, a power of two), a hash seed that repeats.
   */
  constructor({
    chunkBytes = CHUNK_BYTES,
    maxProbes = MAX_PROBES,
    slots = 1 << 12,
    seed = Math.floor(Math.random() * 0x100000000),
  }: { chunkBytes?: number; maxProbes?: number; slots?: number; seed?: number } = {}) {
    if (!Number.isInteger(Math.log2(slots)) || slots < 2) throw new RangeError(`slots must be a power of two, at least 2; got ${slots}`);
    this.#slots = new Int32Array(slots).fill(-1);
    this.#shift = shiftFor(slots);
    this.#seed = seed >>> 0;
    this.#chunkBytes = chunkBytes;
    this.#chunks = [new Uint8Array(chunkBytes)];
    this.#maxProbes = maxProbes;
  }

  /** Words numbered through the overflow `Map` rather than the table (tests: none, unless words collide). */
  get overflowed(): number {
    return this.#overflow.size;
  }

  /** The words of the next site (its place is the number of sites added before it). */
  add(words: Iterable<string>): void {
    this.#count = 0;
    for (const word of words) this.#visit(word, 0, word.length, wordHash(word, 0, word.length, this.#seed));
    this.#write(this.#site.subarray(0, this.#count).sort());
  }

  /** The words of `text` (text.ts's `scanWords`) as the next site's. */
  addText(text: string): void {
    this.#count = 0;
    scanWords(text, this.#seed, this.#visit);
    this.#write(this.#site.subarray(0, this.#count).sort());
  }

  /** One word of the site being added, the range [start, end) of `source`. */
  readonly #visit: WordVisitor = (source, start, end, hash) => {
    const id = this.#idOf(source, start, end, hash);
    const site = this.#chunkOf.length;
    if (this.#lastSite[id] === site) return;
    this.#lastSite[id] = site;
    if (this.#count === this.#site.length) {
      const grown = new Uint32Array(this.#count * 2);
      grown.set(this.#site);
      this.#site = grown;
    }
    this.#site[this.#count++] = id;
  };

  /** The word's number, given it now if it is new. */
  #idOf(source: string, start: number, end: number, hash: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = slotOf(hash, this.#shift);
    /** The empty slot its probes reached, or -1 when they ran out: a new word then goes to the overflow. */
    let free = -1;
    for (let probe = 0; probe < this.#maxProbes; probe++) {
      const id = slots[slot] as number;
      if (id === -1) {
        free = slot;
        break;
      }
      if (this.#hashes[id] === hash && sameText(this.#text[id] as string, source, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    if (this.#overflow.size > 0) {
      const known = this.#overflow.get(source.slice(start, end));
      if (known !== undefined) return known;
    }
    const added = this.#newWord(source, start, end, hash);
    if (free === -1) this.#overflow.set(this.#text[added] as string, added);
    else {
      slots[free] = added;
      if (this.#text.length * 2 > slots.length) this.#grow();
    }
    return added;
  }

  #newWord(source: string, start: number, end: number, hash: number): number {
    const id = this.#text.length;
    // A copy: a word that is a range of a long text would otherwise keep the whole text alive.
    const word = source.slice(start, end);
    this.#text.push(word.length < 13 ? word : Buffer.from(word, 'utf8').toString('utf8'));
    this.#hashes.push(hash);
    this.#lastSite.push(-1);
    return id;
  }

  /** Twice the slots, every word in the table placed again (those in the overflow stay there). */
  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const shift = shiftFor(slots.length);
    const mask = slots.length - 1;
    for (const id of this.#slots) {
      if (id === -1) continue;
      // A lookup finds a word only within maxProbes of its first slot. Placed again in slot order,
      // with first slots from the hash's top bits, a word keeps its order in its run and lands no
      // further than it was (no case in some 80,000 random tables went past); one that did would
      // go to the overflow, where a lookup that runs out of probes or meets an empty slot looks.
      let slot = slotOf(this.#hashes[id] as number, shift);
      let probes = 0;
      while (slots[slot] !== -1 && probes < this.#maxProbes) {
        slot = (slot + 1) & mask;
        probes++;
      }
      if (probes < this.#maxProbes) slots[slot] = id;
      else this.#overflow.set(this.#text[id] as string, id);
    }
    this.#slots = slots;
    this.#shift = shift;
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
    const words = sorted.map((id) => this.#text[id] as string);
    this.#release();
    return { words, postings, starts };
  }

  /** Drops what only the build needed: the builder may be reachable for as long as its index is. */
  #release(): void {
    this.#chunks = [];
    this.#slots = new Int32Array(2).fill(-1);
    this.#hashes.length = 0;
    this.#text.length = 0;
    this.#lastSite.length = 0;
    this.#chunkOf.length = 0;
    this.#endOf.length = 0;
    this.#overflow.clear();
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

/**
 * A hash's first slot in a table of 2^(32 - shift) slots: the high bits of its product
 * with 2^32 / φ (Fibonacci hashing). FNV-1a's low bits depend only on the code units' low bits,
 * whatever the seed, so words whose units differ only above them would all start in one slot.
 */
const slotOf = (hash: number, shift: number): number => Math.imul(hash, 0x9e3779b1) >>> shift;

/** What `slotOf` shifts by for a table of `size` slots. */
const shiftFor = (size: number): number => 32 - Math.log2(size);

/** Whether `word` is the range [start, end) of `source`. */
function sameText(word: string, source: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
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
