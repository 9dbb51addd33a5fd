/**
 * io-ts codecs for the text of query parameters. Koa gives `string | string[]` for a key (an
 * array when it is repeated); a JSON body gives strings too once `body-params.ts` has read it.
 * Each codec sees that raw shape once and says exactly what is wrong: missing, empty, repeated,
 * or not of the expected form. Numbers are read by strict patterns: `Number(s)` would accept
 * `''`, `0x10`, `1e3` and padding.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Longer than any single value makes sense for (a cursor the service makes is at most 400
 * characters: MAX_KEYED_CURSOR_LENGTH); bounds what parsing one costs.
 */
export const MAX_VALUE_LENGTH = 1000;

/** A parameter given exactly once, whose text `parse` accepts (undefined rejects it as malformed; a `Rejection` says why). */
export function singleParam<A>(
  name: string,
  expected: string,
  parse: (text: string) => A | undefined | Rejection,
  maxLength = MAX_VALUE_LENGTH,
): t.Type<A, string, unknown> {
  const validate: t.Validate<unknown, A> = (u, c) => {
    if (u === undefined) return t.failure(u, c, 'is required');
    if (Array.isArray(u)) return t.failure(u, c, 'is given more than once; give it once');
    if (u === '') return t.failure(u, c, `is empty; expected ${expected}`);
    if (typeof u !== 'string') return t.failure(u, c, `expected ${expected}`);
    if (u.length > maxLength) return t.failure(u, c, `is ${u.length} characters long; at most ${maxLength} are allowed`);
    const value = parse(u);
    if (value instanceof Rejection) return t.failure(u, c, value.message);
    return value === undefined ? t.failure(u, c, `expected ${expected}, got ${JSON.stringify(u)}`) : t.success(value);
  };
  return new t.Type<A, string, unknown>(name, (u): u is A => E.isRight(validate(u, [])), validate, String);
}

/** A parse result that carries its own message, for errors more specific than "expected X". */
export class Rejection {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

const MAX_LIST_ELEMENTS = 200;
/** Longer than any name in the data (the longest state name is under 100 characters); bounds each element's cost. */
export const MAX_ELEMENT_LENGTH = 200;

/** `a,b,c`: each element trimmed and parsed; empty elements and duplicates are mistakes worth naming. */
export function listParam<A>(
  name: string,
  expected: string,
  parseElement: (text: string) => A | undefined,
): t.Type<readonly A[], string, unknown> {
  return singleParam<readonly A[]>(
    name,
    `a comma-separated list of ${expected}`,
    (text) => {
      const elements = text.split(',').map((e) => e.trim());
      if (elements.length > MAX_LIST_ELEMENTS)
        return new Rejection(`has ${elements.length} elements; at most ${MAX_LIST_ELEMENTS} are allowed`);
      const values: A[] = [];
      for (const element of elements) {
        if (element === '') return new Rejection(`has an empty element; expected a comma-separated list of ${expected}`);
        if (element.length > MAX_ELEMENT_LENGTH)
          return new Rejection(`has an element ${element.length} characters long; at most ${MAX_ELEMENT_LENGTH} are allowed`);
        const value = parseElement(element);
        if (value === undefined) return new Rejection(`has ${JSON.stringify(element)}; expected ${expected}`);
        values.push(value);
      }
      return values;
    },
    MAX_LIST_ELEMENTS * (MAX_ELEMENT_LENGTH + 1),
  );
}

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;
const DECIMAL = /^[+-]?[0-9]+(\.[0-9]+)?$/;

export function parsePositiveInteger(s: string): number | undefined {
  if (!POSITIVE_INTEGER.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Plain decimal notation only: `12`, `-3.5`. */
export function parseDecimal(s: string): number | undefined {
  return DECIMAL.test(s) ? Number(s) : undefined;
}

/** Digits only, no sign, no leading zero, no exponent, within the safe-integer range. */
export const PositiveIntegerParam = singleParam('PositiveInteger', 'a positive integer (digits only)', parsePositiveInteger);

export function integerParam(name: string, min: number, max: number): t.Type<number, string, unknown> {
  return singleParam(name, `an integer from ${min} to ${max}`, (s) => {
    const n = parsePositiveInteger(s);
    return n !== undefined && n >= min && n <= max ? n : undefined;
  });
}

export function decimalParam(name: string, min: number, max: number, { exclusiveMin = false } = {}): t.Type<number, string, unknown> {
  const range = `${exclusiveMin ? 'greater than' : 'from'} ${min} ${exclusiveMin ? 'and at most' : 'to'} ${max}`;
  return singleParam(name, `a number ${range}`, (s) => {
    const n = parseDecimal(s);
    return n !== undefined && (exclusiveMin ? n > min : n >= min) && n <= max ? n : undefined;
  });
}

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

export const BooleanParam = singleParam('Boolean', 'true, false, 1 or 0', (s) => BOOLEANS[s]);

/** One of fixed words, case-insensitive; the message lists them. */
export function oneOf<W extends string>(choices: readonly W[]): (text: string) => W | undefined {
  const byFolded = new Map(choices.map((c) => [c.toLowerCase(), c]));
  return (text) => byFolded.get(text.toLowerCase());
}

export function oneOfParam<W extends string>(name: string, choices: readonly W[]): t.Type<W, string, unknown> {
  return singleParam(name, `one of ${choices.join(', ')}`, oneOf(choices));
}

/** A parameter and what is wrong with it, as 400 answers list them. */
export interface ParameterError {
  readonly parameter: string;
  readonly detail: string;
}
