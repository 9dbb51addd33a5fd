/**
 * Every query parameter: its codec and what `/openapi.json` says about it, side by side so the
 * two cannot drift. Filters are shared by `/query` and `/stats`; output parameters shape
 * `/query`'s answer. Decoded values are ready to test rows against (folded text, parsed boxes).
 */
import * as t from 'io-ts';
import { CATEGORIES, COLUMNS, type Category } from '../data/row.js';
import { CRITERIA } from './criteria.js';
import { decodeCursor } from './cursor.js';
import type { BoundingBox, Point } from './geo.js';
import { DISTANCE_FIELD, parseSort, SORT_FIELDS } from './order.js';
import {
  BooleanParam,
  PositiveIntegerParam,
  Rejection,
  decimalParam,
  integerParam,
  listParam,
  oneOf,
  oneOfParam,
  parseDecimal,
  singleParam,
} from './param-codecs.js';
import { fold, plainText, words } from './text.js';

type Schema = Readonly<Record<string, unknown>>;

/** What the OpenAPI document says about a parameter. */
export interface ParameterDoc {
  readonly description: string;
  /** JSON Schema (OpenAPI 3.1) of the value in a query string. */
  readonly schema: Schema;
  /** JSON Schema of the value in a `POST /query` body, where it differs: a list may be an array there. */
  readonly body?: Schema;
  /** A value that works on the bundled data, of the schema's type (230, not "230"). */
  readonly example: unknown;
}

const BOOLEAN: Schema = { type: 'boolean' };
/** A list: comma-separated text in a URL; in a body, that text or an array of its elements. */
const list = (items: Schema): { schema: Schema; body: Schema } => ({
  schema: { type: 'string' },
  body: { oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items }] },
});
/** `lat,lon` or a box: text in a URL; in a body, that text or an array of the numbers. */
const numbers = (count: number): { schema: Schema; body: Schema } => ({
  schema: { type: 'string' },
  body: { oneOf: [{ type: 'string' }, { type: 'array', minItems: count, maxItems: count, items: { type: 'number' } }] },
});

export interface Parameter<C extends t.Mixed> {
  readonly codec: C;
  readonly doc: ParameterDoc;
}

const parameter = <C extends t.Mixed>(codec: C, doc: ParameterDoc): Parameter<C> => ({ codec, doc });

const foldedText = (text: string): string | undefined => {
  const folded = fold(plainText(text));
  return folded === '' ? undefined : folded;
};
const ISO_CODE = /^[a-z]{2}$/i;
const LIST = 'Comma-separated; a site matches when any element matches (case- and accent-insensitive).';

function coordinates(count: 2 | 4, text: string): number[] | Rejection {
  const parts = text.split(',');
  if (parts.length !== count) return new Rejection(`has ${parts.length} number(s); expected ${count} separated by commas`);
  const numbers = parts.map((p) => parseDecimal(p.trim()));
  const bad = parts.find((_, i) => numbers[i] === undefined);
  return bad === undefined ? (numbers as number[]) : new Rejection(`has ${JSON.stringify(bad)}; expected a decimal number`);
}

const outOfRange = (what: string, value: number, min: number, max: number): Rejection | undefined =>
  value >= min && value <= max ? undefined : new Rejection(`has ${what} ${value}; expected ${min} to ${max}`);

const BoundingBoxParam = singleParam<BoundingBox>('BoundingBox', 'minLon,minLat,maxLon,maxLat', (text) => {
  const numbers = coordinates(4, text);
  if (numbers instanceof Rejection) return numbers;
  const [minLon = 0, minLat = 0, maxLon = 0, maxLat = 0] = numbers;
  const problem =
    outOfRange('longitude', minLon, -180, 180) ??
    outOfRange('longitude', maxLon, -180, 180) ??
    outOfRange('latitude', minLat, -90, 90) ??
    outOfRange('latitude', maxLat, -90, 90);
  if (problem !== undefined) return problem;
  if (minLat > maxLat) return new Rejection(`has minLat ${minLat} above maxLat ${maxLat}`);
  return { minLon, minLat, maxLon, maxLat };
});

