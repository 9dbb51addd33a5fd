/** JSON Schemas of what the API answers about sites: a row, facets, a problem. */
import type { ColumnName } from '../../data/row.js';
import { CATEGORIES, COLUMNS } from '../../data/row.js';

const nullable = (type: string) => ({ type: [type, 'null'] });
const flag = { type: 'boolean', description: '0/1 in the CSV.' };

/** One entry per column: `satisfies` makes a new column without a schema a compile error. Columns every
 * row fills are never null (the row codec rejects an empty cell there); the others are null when empty. */
export const COLUMN_SCHEMAS = {
  unique_number: { type: 'integer', minimum: 1, description: 'Row number of the export; unique.' },
  id_no: { type: 'integer' },
  rev_bis: nullable('string'),
  name_en: { type: 'string', description: 'May hold HTML tags and trailing spaces, as the export does.' },
  name_fr: { type: 'string' },
  short_description_en: { type: 'string', description: 'HTML.' },
  short_description_fr: { type: 'string', description: 'HTML; accents raw or as entities.' },
  justification_en: nullable('string'),
  justification_fr: nullable('string'),
  date_inscribed: { type: 'integer' },
  secondary_dates: nullable('string'),
  danger: flag,
  date_end: nullable('integer'),
  danger_list: nullable('string'),
  longitude: { type: 'number', minimum: -180, maximum: 180 },
  latitude: { type: 'number', minimum: -90, maximum: 90 },
  area_hectares: nullable('number'),
  C1: flag,
  C2: flag,
  C3: flag,
  C4: flag,
  C5: flag,
  C6: flag,
  N7: flag,
  N8: flag,
  N9: flag,
  N10: flag,
  criteria_txt: { type: 'string' },
  category: { type: 'string', enum: [...CATEGORIES] },
  category_short: { type: 'string' },
  states_name_en: { type: 'string', description: 'Comma-separated, aligned with iso_code.' },
  states_name_fr: { type: 'string' },
  region_en: { type: 'string', description: 'Comma-separated.' },
  region_fr: { type: 'string' },
  iso_code: nullable('string'),
  udnp_code: nullable('string'),
  transboundary: flag,
} satisfies Record<ColumnName, Record<string, unknown>>;

/** Row properties: the columns, and `distance_km` with `near`. */
export const ROW_PROPERTIES = {
  ...COLUMN_SCHEMAS,
  distance_km: { type: 'number', minimum: 0, description: 'Great-circle distance from `near`, km, 3 decimals.' },
};

export const ROW_SCHEMA = {
  type: 'object',
  description:
    'A row of the World Heritage List with the CSV column names, in file order; with `near`, also `distance_km`. With `fields`, a row holds exactly the columns named there (of the types given here).',
  required: [...COLUMNS],
  properties: ROW_PROPERTIES,
  additionalProperties: false,
};

const facet = (valueType: string) => ({
  type: 'array',
  items: {
    type: 'object',
    required: ['value', 'count'],
    additionalProperties: false,
    properties: { value: { type: valueType }, count: { type: 'integer', minimum: 1 } },
  },
});

export const STATS_SCHEMA = {
  type: 'object',
  required: ['total', 'facets'],
  additionalProperties: false,
  properties: {
    total: { type: 'integer', minimum: 0 },
    facets: {
      type: 'object',
      required: ['category', 'region', 'state', 'danger'],
      additionalProperties: false,
      properties: { category: facet('string'), region: facet('string'), state: facet('string'), danger: facet('boolean') },
    },
  },
};

export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri-reference', description: 'A page explaining this kind of problem, relative to the API.' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable error code.' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Each bad parameter (400), or each error in the data file (503).',
      items: {
        oneOf: [
          { type: 'object', required: ['parameter', 'detail'], properties: { parameter: { type: 'string' }, detail: { type: 'string' } } },
          { type: 'string' },
        ],
      },
    },
    allowed: { type: 'array', items: { type: 'string' }, description: 'The parameters this route takes.' },
    available: { type: 'array', items: { type: 'string' }, description: 'The media types this route answers (406).' },
  },
};
