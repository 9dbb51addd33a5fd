#!/usr/bin/env node
/**
 * `whc-data`: the data file tools, built on the service's own loader.
 *
 *   validate <file>             exit 0, or 1 with every error as file:line: column "name": message
 *   describe <file>             rows, columns, version (sha256) and size, as JSON
 *   publish <source> <target>   validate and atomically replace target; source is a path or http(s) URL
 *
 * Exit codes: 0 success, 1 invalid data or failed publish, 2 wrong usage.
 */
// First: on an unsupported Node it stops the process before any other module runs.
import '../node-version.js';
import { stat } from 'node:fs/promises';
import { DataFileError, formatDataError } from '../data/data-error.js';
import { loadDataset } from '../data/load.js';
import { publishDataFile } from '../data/publish.js';
import { COLUMNS } from '../data/row.js';

const USAGE = `usage: whc-data validate <file>
       whc-data describe <file>
       whc-data publish <source-file-or-url> <target-file>`;

class UsageError extends Error {}

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
      const dataset = await loadDataset(file);
      process.stdout.write(`${file}: valid, ${dataset.version.rows} rows, version ${dataset.version.id}\n`);
      return 0;
    }
    case 'describe': {
      const [file = ''] = operands(1);
      const [dataset, info] = await Promise.all([loadDataset(file), stat(file)]);
      process.stdout.write(
        `${JSON.stringify({ file, rows: dataset.version.rows, columns: COLUMNS, version: dataset.version.id, bytes: info.size }, null, 2)}\n`,
      );
      return 0;
    }
    case 'publish': {
      const [source = '', target = ''] = operands(2);
      const version = await publishDataFile(source, target);
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
