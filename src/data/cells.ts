/**
 * io-ts codecs for single CSV cells. Each decodes the raw text of one cell (csv-parse is run
 * without `cast`, so every cell arrives as a string) into the value the API serves.
 *
 * Numbers are matched against strict patterns before conversion: `Number(s)` alone accepts
 * '' (0), '0x10' (16), '1e3' (1000) and surrounding blanks, none of which belong in this file.
 * Validators test `typeof` directly instead of chaining on t.string.validate: they run for every
 * cell of every row, and the intermediate Either was a tenth of the load time (profiled).
 */
import * as t from 'io-ts';

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** A cell that must hold text matching `pattern`, converted by `convert`. */
function fromCellText<A>(
  name: string,
  is: (u: unknown) => u is A,
  pattern: RegExp,
  convert: (s: string) => A,
  expected: string,
): t.Type<A, string, unknown> {
  return new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== 'string' || !pattern.test(u)) return t.failure(u, c, `expected ${expected}`);
      const value = convert(u);
      return is(value) ? t.success(value) : t.failure(u, c, `expected ${expected}`);
    },
    (a) => String(a),
  );
}

const isSafeInteger = (u: unknown): u is number => Number.isSafeInteger(u);
const isFiniteNumber = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);

export const IntegerCell = fromCellText('IntegerCell', isSafeInteger, INTEGER, Number, 'an integer');
export const NumberCell = fromCellText('NumberCell', isFiniteNumber, DECIMAL, Number, 'a decimal number');

export const FlagCell = new t.Type<boolean, string, unknown>(
  'FlagCell',
  t.boolean.is,
  (u, c) => (u === '1' ? t.success(true) : u === '0' ? t.success(false) : t.failure(u, c, 'expected 0 or 1')),
  (b) => (b ? '1' : '0'),
);

/** Any text, kept exactly as in the file (HTML and trailing blanks included: clients of the old service saw them). */
export const TextCell = t.string;

/** Text that must not be empty: for the columns every row of the export fills (the API documents them as never null). */
export const FilledTextCell = new t.Type<string, string, unknown>(
  'FilledTextCell',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) => (typeof u === 'string' && u !== '' ? t.success(u) : t.failure(u, c, 'expected text (this column is never empty)')),
  (s) => s,
);

/** A number in a closed range, for coordinates. */
export function rangedNumberCell(name: string, min: number, max: number): t.Type<number, string, unknown> {
  return new t.Type<number, string, unknown>(
    name,
    (u): u is number => isFiniteNumber(u) && u >= min && u <= max,
    (u, c) => {
      const decoded = NumberCell.validate(u, c);
      if (decoded._tag === 'Left') return decoded;
      const n = decoded.right;
      return n >= min && n <= max ? t.success(n) : t.failure(u, c, `expected a number from ${min} to ${max}`);
    },
    NumberCell.encode,
  );
}

/** An empty cell decodes to `null`; anything else must satisfy `codec`. */
export function nullableCell<A>(codec: t.Type<A, string, unknown>): t.Type<A | null, string, unknown> {
  return new t.Type<A | null, string, unknown>(
    `${codec.name} | empty`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (u === '' ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? '' : codec.encode(a)),
  );
}

/** A cell that must not be empty, and whose text is one of `values`. */
export function oneOfCell<V extends string>(name: string, values: readonly V[]): t.Type<V, string, unknown> {
  const allowed = new Set<string>(values);
  const isValue = (u: unknown): u is V => typeof u === 'string' && allowed.has(u);
  return new t.Type<V, string, unknown>(
    name,
    isValue,
    (u, c) => (isValue(u) ? t.success(u) : t.failure(u, c, `expected one of ${values.join(', ')}`)),
    (v) => v,
  );
}
