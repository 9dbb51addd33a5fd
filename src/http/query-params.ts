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

/**
 * The route's parameters as one io-ts codec, built once per route (a codec per request would be
 * work on the hot path). It decodes as `t.intersection([t.type(required), t.partial(optional)])`
 * would (the same values, the same errors in the same order), but validates an optional
 * parameter only when it is given: `t.partial` runs every codec on every request, and each
 * absent one builds a context and a failure that it then drops (a search names two or three of
 * some thirty parameters; this was most of decoding's cost under wrk).
 */
export function queryDecoder<R extends t.Props, O extends t.Props = Record<never, t.Mixed>>(
  required: R,
  optional?: O,
): QueryDecoder<t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>> {
  type A = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>;
  const members: [string, t.Mixed, boolean][] = [
    ...Object.entries(required).map(([name, codec]): [string, t.Mixed, boolean] => [name, codec, true]),
    ...Object.entries(optional ?? {}).map(([name, codec]): [string, t.Mixed, boolean] => [name, codec, false]),
  ];
  const validate: t.Validate<unknown, A> = (u, c) => {
    const record = t.UnknownRecord.validate(u, c);
    if (E.isLeft(record)) return record;
    const decoded: Record<string, unknown> = { ...record.right };
    const errors: t.ValidationError[] = [];
    for (const [name, codec, isRequired] of members) {
      const given = record.right[name];
      if (given === undefined && !isRequired) continue;
      const result = codec.validate(given, t.appendContext(c, name, codec, given));
      if (E.isLeft(result)) errors.push(...result.left);
      else decoded[name] = result.right;
    }
    return errors.length > 0 ? t.failures(errors) : t.success(decoded as A);
  };
  const codec = new t.Type<A, unknown, unknown>('QueryParameters', (u): u is A => E.isRight(validate(u, [])), validate, t.identity);
  return { codec, allowed: members.map(([name]) => name) };
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
    throw new HttpProblem(
      'UNKNOWN_PARAMETER',
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; allowed: ${allowed.join(', ')}`,
      {
        extensions: { errors, allowed },
      },
    );
  }
  const decoded = codec.decode(params);
  if (E.isRight(decoded)) return decoded.right;
  // An intersection reports through each member: the parameter is the last keyed context entry.
  const errors: ParameterError[] = decoded.left.map((e) => ({
    parameter: [...e.context].reverse().find((c) => c.key !== '' && !/^[0-9]+$/.test(c.key))?.key ?? '?',
    detail: e.message ?? 'is invalid',
  }));
  throw invalidParameters(errors);
}
