/** Which representation of rows to answer: `format=` wins, then the Accept header (RFC 9110 §12.5.1). */
import type { Context } from 'koa';
import type { Format } from '../query/parameters.js';
import { HttpProblem } from './problems.js';

export const MEDIA_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  geojson: 'application/geo+json',
};

/** Content-Type headers, set as strings: `ctx.type =` looks the mime type up on every request. */
export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  geojson: 'application/geo+json; charset=utf-8',
};

const FORMAT_BY_MEDIA_TYPE = new Map(Object.entries(MEDIA_TYPES).map(([format, type]) => [type, format as Format]));
const OFFERED = Object.values(MEDIA_TYPES);

export function chooseFormat(ctx: Context, format: Format | undefined): Format {
  if (format !== undefined) return format;
  const accept = ctx.get('Accept');
  // Most clients send nothing or */*: answer JSON without running the negotiator.
  if (accept === '' || accept === '*/*' || accept === MEDIA_TYPES.json) return 'json';
  const chosen = ctx.accepts(OFFERED);
  const found = typeof chosen === 'string' ? FORMAT_BY_MEDIA_TYPE.get(chosen) : undefined;
  if (found === undefined) {
    throw new HttpProblem(
      'NOT_ACCEPTABLE',
      `no representation matches Accept: ${accept}; available: ${OFFERED.join(', ')} (or use format=json, csv or geojson)`,
      {
        extensions: { available: OFFERED },
      },
    );
  }
  return found;
}
