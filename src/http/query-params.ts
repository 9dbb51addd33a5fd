/**
 * Decodes request parameters once, at the boundary, with the io-ts codecs of `src/query/`.
 * Unknown names, bad values and broken rules between parameters all answer 400, naming every
 * parameter at fault and listing the allowed ones.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { ParameterError } from '../query/param-codecs.js';
import { HttpProblem } from './problems.js';

export type RawParams = Readonly<Record<string, string | string[] | undefined>>;

export interface QueryDecoder<A> {
  readonly codec: t.Decoder<unknown, A>;
  readonly allowed: readonly string[];
}

/** Built once per route: a codec per request would be work on the hot path. */
export function queryDecoder<R extends t.Props, O extends t.Props = Record<never, t.Mixed>>(
  required: R,
  optional?: O,
): QueryDecoder<t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>> {
  const partial = t.partial(optional ?? ({} as O));
  return { codec: t.intersection([t.type(required), partial]), allowed: [...Object.keys(required), ...Object.keys(optional ?? {})] };
}

/** For routes that take no query parameters: any given one is answered 400. */
export const NO_PARAMETERS = queryDecoder({});

export function invalidParameters(errors: readonly ParameterError[]): HttpProblem {
  return new HttpProblem('INVALID_PARAMETER', errors.map((e) => `${e.parameter} ${e.detail}`).join('; '), { extensions: { errors } });
}

/** Decodes `params`; throws a 400 problem naming every bad or unknown parameter. */
export function decodeQuery<A>(decoder: QueryDecoder<A>, params: RawParams): A {
  const { allowed, codec } = decoder;
  const unknown = Object.keys(params).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const errors: ParameterError[] = unknown.map((parameter) => ({ parameter, detail: 'is not a parameter of this route' }));
    throw new HttpProblem('UNKNOWN_PARAMETER', `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; allowed: ${allowed.join(', ')}`, {
      extensions: { errors, allowed },
    });
  }
  const decoded = codec.decode(params);
  if (E.isRight(decoded)) return decoded.right;
  // An intersection reports through each member: the parameter is the last keyed context entry.
  const errors: ParameterError[] = decoded.left.map((e) => ({ parameter: [...e.context].reverse().find((c) => c.key !== '' && !/^[0-9]+$/.test(c.key))?.key ?? '?', detail: e.message ?? 'is invalid' }));
  throw invalidParameters(errors);
}
