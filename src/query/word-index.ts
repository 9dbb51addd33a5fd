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

/** Built between checkpoints (after every slice of sites and of words), so a large file's index never holds the loop for long. */
export async function buildWordIndex(wordsBySite: readonly (readonly string[])[], checkpoint: Checkpoint = NO_PAUSE): Promise<WordIndex> {
  const positionsByWord = new Map<string, number[]>();
  await forEachSliced(wordsBySite, checkpoint, (words, position) => {
    for (const word of new Set(words)) {
      const positions = positionsByWord.get(word);
      if (positions === undefined) positionsByWord.set(word, [position]);
      else positions.push(position);
    }
  });
  const words = [...positionsByWord.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const postings: Uint32Array[] = [];
  await forEachSliced(words, checkpoint, (word) => postings.push(Uint32Array.from(positionsByWord.get(word) ?? [])));
  return { words, postings };
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
