/**
 * Text as people search it. The data's text cells hold HTML (tags, named entities such as
 * `&eacute;` mixed with raw accents, trailing spaces); search compares words with tags removed,
 * entities decoded, accents and case folded, so `cote`, `Côte` and `C&ocirc;te` are one word.
 */
import { decodeHTML } from 'entities';

const TAG = /<[^>]*>/g;
const SPACE_RUNS = /\s+/g;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Tags removed (each becomes a space, so `a<br>b` stays two words), entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  return decodeHTML(html.replace(TAG, ' ')).replace(SPACE_RUNS, ' ').trim();
}

/** Case and accents folded: NFD splits `é` into `e` plus a combining mark, which is dropped. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** The folded words of a text: runs of letters and digits. */
export function words(text: string): string[] {
  return fold(text).split(NON_WORD).filter((w) => w.length > 0);
}
