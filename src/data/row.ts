/**
 * The typed row of the World Heritage List, one io-ts codec per CSV column.
 *
 * The property order here is the column order of the UNESCO export, and it is the key order of
 * every JSON row the API answers: clients of the original service read these names.
 */
import * as t from 'io-ts';
import { FlagCell, IntegerCell, NumberCell, TextCell, nullableCell, oneOfCell, rangedNumberCell } from './cells.js';

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

const Text = nullableCell(TextCell);
const Integer = nullableCell(IntegerCell);
const Flag = nullableCell(FlagCell);

export const rowColumns = {
  unique_number: PositiveIntegerCell,
  id_no: Integer,
  rev_bis: Text,
  name_en: Text,
  name_fr: Text,
  short_description_en: Text,
  short_description_fr: Text,
  justification_en: Text,
  justification_fr: Text,
  date_inscribed: Integer,
  secondary_dates: Text,
  danger: Flag,
  date_end: Integer,
  danger_list: Text,
  longitude: nullableCell(rangedNumberCell('Longitude', -180, 180)),
  latitude: nullableCell(rangedNumberCell('Latitude', -90, 90)),
  area_hectares: nullableCell(NumberCell),
  C1: Flag,
  C2: Flag,
  C3: Flag,
  C4: Flag,
  C5: Flag,
  C6: Flag,
  N7: Flag,
  N8: Flag,
  N9: Flag,
  N10: Flag,
  criteria_txt: Text,
  category: oneOfCell('Category', CATEGORIES),
  category_short: Text,
  states_name_en: Text,
  states_name_fr: Text,
  region_en: Text,
  region_fr: Text,
  iso_code: Text,
  udnp_code: Text,
  transboundary: Flag,
};

export const Row = t.type(rowColumns, 'Row');
export type Row = t.TypeOf<typeof Row>;
export type ColumnName = keyof typeof rowColumns;

/** The CSV's columns in file order. */
export const COLUMNS = Object.keys(rowColumns) as readonly ColumnName[];
