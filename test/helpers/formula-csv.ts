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

export interface FormulaFile {
  readonly file: string;
  /** Each planted cell: its row's unique_number, the line its record starts on, column and text. */
  readonly cells: readonly { unique_number: number; line: number; column: string; value: string }[];
}

/** The real file's header and its first rows, the planted cells written into them (the plain numbers, then the attacks). */
export function writeFormulaFile(dir: TempDir, name = 'formulas.csv'): FormulaFile {
  const [header, ...rows] = readRecords(readDataText(DATA_FILE));
  if (header === undefined) throw new Error('empty data file');
  // The carriage return last: how a reader counts a bare CR inside quotes moves no later planted line.
  const planted = [...PLAIN_NUMBERS, ...ATTACKS];
  const cells: { unique_number: number; line: number; column: string; value: string }[] = [];
  const lines = [header.fields.map(csvField).join(',')];
  let line = 2;
  rows.slice(0, planted.length + 12).forEach((record, i) => {
    const fields = [...record.fields];
    const plant = planted[i];
    if (plant !== undefined) {
      fields[header.fields.indexOf(plant.column)] = plant.value;
      cells.push({ unique_number: Number(fields[0]), line, column: plant.column, value: plant.value });
    }
    const text = fields.map(csvField).join(',');
    lines.push(text);
    line += text.split('\n').length;
  });
  return { file: dir.write(name, `${lines.join('\r\n')}\r\n`), cells };
}
