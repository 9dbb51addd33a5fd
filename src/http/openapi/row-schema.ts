/** JSON Schemas of what the API answers: a row, facets, a problem. */
import type { ColumnName } from '../../data/row.js';
import { CATEGORIES } from '../../data/row.js';

const nullable = (type: string) => ({ type: [type, 'null'] });
const flag = { ...nullable('boolean'), description: '0/1 in the CSV; null when empty.' };

/** One entry per column: `satisfies` makes a new column without a schema a compile error. */
export const COLUMN_SCHEMAS = {
  unique_number: { type: 'integer', minimum: 1, description: 'Row number of the export; unique.' },
  id_no: nullable('integer'),
  rev_bis: nullable('string'),
  name_en: { ...nullable('string'), description: 'May hold HTML tags and trailing spaces, as the export does.' },
  name_fr: nullable('string'),
  short_description_en: { ...nullable('string'), description: 'HTML.' },
  short_description_fr: { ...nullable('string'), description: 'HTML; accents raw or as entities.' },
  justification_en: nullable('string'),
  justification_fr: nullable('string'),
  date_inscribed: nullable('integer'),
  secondary_dates: nullable('string'),
  danger: flag,
  date_end: nullable('integer'),
  danger_list: nullable('string'),
  longitude: { ...nullable('number'), minimum: -180, maximum: 180 },
  latitude: { ...nullable('number'), minimum: -90, maximum: 90 },
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
  criteria_txt: nullable('string'),
  category: { type: 'string', enum: [...CATEGORIES] },
  category_short: nullable('string'),
  states_name_en: { ...nullable('string'), description: 'Comma-separated, aligned with iso_code.' },
  states_name_fr: nullable('string'),
  region_en: { ...nullable('string'), description: 'Comma-separated.' },
  region_fr: nullable('string'),
  iso_code: nullable('string'),
  udnp_code: nullable('string'),
  transboundary: flag,
} satisfies Record<ColumnName, Record<string, unknown>>;

export const ROW_SCHEMA = {
  type: 'object',
  description: 'A row of the World Heritage List with the CSV column names, in file order. With `near`, also `distance_km`.',
  properties: { ...COLUMN_SCHEMAS, distance_km: { type: 'number', description: 'Great-circle distance from `near`, km, 3 decimals.' } },
};

const facet = (valueType: string) => ({
  type: 'array',
  items: { type: 'object', required: ['value', 'count'], properties: { value: { type: valueType }, count: { type: 'integer' } } },
});

export const STATS_SCHEMA = {
  type: 'object',
  required: ['total', 'facets'],
  properties: {
    total: { type: 'integer' },
    facets: {
      type: 'object',
      properties: { category: facet('string'), region: facet('string'), state: facet('string'), danger: facet('boolean') },
    },
  },
};

export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable error code.' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { parameter: { type: 'string' }, detail: { type: 'string' } } } },
    allowed: { type: 'array', items: { type: 'string' } },
  },
};
