#!/usr/bin/env node
/**
 * `whc-data`: the data file tools, built on the service's own loader.
 *
 *   validate <file>             exit 0, or 1 with every error as file:line: column "name": message
 *   describe <file>             rows, columns, version (sha256), size and formula cells, as JSON
 *   publish [--allow-shrink] <source> <target>
 *                               validate and atomically replace target; source is a path or http(s) URL;
 *                               a source with fewer than 98 % of the target's rows is refused unless --allow-shrink
 *
 * Each also writes, on stderr, a warning per text cell a spreadsheet would run as a formula
 * (data/formula-text.ts), located like errors. A warning, not a failure: such text can be real
 * data (`rev_bis` holds `-894 Rev`), and CSV answers neutralise it anyway.
 *
 * Exit codes: 0 success, 1 invalid data or failed publish, 2 wrong usage.
 */
import { stat } from 'node:fs/promises';
import { DataFileError, formatDataError, type DataError } from '../data/data-error.js';
import { loadDataset, MAX_REPORTED_ERRORS } from '../data/load.js';
import { publishDataFile } from '../data/publish.js';
import { COLUMNS } from '../data/row.js';

const USAGE = `usage: whc-data validate <file>
       whc-data describe <file>
       whc-data publish [--allow-shrink] <source-file-or-url> <target-file>`;

class UsageError extends Error {}

/**
 * Formula warnings, written once the file is known to be valid (an invalid file's errors matter
 * first): the first MAX_REPORTED_ERRORS are kept, the rest only counted, so a file of formulas
 * costs bounded memory and output.
 */
function formulaWarnings(): { warn: (warning: DataError) => void; count: () => number; write: () => void } {
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

function reportFailure(error: unknown): number {
  if (error instanceof DataFileError) {
    for (const e of error.errors) process.stderr.write(`${formatDataError(e)}\n`);
    process.stderr.write(`${error.errors.length} error(s); the file was rejected\n`);
  } else {
    process.stderr.write(`whc-data: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 1;
}

async function run(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  const operands = (n: number): string[] => {
    if (rest.length !== n) throw new UsageError(`${command} takes ${n} argument${n > 1 ? 's' : ''}`);
    return rest;
  };
  switch (command) {
    case 'validate': {
      const [file = ''] = operands(1);
      const warnings = formulaWarnings();
      const dataset = await loadDataset(file, { warn: warnings.warn });
      warnings.write();
      const warned = warnings.count() > 0 ? `, ${warnings.count()} formula warning(s)` : '';
      process.stdout.write(`${file}: valid, ${dataset.version.rows} rows, version ${dataset.version.id}${warned}\n`);
      return 0;
    }
    case 'describe': {
      const [file = ''] = operands(1);
      const warnings = formulaWarnings();
      const [dataset, info] = await Promise.all([loadDataset(file, { warn: warnings.warn }), stat(file)]);
      warnings.write();
      const description = {
        file,
        rows: dataset.version.rows,
        columns: COLUMNS,
        version: dataset.version.id,
        bytes: info.size,
        formulaCells: warnings.count(),
      };
      process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
      return 0;
    }
    case 'publish': {
      const allowShrink = rest[0] === '--allow-shrink';
      if (allowShrink) rest.shift();
      const [source = '', target = ''] = operands(2);
      if (source.startsWith('-')) throw new UsageError(`unknown option "${source}"`);
      const warnings = formulaWarnings();
      const version = await publishDataFile(source, target, { allowShrink, warn: warnings.warn });
      warnings.write();
      process.stdout.write(`published ${source} to ${target}: ${version.rows} rows, version ${version.id}\n`);
      return 0;
    }
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`whc-data: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else process.exitCode = reportFailure(error);
  },
);
