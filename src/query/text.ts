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

/** Tags removed (each becomes a space, so `a<br>b` stays two words), entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  return decodeHTML(stripTags(html)).replace(SPACE_RUNS, ' ').trim();
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

/**
 * The folded words of a text: runs of letters and digits (`\p{L}`, `\p{N}`) once `fold` has
 * dropped the marks. Found by one scan rather than `fold`, then `split` on
 * `/[^\p{L}\p{N}]+/u` and a filter of the empty strings: that was a sixth of a 100,000-row
 * load. The scan drops the marks itself (a mark joins the letters around it, as when removed
 * first), and ASCII text, most cells, is only lower-cased. Text with surrogates once normalized
 * (letters outside the BMP, emoji) takes the regular expressions: dropping a mark can join two
 * halves of a pair into a letter, which a scan of code units would not see.
 */
export function words(text: string): string[] {
  const nonAscii = NON_ASCII.test(text);
  const folded = nonAscii ? text.normalize('NFD').toLowerCase() : text.toLowerCase();
  // After normalizing: a few BMP ideographs (U+FA6C) decompose to letters outside it.
  if (nonAscii && SURROGATE.test(folded))
    return fold(text)
      .split(NON_WORD)
      .filter((w) => w.length > 0);
  const found: string[] = [];
  let start = -1;
  let marked = false;
  for (let i = 0; i < folded.length; i++) {
    const kind = unitClass(folded.charCodeAt(i));
    if (kind === LETTER_OR_DIGIT_UNIT) {
      if (start < 0) start = i;
    } else if (kind === MARK_UNIT) {
      marked ||= start >= 0;
    } else if (start >= 0) {
      found.push(wordAt(folded, start, i, marked));
      start = -1;
      marked = false;
    }
  }
  if (start >= 0) found.push(wordAt(folded, start, folded.length, marked));
  return found;
}

const wordAt = (text: string, start: number, end: number, marked: boolean): string =>
  marked ? text.slice(start, end).replace(COMBINING_MARKS, '') : text.slice(start, end);