const PointParam = singleParam<Point>('Point', 'lat,lon', (text) => {
  const numbers = coordinates(2, text);
  if (numbers instanceof Rejection) return numbers;
  const [lat = 0, lon = 0] = numbers;
  return outOfRange('latitude', lat, -90, 90) ?? outOfRange('longitude', lon, -180, 180) ?? { lat, lon };
});

const SearchParam = singleParam<readonly string[]>('Search', 'words to search for', (text) => {
  if (text.length > 500) return new Rejection(`is ${text.length} characters long; at most 500 are allowed`);
  const terms = [...new Set(words(plainText(text)))];
  return terms.length > 0 ? terms : new Rejection('has no letters or digits to search for');
});

const Year = (name: string) => integerParam(name, 1, 9999);

export const FILTER_PARAMETERS = {
  unique_number: parameter(PositiveIntegerParam, {
    description:
      "The site's row number in the export. Alone, `/query?unique_number=N` answers `[row]` or 404, as the original service did.",
    schema: { type: 'integer', minimum: 1 },
    example: 230,
  }),
  id_no: parameter(PositiveIntegerParam, {
    description: "UNESCO's site identifier (`id_no`).",
    schema: { type: 'integer', minimum: 1 },
    example: 208,
  }),
  category: parameter(listParam<Category>('Categories', CATEGORIES.join(', '), oneOf(CATEGORIES)), {
    description: `Cultural, Natural or Mixed. ${LIST}`,
    ...list({ type: 'string', enum: [...CATEGORIES] }),
    example: 'Natural,Mixed',
  }),
  region: parameter(listParam('Regions', 'region names', foldedText), {
    description: `Region names, English or French (\`region_en\`, \`region_fr\`). ${LIST}`,
    ...list({ type: 'string' }),
    example: 'Africa',
  }),
  iso_code: parameter(
    listParam('IsoCodes', 'two-letter ISO 3166 codes', (s) => (ISO_CODE.test(s) ? s.toLowerCase() : undefined)),
    {
      description: `Two-letter country codes (\`iso_code\`). ${LIST}`,
      ...list({ type: 'string', pattern: '^[A-Za-z]{2}$' }),
      example: 'it,fr',
    },
  ),
  state: parameter(listParam('States', 'state names', foldedText), {
    description: `States parties, English or French names (\`states_name_en\`, \`states_name_fr\`), whole names. ${LIST}`,
    ...list({ type: 'string' }),
    example: "Côte d'Ivoire",
  }),
  danger: parameter(BooleanParam, {
    description: 'Whether the site is on the List of World Heritage in Danger.',
    schema: BOOLEAN,
    example: true,
  }),
  transboundary: parameter(BooleanParam, {
    description: 'Whether the site spans more than one state party.',
    schema: BOOLEAN,
    example: true,
  }),
  inscribed_from: parameter(Year('Year'), {
    description: 'Inscribed in this year or later (`date_inscribed`).',
    schema: { type: 'integer', minimum: 1, maximum: 9999 },
    example: 2000,
  }),
  inscribed_to: parameter(Year('Year'), {
    description: 'Inscribed in this year or earlier. Must not be before `inscribed_from`.',
    schema: { type: 'integer', minimum: 1, maximum: 9999 },
    example: 2010,
  }),
  criterion: parameter(listParam('Criteria', `criteria ${CRITERIA.join(', ')}`, oneOf(CRITERIA)), {
    description:
      'Selection criteria as Roman numerals, (i)-(vi) cultural and (vii)-(x) natural. Comma-separated; a site matches when it meets any of them.',
    ...list({ type: 'string', enum: [...CRITERIA] }),
    example: 'vii,x',
  }),
  q: parameter(SearchParam, {
    description:
      'Words to find in `name_en`, `name_fr`, `short_description_en` and `short_description_fr`, with HTML removed. Case- and accent-insensitive; every word must start a word of the text (`cathedral` finds "Cathedrals").',
    schema: { type: 'string', maxLength: 500 },
    example: 'buddhist valley',
  }),
  bbox: parameter(BoundingBoxParam, {
    description:
      'Map window `minLon,minLat,maxLon,maxLat`. With minLon greater than maxLon the window crosses the 180th meridian. Sites without a position (and the one at the 0,0 placeholder) never match.',
    ...numbers(4),
    example: '170,-50,-170,0',
  }),
  near: parameter(PointParam, {
    description:
      'A point `lat,lon`: results are sorted nearest first and each row gains `distance_km` (great-circle, kilometres). Sites without a position never match.',
    ...numbers(2),
    example: '48.8566,2.3522',
  }),
  radius_km: parameter(decimalParam('Kilometres', 0, 20_100, { exclusiveMin: true }), {
    description: 'With `near`: only sites within this many kilometres.',
    schema: { type: 'number', exclusiveMinimum: 0, maximum: 20_100 },
    example: 100,
  }),
};

