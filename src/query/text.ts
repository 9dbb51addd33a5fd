/**
 * Text as people search it. The data's text cells hold HTML (tags, named entities such as
 * `&eacute;` mixed with raw accents, trailing spaces); search compares words with tags removed,
 * entities decoded, accents and case folded, so `cote`, `Côte` and `C&ocirc;te` are one word.
 */
import { decodeHTML } from 'entities';

const SPACE_RUNS = /\s+/g;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[\u0080-\uffff]/;
/** Code units, not code points (no `u` flag): any half of a pair, or a lone half. */
const SURROGATE = /[\ud800-\udfff]/;
const NON_WORD = /[^\p{L}\p{N}]+/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * `html.replace(/<[^>]*>/g, ' ')` in one pass. The regex retries at every `<` and scans to the
 * end of the text each time when no `>` follows: quadratic, about 200 ms for 16,000 `<`
 * (issue 17). Here each search starts where the last stopped, so every character is examined
 * at most once; `onScan` (tests only) is told how many characters each search examined.
 */
export function stripTags(html: string, onScan?: (examined: number) => void): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = html.indexOf('<', from);
    onScan?.((open === -1 ? html.length : open + 1) - from);
    if (open === -1) break;
    const close = html.indexOf('>', open + 1);
    onScan?.((close === -1 ? html.length : close + 1) - (open + 1));
    // Without a closing `>` no tag starts here nor at any later `<`: the rest stays as written.
    if (close === -1) break;
    out += `${html.slice(from, open)} `;
    from = close + 1;
  }
  return out + html.slice(from);
}

/** Tags removed (each becomes a space, so `a<br>b` stays two words) and entities decoded. */
export function htmlText(html: string): string {
  return decodeHTML(stripTags(html));
}

/** `htmlText` with its spaces collapsed. */
export function plainText(html: string): string {
  return htmlText(html).replace(SPACE_RUNS, ' ').trim();
}

/** Case and accents folded: NFD splits `é` into `e` plus a combining mark, which is dropped. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

const MARK = /^\p{M}$/u;
const [UNKNOWN, LETTER_OR_DIGIT_UNIT, MARK_UNIT, OTHER_UNIT] = [0, 1, 2, 3] as const;
type UnitClass = typeof LETTER_OR_DIGIT_UNIT | typeof MARK_UNIT | typeof OTHER_UNIT;

const classOf = (character: string): UnitClass =>
  LETTER_OR_DIGIT.test(character) ? LETTER_OR_DIGIT_UNIT : MARK.test(character) ? MARK_UNIT : OTHER_UNIT;

/** Each code unit outside the surrogates by class, found on first sight. */
const bmpClass = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) bmpClass[c] = classOf(String.fromCharCode(c));

function unitClass(unit: number): UnitClass {
  let known = bmpClass[unit] as UnitClass | typeof UNKNOWN;
  if (known === UNKNOWN) {
    known = classOf(String.fromCharCode(unit));
    bmpClass[unit] = known;
  }
  return known;
}

/** Receives each word of a text as the range [start, end) of `source`, with its `wordHash`. */
export type WordVisitor = (source: string, start: number, end: number, hash: number) => void;

const FNV_PRIME = 0x01000193;

/**
 * FNV-1a over the code units of `source` from `start` to `end`, from `seed`: what `scanWords`
 * gives each word, so the word index can intern a word without making its string (word-index.ts).
 */
export function wordHash(source: string, start: number, end: number, seed: number): number {
  let hash = seed;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ source.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/**
 * The folded words of a text: runs of letters and digits (`\p{L}`, `\p{N}`) once `fold` has
 * dropped the marks. Found by one scan rather than `fold`, then `split` on
 * `/[^\p{L}\p{N}]+/u` and a filter of the empty strings: that was a sixth of a 100,000-row
 * load. The scan drops the marks itself (a mark joins the letters around it, as when removed
 * first), and ASCII text, most cells, is only lower-cased. Text with surrogates once normalized
 * (letters outside the BMP, emoji) takes the regular expressions: dropping a mark can join two
 * halves of a pair into a letter, which a scan of code units would not see.
 *
 * Each word goes to `visit` as a range of a string with its `wordHash(..., seed)`, computed as
 * the scan reads it: most words are a range of the folded text, and no string is made for them.
 */
export function scanWords(text: string, seed: number, visit: WordVisitor): void {
  const nonAscii = NON_ASCII.test(text);
  const folded = nonAscii ? text.normalize('NFD').toLowerCase() : text.toLowerCase();
  // After normalizing: a few BMP ideographs (U+FA6C) decompose to letters outside it.
  if (nonAscii && SURROGATE.test(folded)) {
    for (const word of fold(text).split(NON_WORD)) if (word.length > 0) visit(word, 0, word.length, wordHash(word, 0, word.length, seed));
    return;
  }
  let start = -1;
  let marked = false;
  let hash = seed;
  for (let i = 0; i < folded.length; i++) {
    const unit = folded.charCodeAt(i);
    const kind = unitClass(unit);
    if (kind === LETTER_OR_DIGIT_UNIT) {
      if (start < 0) {
        start = i;
        hash = seed;
      }
      // Marks are left out of the hash as they are out of the word.
      hash = Math.imul(hash ^ unit, FNV_PRIME);
    } else if (kind === MARK_UNIT) {
      marked ||= start >= 0;
    } else if (start >= 0) {
      visitWord(folded, start, i, marked, hash >>> 0, visit);
      start = -1;
      marked = false;
    }
  }
  if (start >= 0) visitWord(folded, start, folded.length, marked, hash >>> 0, visit);
}

function visitWord(folded: string, start: number, end: number, marked: boolean, hash: number, visit: WordVisitor): void {
  if (!marked) visit(folded, start, end, hash);
  else {
    const word = folded.slice(start, end).replace(COMBINING_MARKS, '');
    visit(word, 0, word.length, hash);
  }
}

/** The folded words of a text as strings (`scanWords`), for search terms and tests. */
export function words(text: string): string[] {
  const found: string[] = [];
  scanWords(text, 0, (source, start, end) => found.push(source.slice(start, end)));
  return found;
}
