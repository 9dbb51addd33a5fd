/**
 * The word index against a scan: for any words and any prefix, the sites `sitesWithPrefix` marks
 * are those holding a word that starts with the prefix. Then on the bundled data, against words
 * read from the hand-read CSV with `he`, NFD and a Unicode regex (not `text.ts`): each word once,
 * with exactly its sites, and each prefix.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { scanWords, wordHash, words } from '../../src/query/text.js';
import { readAscending } from '../../src/query/varint.js';
import { buildWordIndex, sitesWithPrefix, WordIndexBuilder } from '../../src/query/word-index.js';
import { bundledIndex } from '../helpers/query-fixture.js';
import { referenceData } from '../helpers/reference-csv.js';
import { htmlToText } from '../helpers/reference-query.js';

const scan = (wordsBySite: readonly (readonly string[])[], prefix: string) =>
  wordsBySite.map((words) => (words.some((w) => w.startsWith(prefix)) ? 1 : 0));

describe('word index (unit)', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', 'z', '1', '\u{1F600}'), maxLength: 5 });

  it('marks exactly the sites a scan finds, for any words and prefix (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(word, { maxLength: 6 }), { maxLength: 20 }), word, async (wordsBySite, prefix) => {
        const index = await buildWordIndex(wordsBySite);
        expect([...sitesWithPrefix(index, prefix, wordsBySite.length)]).to.deep.equal(scan(wordsBySite, prefix));
      }),
      { numRuns: 1000 },
    );
  });

  it('marks the same sites with the sites in any position order and their words in chunks of any size (property)', async () => {
    const sites = fc.array(fc.array(word, { maxLength: 12 }), { minLength: 1, maxLength: 20 });
    const input = sites.chain((wordsBySite) =>
      fc.tuple(
        fc.constant(wordsBySite),
        fc.shuffledSubarray(
          wordsBySite.map((_, i) => i),
          { minLength: wordsBySite.length, maxLength: wordsBySite.length },
        ),
        fc.integer({ min: 1, max: 24 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(input, word, async ([wordsBySite, order, chunkBytes], prefix) => {
        const builder = new WordIndexBuilder({ chunkBytes });
        for (const words of wordsBySite) builder.add(words);
        const index = await builder.build(order);
        const inPositionOrder = order.map((site) => wordsBySite[site] as string[]);
        expect([...sitesWithPrefix(index, prefix, order.length)]).to.deep.equal(scan(inPositionOrder, prefix));
      }),
      { numRuns: 1000 },
    );
  });

  it('numbers every word once, seen again after the table grew, through table and overflow alike (property)', async () => {
    // Each site's words added twice over: a word looked up after a growth must find its number.
    const settings = fc.record({ maxProbes: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 0xffffffff }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(word, { maxLength: 30 }), { maxLength: 120 }),
        word,
        settings,
        async (wordsBySite, prefix, options) => {
          const builder = new WordIndexBuilder({ ...options, slots: 2 });
          for (const words of [...wordsBySite, ...wordsBySite]) builder.add(words);
          const twice = [...wordsBySite, ...wordsBySite];
          const index = await builder.build(twice.map((_, i) => i));
          expect(index.words, 'each word once').to.deep.equal([...new Set(twice.flat())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
          expect([...sitesWithPrefix(index, prefix, twice.length)]).to.deep.equal(scan(twice, prefix));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('spreads words whose code units differ only in their high bits: none goes to the overflow', async () => {
    // FNV-1a's low bits depend only on the units' low bits: a table indexed by them would start
    // all 4,096 in one slot, and all but 32 would be numbered through the overflow.
    const units = Array.from({ length: 16 }, (_, j) => String.fromCharCode((j << 12) | 0x041));
    const wordsBySite = units.flatMap((a) => units.map((b) => units.map((c) => `x${a}${b}${c}`)));
    const builder = new WordIndexBuilder();
    for (const words of wordsBySite) builder.add(words);
    expect(builder.overflowed).to.equal(0);
    expect((await builder.build(wordsBySite.map((_, i) => i))).words).to.have.length(16 ** 3);
  });

  it('takes only a power of two, at least 2, as the number of slots', () => {
    for (const slots of [0, 1, 3, 4097]) expect(() => new WordIndexBuilder({ slots }), String(slots)).to.throw(RangeError);
  });

  it("indexes a site's text as the words `words` finds in it, each hashed as it is read (property)", async () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'B', 'é', 'E\u0301', '\u0301', ' ', ',', '<', 'ß', 'İ', '\u{1D400}', '\u{1F600}', '1', 'ﬁ', '\uFA6C'),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 12 }), fc.integer({ min: 0, max: 0xffffffff }), async (texts, seed) => {
        const viaText = new WordIndexBuilder();
        const viaWords = new WordIndexBuilder();
        for (const t of texts) {
          viaText.addText(t);
          viaWords.add(words(t));
          scanWords(t, seed, (source, start, end, hash) =>
            expect(hash, source.slice(start, end)).to.equal(wordHash(source, start, end, seed)),
          );
        }
        const order = texts.map((_, i) => i);
        expect(await viaText.build(order)).to.deep.equal(await viaWords.build(order));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps each word once, sorted, with ascending postings', async () => {
    const index = await buildWordIndex([['b', 'a', 'b'], [], ['a', 'c']]);
    expect(index.words).to.deep.equal(['a', 'b', 'c']);
    const positions = index.words.map((_, i) => {
      const list = new Uint32Array(8);
      return [...list.subarray(0, readAscending(index.postings, index.starts[i] as number, index.starts[i + 1] as number, list))];
    });
    expect(positions).to.deep.equal([[0, 2], [0], [2]]);
    expect(index.starts[3], 'one byte a position').to.equal(4);
  });

  /** Each bundled site's words, in the index's position order, read by the model (`he`, a Unicode regex); read once. */
  let modelWordsRead: Promise<string[][]> | undefined;
  const bundledModelWords = () => (modelWordsRead ??= readBundledModelWords());
  async function readBundledModelWords(): Promise<string[][]> {
    const { sites } = await bundledIndex();
    const text = (row: Record<string, unknown>, c: string) => (typeof row[c] === 'string' ? row[c] : '');
    const byNumber = new Map(
      referenceData().rows.map((row) => [
        row['unique_number'] as number,
        ['name_en', 'name_fr', 'short_description_en', 'short_description_fr']
          .map((c) => htmlToText(text(row, c)))
          .join(' ')
          // NFD as the service folds, not the model's NFKD (which reads `km²` as `km2`), and the combining marks' block.
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter((w) => w !== ''),
      ]),
    );
    return sites.map((site) => byNumber.get(site.uniqueNumber) ?? []);
  }

  it('holds each word of the bundled data once, sorted, with exactly the sites that hold it', async () => {
    const { words } = await bundledIndex();
    const sitesOf = new Map<string, number[]>();
    (await bundledModelWords()).forEach((siteWords, position) => {
      for (const w of new Set(siteWords)) {
        const sites = sitesOf.get(w);
        if (sites === undefined) sitesOf.set(w, [position]);
        else sites.push(position);
      }
    });
    // Thousands of distinct words: the builder's table grew (and was rebuilt) several times.
    expect(sitesOf.size).to.be.above(10_000);
    expect(words.words).to.deep.equal([...sitesOf.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Compared as text and reported together: a deep equality per word took most of this test's time.
    const list = new Uint32Array(2048);
    const wrong = words.words.flatMap((w, i) => {
      const n = readAscending(words.postings, words.starts[i] as number, words.starts[i + 1] as number, list);
      const held = list.subarray(0, n).join(',');
      const expected = (sitesOf.get(w) ?? []).join(',');
      return held === expected ? [] : [`${w}: [${held}], expected [${expected}]`];
    });
    expect(wrong).to.deep.equal([]);
  });

  it('finds on the bundled data the sites whose names and descriptions hold a word with the prefix', async () => {
    const { sites, words } = await bundledIndex();
    const modelWords = await bundledModelWords();
    for (const prefix of ['cath', 'temple', 'vall', 'eglise', 'xyzzy', 'bamiyan', '1', 'w']) {
      const expected = scan(modelWords, prefix);
      expect([...sitesWithPrefix(words, prefix, sites.length)], prefix).to.deep.equal(expected);
      if (prefix !== 'xyzzy') expect(expected, `${prefix} is in the data`).to.include(1);
    }
  });
});
