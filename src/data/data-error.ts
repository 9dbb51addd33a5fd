/** A problem found in a data file, located precisely enough for a person to fix it. */
export interface DataError {
  readonly file: string;
  /** 1-based line in the file of the offending cell, or where the offending record starts; 0 when the whole file is at fault. */
  readonly line: number;
  /** The column's name when one cell is at fault. */
  readonly column?: string;
  /** Its 1-based field number in the record (the file's order, which may differ from the header's usual one). */
  readonly field?: number;
  /** 1-based character column where the cell starts on `line`, for editors and CI annotations (`file:line:column:`). */
  readonly character?: number;
  /** The offending text, when there is one. */
  readonly value?: string;
  readonly message: string;
}

const MAX_VALUE_SHOWN = 80;

function showValue(value: string): string {
  const shown = value.length > MAX_VALUE_SHOWN ? `${value.slice(0, MAX_VALUE_SHOWN)}…` : value;
  return JSON.stringify(shown);
}

/**
 * `file:line:column: column "name" (field 3): message, got "value"`, the shape compilers use, which
 * VS Code's terminal links and GitHub's problem matchers read. `file:line:` when no cell is at fault.
 */
export function formatDataError(error: DataError): string {
  const at = error.character === undefined ? '' : `:${error.character}`;
  const where = error.line > 0 ? `${error.file}:${error.line}${at}` : error.file;
  const field = error.field === undefined ? '' : ` (field ${error.field})`;
  const column = error.column === undefined ? '' : ` column "${error.column}"${field}:`;
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
