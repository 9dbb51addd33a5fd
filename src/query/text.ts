/**
 * Text as people search it. The data's text cells hold HTML (tags, named entities such as
 * `&eacute;` mixed with raw accents, trailing spaces); search compares words with tags removed,
 * entities decoded, accents and case folded, so `cote`, `Côte` and `C&ocirc;te` are one word.
 */
import { decodeHTML } from 'entities';

const SPACE_RUNS = /\s+/g;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;

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

/** The folded words of a text: runs of letters and digits. */
export function words(text: string): string[] {
  return fold(text)
    .split(NON_WORD)
    .filter((w) => w.length > 0);
}
