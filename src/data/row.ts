/**
 * The typed row of the World Heritage List, one io-ts codec per CSV column.
 *
 * The property order here is the column order of the UNESCO export, and it is the key order of
 * every JSON row the API answers: clients of the original service read these names.
 */
import * as t from 'io-ts';
import { FilledTextCell, FlagCell, IntegerCell, NumberCell, TextCell, nullableCell, oneOfCell, rangedNumberCell } from './cells.js';

export const CATEGORIES = ['Cultural', 'Natural', 'Mixed'] as const;
export type Category = (typeof CATEGORIES)[number];

const PositiveIntegerCell = new t.Type<number, string, unknown>(
  'PositiveIntegerCell',
  (u): u is number => IntegerCell.is(u) && u > 0,
  (u, c) => {
    const decoded = IntegerCell.validate(u, c);
    if (decoded._tag === 'Left') return t.failure(u, c, 'expected a positive integer');
    return decoded.right > 0 ? decoded : t.failure(u, c, 'expected a positive integer');
  },
  IntegerCell.encode,
);

// Every row of the export fills these columns, and /openapi.json promises them never null: an
// empty cell there rejects the file rather than break that promise. The rest may be empty (null).
const Filled = FilledTextCell;
const Text = nullableCell(TextCell);
const Integer = nullableCell(IntegerCell);

export const rowColumns = {
  unique_number: PositiveIntegerCell,
  id_no: IntegerCell,
  rev_bis: Text,
  name_en: Filled,
  name_fr: Filled,
  short_description_en: Filled,
  short_description_fr: Filled,
  justification_en: Text,
  justification_fr: Text,
  date_inscribed: IntegerCell,
  secondary_dates: Text,
  danger: FlagCell,
  date_end: Integer,
  danger_list: Text,
  longitude: rangedNumberCell('Longitude', -180, 180),
  latitude: rangedNumberCell('Latitude', -90, 90),
  area_hectares: nullableCell(NumberCell),
  C1: FlagCell,
  C2: FlagCell,
  C3: FlagCell,
  C4: FlagCell,
  C5: FlagCell,
  C6: FlagCell,
  N7: FlagCell,
  N8: FlagCell,
  N9: FlagCell,
  N10: FlagCell,
  criteria_txt: Filled,
  category: oneOfCell('Category', CATEGORIES),
  category_short: Filled,
  states_name_en: Filled,
  states_name_fr: Filled,
  region_en: Filled,
  region_fr: Filled,
  iso_code: Text,
  udnp_code: Text,
  transboundary: FlagCell,
};

export const Row = t.type(rowColumns, 'Row');
export type Row = t.TypeOf<typeof Row>;
export type ColumnName = keyof typeof rowColumns;

/** The CSV's columns in file order. */
export const COLUMNS = Object.keys(rowColumns) as readonly ColumnName[];
