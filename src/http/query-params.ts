/**
 * Decodes query parameters once, at the boundary, with io-ts. Koa gives `string | string[]`
 * for a key (an array when it is repeated), so each codec sees the raw shape and says exactly
 * what is wrong: missing, empty, repeated, or not of the expected form.
 */
import * as t from 'io-ts';
import { either as E } from 'fp-ts';
import { HttpProblem } from './problems.js';

type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/** A parameter given exactly once, whose text `parse` accepts. */
export function singleParam<A>(name: string, expected: string, parse: (text: string) => A | undefined): t.Type<A, string, unknown> {
  const validate: t.Validate<unknown, A> = (u, c) => {
    if (u === undefined) return t.failure(u, c, 'is required');
    if (Array.isArray(u)) return t.failure(u, c, 'is given more than once; give it once');
    if (u === '') return t.failure(u, c, `is empty; expected ${expected}`);
    if (typeof u !== 'string') return t.failure(u, c, `expected ${expected}`);
    const value = parse(u);
    return value === undefined ? t.failure(u, c, `expected ${expected}, got ${JSON.stringify(u)}`) : t.success(value);
  };
  return new t.Type<A, string, unknown>(name, (u): u is A => E.isRight(validate(u, [])), validate, String);
}

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/** Digits only, no sign, no leading zero, no exponent, within the safe-integer range. */
export const PositiveIntegerParam = singleParam('PositiveInteger', 'a positive integer (digits only)', (s) => {
  if (!POSITIVE_INTEGER.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
});

export interface ParameterError {
  readonly parameter: string;
  readonly detail: string;
}

export interface QueryDecoder<P extends t.Props> {
  readonly codec: t.TypeC<P>;
  readonly allowed: readonly string[];
}

/** Built once per route: a codec per request would be work on the hot path. */
export function queryDecoder<P extends t.Props>(props: P): QueryDecoder<P> {
  return { codec: t.type(props), allowed: Object.keys(props) };
}

/**
 * Decodes `query`; throws a 400 problem naming every bad or unknown parameter.
 * Every listed parameter is required; optional ones are added as the API grows.
 */
export function decodeQuery<P extends t.Props>(decoder: QueryDecoder<P>, query: RawQuery): t.TypeOf<t.TypeC<P>> {
  const { allowed, codec } = decoder;
  const unknown = Object.keys(query).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const errors: ParameterError[] = unknown.map((parameter) => ({ parameter, detail: 'is not a parameter of this route' }));
    throw new HttpProblem('UNKNOWN_PARAMETER', `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; allowed: ${allowed.join(', ')}`, {
      extensions: { errors, allowed },
    });
  }
  const decoded = codec.decode(query);
  if (E.isRight(decoded)) return decoded.right;
  const errors: ParameterError[] = decoded.left.map((e) => ({ parameter: e.context[1]?.key ?? '?', detail: e.message ?? 'is invalid' }));
  throw new HttpProblem('INVALID_PARAMETER', errors.map((e) => `${e.parameter} ${e.detail}`).join('; '), { extensions: { errors } });
}
