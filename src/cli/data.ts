#!/usr/bin/env node
/**
 * `whc-data`: the data file tools, built on the service's own loader.
 *
 *   validate <file>             exit 0, or 1 with every error as file:line:column: column "name" (field N): message
 *   describe <file>             rows, columns, version (sha256), size and formula cells, as JSON
 *   publish [--allow-shrink] <source> <target>
 *                               validate and atomically replace target; source is a path or http(s) URL;
 *                               a source with fewer than 98 % of the target's rows is refused unless --allow-shrink
 *
 * Each also writes, on stderr, a warning per text cell a spreadsheet would run as a formula
 * (data/formula-text.ts), located like errors. A warning, not a failure: such text can be real
 * data (`rev_bis` holds `-894 Rev`), and CSV answers neutralise it anyway.
 *
 * Conventions of POSIX utilities and GNU's: `--help`/`-h` (whole tool or one command) prints the
 * usage on stdout and exits 0; `--` ends the options, so `validate -- --help` reads a file named
 * `--help`. Exit codes: 0 success, 1 invalid data or failed publish, 2 wrong usage.
 */
// First: on an unsupported Node it stops the process before any other module runs.
import '../node-version.js';
import { stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { DataFileError, formatDataError } from '../data/data-error.js';
import { loadDataset } from '../data/load.js';
import { MIN_KEPT_FRACTION, publishDataFile } from '../data/publish.js';
import { COLUMNS } from '../data/row.js';
import { formulaWarnings } from './formula-warnings.js';

interface Command {
  /** The operands, as the usage line names them. */
  readonly operands: readonly string[];
  readonly summary: string;
  /** The command's own options (`--help` is every command's); parseArgs refuses any other. */
  readonly options: ParseArgsOptionsConfig;
  /** One line per option of `options` for `--help`, as `  --name  what it does`. */
  readonly optionHelp: readonly string[];
  run(operands: readonly string[], options: Readonly<Record<string, unknown>>): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  validate: {
    operands: ['<file>'],
    summary: 'check a data file; every error as file:line:column:',
    options: {},
    optionHelp: [],
    async run([file = '']) {
      const warnings = formulaWarnings();
      const dataset = await loadDataset(file, { warn: warnings.warn });
      warnings.write();
      const warned = warnings.count() > 0 ? `, ${warnings.count()} formula warning(s)` : '';
      process.stdout.write(`${file}: valid, ${dataset.version.rows} rows, version ${dataset.version.id}${warned}\n`);
      return 0;
    },
  },
  describe: {
    operands: ['<file>'],
    summary: 'rows, columns, version (sha256), size and formula cells of a valid data file, as JSON',
    options: {},
    optionHelp: [],
    async run([file = '']) {
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
    },
  },
  publish: {
    operands: ['<source-file-or-url>', '<target-file>'],
    summary: 'download or copy, validate, then atomically replace the target',
    options: { 'allow-shrink': { type: 'boolean' } },
    optionHelp: [
      `  --allow-shrink  publish a source with fewer than ${MIN_KEPT_FRACTION * 100} % of the target's rows (refused otherwise)`,
    ],
    async run([source = '', target = ''], options) {
      const warnings = formulaWarnings();
      const version = await publishDataFile(source, target, { allowShrink: options['allow-shrink'] === true, warn: warnings.warn });
      warnings.write();
      process.stdout.write(`published ${source} to ${target}: ${version.rows} rows, version ${version.id}\n`);
      return 0;
    },
  },
};

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

const usageLine = (name: string, command: Command) => `whc-data ${name} [options] ${command.operands.join(' ')}`;

function usage(name?: string): string {
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name !== undefined && command !== undefined) {
    return [`usage: ${usageLine(name, command)}`, `  ${command.summary}`, ...command.optionHelp, '  -h, --help  this text'].join('\n');
  }
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${usageLine(n, c).padEnd(62)}${c.summary}`);
  return `usage: whc-data <command> [options] <operands>\n${lines.join('\n')}\n  whc-data <command> --help                                     one command's options\nexit codes: 0 success, 1 invalid data or failed publish, 2 wrong usage`;
}

class UsageError extends Error {
  /** The command whose usage to show; the whole tool's when undefined. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

function parse(args: string[], options: ParseArgsOptionsConfig, command?: string) {
  try {
    return parseArgs({ args, options: { ...options, ...HELP }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs's own message says which option and how to pass a value that starts with a dash.
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
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
  // The command is the first operand; options before it are the tool's own (only --help).
  const first = args.findIndex((a) => !a.startsWith('-') || a === '-' || a === '--');
  const name = first === -1 || args[first] === '--' ? undefined : args[first];
  if (name === undefined) {
    const { values } = parse([...args], {});
    if (values.help === true) {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    throw new UsageError('no command given');
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    parse(args.slice(0, first), {});
    throw new UsageError(`unknown command "${name}"`);
  }
  const { values, positionals } = parse([...args.slice(0, first), ...args.slice(first + 1)], command.options, name);
  if (values.help === true) {
    process.stdout.write(`${usage(name)}\n`);
    return 0;
  }
  const n = command.operands.length;
  if (positionals.length !== n) throw new UsageError(`${name} takes ${n} operand${n > 1 ? 's' : ''}, got ${positionals.length}`, name);
  return command.run(positionals, values);
}

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`whc-data: ${error.message}\n${usage(error.command)}\n`);
      process.exitCode = 2;
    } else process.exitCode = reportFailure(error);
  },
);
