/**
 * A data file of real rows whose text cells carry spreadsheet formulas (CSV injection, issue 24),
 * written here with a CSV writer of the test's own, and the oracle for them: OWASP's list of
 * characters that start a formula, written from the guidance, not from src/data/formula-text.ts.
 */
import { DATA_FILE, readDataText, readRecords } from './reference-csv.js';
import type { TempDir } from './temp-files.js';

/** What the attack cells hold, by column; each goes into a row of its own. */
export const ATTACKS: readonly { readonly column: string; readonly value: string }[] = [
  { column: 'name_en', value: '=HYPERLINK("http://127.0.0.1/x","click")' },
  { column: 'rev_bis', value: '+1+2' },
  { column: 'rev_bis', value: '-2+3' },
  { column: 'rev_bis', value: '@SUM(1,2)' },
  { column: 'justification_en', value: '\t=1+1' },
  { column: 'justification_fr', value: '\r=1+1' },
];
/** Text cells a spreadsheet reads as plain numbers: kept as they are. */
export const PLAIN_NUMBERS: readonly { readonly column: string; readonly value: string }[] = [
  { column: 'rev_bis', value: '-257' },
  { column: 'rev_bis', value: '+42' },
];

const STARTS_A_FORMULA = ['=', '+', '-', '@', '\t', '\r'];
/** The test's own rule: starts with one of OWASP's characters and is not a plain decimal number. */
export const looksLikeFormula = (cell: string) => STARTS_A_FORMULA.some((c) => cell.startsWith(c)) && !/^[+-]?\d+(\.\d+)?$/.test(cell);

const csvField = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);

/** A planted cell: its row's unique_number, where it starts in the file as written, its column and text. */
/**
 * A value as the CSV answers should write it, by the source file's conventions: empty for null,
 * 1/0 for flags, and text a spreadsheet would run as a formula behind a single quote.
 */
export const expectedCsvCell = (value: string | number | boolean | null): string =>
  value === null
    ? ''
    : typeof value === 'boolean'
      ? value
        ? '1'
        : '0'
      : `${typeof value === 'string' && looksLikeFormula(value) ? "'" : ''}${String(value)}`;

export interface PlantedCell {
  readonly unique_number: number;
  /** 1-based line and character column (UTF-16 code units) of the cell's first character, its quote if quoted. */
  readonly line: number;
  readonly character: number;
  /** 1-based field number in the record. */
  readonly field: number;
  readonly column: string;
  readonly value: string;
}

export interface FormulaFile {
  readonly file: string;
  readonly cells: readonly PlantedCell[];
}

/** The real file's header and its first rows, the planted cells written into them (the plain numbers, then the attacks). */
export function writeFormulaFile(dir: TempDir, name = 'formulas.csv'): FormulaFile {
  const [header, ...rows] = readRecords(readDataText(DATA_FILE));
  if (header === undefined) throw new Error('empty data file');
  // The carriage return last: how a reader counts a bare CR inside quotes moves no later planted line.
  const planted = [...PLAIN_NUMBERS, ...ATTACKS];
  const cells: PlantedCell[] = [];
  const lines = [header.fields.map(csvField).join(',')];
  let line = 2;
  rows.slice(0, planted.length + 12).forEach((record, i) => {
    const fields = [...record.fields];
    const plant = planted[i];
    if (plant !== undefined) {
      const field = header.fields.indexOf(plant.column);
      fields[field] = plant.value;
      // Where the cell starts, from the text written before it on its record (earlier cells may span lines).
      const before = fields
        .slice(0, field)
        .map((f) => `${csvField(f)},`)
        .join('');
      const newlines = before.split('\n').length - 1;
      const character = before.length - (before.lastIndexOf('\n') + 1) + 1;
      cells.push({
        unique_number: Number(fields[0]),
        line: line + newlines,
        character,
        field: field + 1,
        column: plant.column,
        value: plant.value,
      });
    }
    const text = fields.map(csvField).join(',');
    lines.push(text);
    line += text.split('\n').length;
  });
  return { file: dir.write(name, `${lines.join('\r\n')}\r\n`), cells };
}
