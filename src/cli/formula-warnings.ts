/**
 * Formula warnings for `whc-data` (data/formula-text.ts): written once the file is known to be
 * valid (an invalid file's errors matter first); the first MAX_REPORTED_ERRORS are kept, the rest
 * only counted, so a file of formulas costs bounded memory and output.
 */
import { formatDataError, type DataError } from '../data/data-error.js';
import { MAX_REPORTED_ERRORS } from '../data/load.js';

export interface FormulaWarnings {
  /** The loader's `warn` option. */
  readonly warn: (warning: DataError) => void;
  readonly count: () => number;
  /** Writes the kept warnings to stderr, `file:line:column:` like errors. */
  readonly write: () => void;
}

export function formulaWarnings(): FormulaWarnings {
  const kept: DataError[] = [];
  let count = 0;
  return {
    warn: (warning) => {
      count += 1;
      if (kept.length < MAX_REPORTED_ERRORS) kept.push(warning);
    },
    count: () => count,
    write: () => {
      for (const warning of kept) process.stderr.write(`${formatDataError(warning)}\n`);
      if (count > kept.length) process.stderr.write(`(and ${count - kept.length} more formula warnings)\n`);
    },
  };
}
