/** JSON Schemas of the other answers: GeoJSON pages, and the health, readiness and status probes. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** RFC 7946 §3.3: the chosen fields as properties; `geometry` null for a site without a usable position. */
export const FEATURE_COLLECTION_SCHEMA = {
  type: 'object',
  description: 'RFC 7946 FeatureCollection of Points, `[longitude, latitude]`; one Feature per row, its columns as properties.',
  required: ['type', 'features'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: { type: 'array', items: ref('Feature') },
  },
};

export const FEATURE_SCHEMA = {
  type: 'object',
  required: ['type', 'id', 'geometry', 'properties'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    id: { type: 'integer', description: "The row's `unique_number`." },
    geometry: { oneOf: [ref('Point'), { type: 'null' }] },
    properties: ref('Row'),
  },
};

export const POINT_SCHEMA = {
  type: 'object',
  required: ['type', 'coordinates'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['Point'] },
    coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' }, description: '`[longitude, latitude]`' },
  },
};

const DATASET_VIEW = {
  type: 'object',
  required: ['version', 'rows', 'loadedAt', 'file'],
  additionalProperties: false,
  properties: {
    version: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'sha256 of the data file.' },
    rows: { type: 'integer', minimum: 0 },
    loadedAt: { type: 'string', format: 'date-time' },
    file: { type: 'string', description: 'Base name of the data file.' },
  },
};

export const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ok'] } },
};

export const READY_SCHEMA = {
  type: 'object',
  required: ['status', 'dataset'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ready'] }, dataset: ref('Dataset') },
};

export const STATUS_SCHEMA = {
  type: 'object',
  required: ['ready', 'shuttingDown', 'dataset', 'lastReloadError'],
  additionalProperties: false,
  properties: {
    ready: { type: 'boolean' },
    shuttingDown: { type: 'boolean' },
    dataset: { oneOf: [ref('Dataset'), { type: 'null' }] },
    lastReloadError: {
      oneOf: [
        {
          type: 'object',
          required: ['at', 'errors', 'messages'],
          additionalProperties: false,
          properties: {
            at: { type: 'string', format: 'date-time' },
            errors: { type: 'integer', minimum: 1 },
            messages: {
              type: 'array',
              maxItems: 10,
              items: { type: 'string' },
              description: '`file:line:column: column "name" (field N): message` (`file:line:` when no one cell is at fault)',
            },
          },
        },
        { type: 'null' },
      ],
    },
  },
};

export const ANSWER_SCHEMAS = {
  FeatureCollection: FEATURE_COLLECTION_SCHEMA,
  Feature: FEATURE_SCHEMA,
  Point: POINT_SCHEMA,
  Dataset: DATASET_VIEW,
  Health: HEALTH_SCHEMA,
  Ready: READY_SCHEMA,
  Status: STATUS_SCHEMA,
};
