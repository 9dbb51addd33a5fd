/** Decodes one raw CSV record into a typed `Row` through the io-ts row codec. */
import * as E from 'fp-ts/lib/Either.js';
import { locateField, type CsvRecord } from './csv-records.js';
import type { DataError } from './data-error.js';
import type { ColumnIndex } from './header.js';
import { COLUMNS, Row } from './row.js';

export function decodeRecord(record: CsvRecord, index: ColumnIndex, width: number, file: string): E.Either<DataError[], Row> {
  if (record.fields.length !== width) {
    return E.left([{ file, line: record.line, message: `expected ${width} fields, got ${record.fields.length}` }]);
  }
  // Built in COLUMNS order so that the decoded row (and its JSON) keeps the file's column order.
  const cells: Record<string, string> = {};
  for (const column of COLUMNS) cells[column] = record.fields[index[column]] ?? '';
  const decoded = Row.decode(cells);
  if (E.isRight(decoded)) return decoded;
  return E.left(
    decoded.left.map((error) => {
      const column = error.context[1]?.key ?? '';
      const field = index[column as keyof ColumnIndex];
      const position = field === undefined ? { line: record.line } : { ...locateField(record, field), field: field + 1 };
      return {
        file,
        ...position,
        column,
        value: cells[column] ?? '',
        message: error.message ?? `expected ${error.context[1]?.type.name ?? 'a valid value'}`,
      };
    }),
  );
}
