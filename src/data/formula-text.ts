/**
 * Text that a spreadsheet opening a CSV file would evaluate as a formula (CSV injection): text
 * starting with `=`, `+`, `-`, `@`, a tab or a carriage return, the characters OWASP's
 * "CSV Injection" guidance lists (https://owasp.org/www-community/attacks/CSV_Injection).
 * One rule for the CSV answers (formats/csv.ts neutralises such cells) and for `whc-data`
 * (validate, describe and publish warn of them).
 *
 * A text cell that is a plain decimal number (`rev_bis` holds `-257`) is read by a spreadsheet as
 * that number, not as a formula: it is left alone, so its value survives a round trip. Anything
 * else after the sign (`-894 Rev`, `-1+2`, `-0x1`) is treated as a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function isFormulaText(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** The first bytes (UTF-8) of a formula: a cell starting with none of them needs no further look. */
export const FORMULA_FIRST_BYTES: ReadonlySet<number> = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);