export const FORMATS = ['json', 'csv', 'geojson'] as const;
export type Format = (typeof FORMATS)[number];

export const OUTPUT_FIELDS = [...COLUMNS, DISTANCE_FIELD] as const;
export type OutputField = (typeof OUTPUT_FIELDS)[number];

const FieldsParam = listParam<OutputField>('Fields', `column names (${OUTPUT_FIELDS.join(', ')})`, (s) =>
  (OUTPUT_FIELDS as readonly string[]).includes(s) ? (s as OutputField) : undefined,
);

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export const OUTPUT_PARAMETERS = {
  sort: parameter(singleParam('Sort', `a column name, with - in front for descending (${SORT_FIELDS.join(', ')})`, parseSort), {
    description:
      'The column to sort by, `-column` for descending; `distance_km` needs `near`. Nulls come last; ties are broken by `unique_number`. Default: `distance_km` with `near`, else `unique_number`.',
    schema: { type: 'string' },
    example: '-date_inscribed',
  }),
  limit: parameter(integerParam('Limit', 1, MAX_LIMIT), {
    description: `Rows per page, 1 to ${MAX_LIMIT}; default ${DEFAULT_LIMIT}.`,
    // No `default` keyword: Swagger UI would fill it in, and turn the page's first lookup into a search.
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    example: 10,
  }),
  cursor: parameter(singleParam('Cursor', 'a cursor from a Link: rel="next" header', decodeCursor), {
    description:
      'Where the page starts: copy it from the `Link: <...>; rel="next"` header of the previous page; keep every other parameter the same.',
    schema: { type: 'string' },
    example: 'eyJzIjoidW5pcXVlX251bWJlciIsImsiOjEwLCJ1IjoxMH0',
  }),
  fields: parameter(FieldsParam, {
    description: 'Columns to answer, in this order (`distance_km` needs `near`). Default: every column in file order.',
    ...list({ type: 'string', enum: [...OUTPUT_FIELDS] }),
    example: 'unique_number,name_en,date_inscribed',
  }),
  format: parameter(oneOfParam('Format', FORMATS), {
    description: 'json (default), csv or geojson; overrides the Accept header.',
    schema: { type: 'string', enum: [...FORMATS] },
    example: 'csv',
  }),
};

type Codecs<P extends Record<string, Parameter<t.Mixed>>> = { [K in keyof P]: P[K]['codec'] };

export function codecsOf<P extends Record<string, Parameter<t.Mixed>>>(parameters: P): Codecs<P> {
  return Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, p.codec])) as Codecs<P>;
}

export type FilterParams = t.TypeOf<t.PartialC<Codecs<typeof FILTER_PARAMETERS>>>;
export type OutputParams = t.TypeOf<t.PartialC<Codecs<typeof OUTPUT_PARAMETERS>>>;
export type QueryParams = FilterParams & OutputParams;
