/**
 * `POST /query` takes its parameters as a JSON object, for filter sets too long for a URL. The
 * body is turned into the text a query string would carry, then decoded by the same codecs:
 * numbers and booleans become their text, and an array is a comma-separated list.
 */
import type { ParameterError } from '../query/param-codecs.js';
import { invalidParameters, type RawParams } from './query-params.js';
import { HttpProblem } from './problems.js';

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

export function paramsFromBody(body: unknown): RawParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpProblem('BAD_REQUEST', 'the body must be a JSON object of parameters, such as {"category": "Natural", "danger": true}');
  }
  const params: Record<string, string> = {};
  const errors: ParameterError[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (isScalar(value)) params[name] = String(value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isScalar)) {
      const texts = value.map(String);
      if (texts.some((text) => text.includes(',')))
        errors.push({
          parameter: name,
          detail: 'has an array element holding a comma; elements are joined with commas, so give them as separate elements',
        });
      else params[name] = texts.join(',');
    } else errors.push({ parameter: name, detail: 'must be a string, a number, a boolean or a non-empty array of them' });
  }
  if (errors.length > 0) throw invalidParameters(errors);
  return params;
}
