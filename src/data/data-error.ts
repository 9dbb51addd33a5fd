/** A problem found in a data file, located precisely enough for a person to fix it. */
export interface DataError {
  readonly file: string;
  /** 1-based line in the file where the offending record starts; 0 when the whole file is at fault. */
  readonly line: number;
  /** The column's name when one cell is at fault. */
  readonly column?: string;
  /** The offending text, when there is one. */
  readonly value?: string;
  readonly message: string;
}

const MAX_VALUE_SHOWN = 80;

function showValue(value: string): string {
  const shown = value.length > MAX_VALUE_SHOWN ? `${value.slice(0, MAX_VALUE_SHOWN)}…` : value;
  return JSON.stringify(shown);
}

/** `file:line: column "name": message, got "value"`, the shape compilers use so editors can jump to it. */
export function formatDataError(error: DataError): string {
  const where = error.line > 0 ? `${error.file}:${error.line}` : error.file;
  const column = error.column === undefined ? '' : ` column "${error.column}":`;
  const got = error.value === undefined ? '' : `, got ${showValue(error.value)}`;
  return `${where}:${column} ${error.message}${got}`;
}

/** Thrown by the loader; carries every error found (up to a cap), not just the first. */
export class DataFileError extends Error {
  readonly errors: readonly DataError[];
  constructor(errors: readonly DataError[]) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(first === undefined ? 'invalid data file' : `${formatDataError(first)}${more}`);
    this.name = 'DataFileError';
    this.errors = errors;
  }
}

/** The file changed while it was read (a writer still at work): not wrong, not ready yet. */
export class DataFileChangedError extends DataFileError {
  constructor(file: string) {
    super([{ file, line: 0, message: 'the file changed while it was read (still being written?); it is read again once stable' }]);
    this.name = 'DataFileChangedError';
  }
}
