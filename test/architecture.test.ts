/**
 * The import rules of docs/architecture.md, enforced: the rule table is read from the document
 * (its one JSON block, so the map and the check cannot drift), every file of `src/` is parsed
 * with the TypeScript compiler, and each import must be allowed by the entry its file follows.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

const ROOT = new URL('..', import.meta.url).pathname;
const DOC = join(ROOT, 'docs/architecture.md');

interface Rule {
  readonly 'may import': readonly string[];
  readonly never?: readonly string[];
}
type RuleTable = Readonly<Record<string, Rule>>;

function rulesOf(markdown: string): RuleTable {
  const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)];
  if (blocks.length !== 1) throw new Error(`docs/architecture.md should hold one JSON block (the rule table), holds ${blocks.length}`);
  return JSON.parse(blocks[0]?.[1] ?? '') as RuleTable;
}

/** `a` is `b` or inside the folder `b`. */
const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);

/**
 * A file parsed once for both checks below (parsing every file of src/ is most of this test's
 * time, and the unit tier has 5 s: issue 26.6).
 */
const parsed = new Map<string, ts.SourceFile>();
function parse(fileName: string, text: string): ts.SourceFile {
  const key = `${fileName}\0${text}`;
  let source = parsed.get(key);
  if (source === undefined)
    parsed.set(key, (source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)));
  return source;
}

/** The specifiers of every import, export-from, `import()` and `import x = require()` in a file. */
function importsOf(fileName: string, text: string): string[] {
  const source = parse(fileName, text);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    )
      found.push(node.moduleReference.expression.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every broken rule, as "file: import 'x' (path): why". `file` is relative to the repository, with `/`. */
function violations(rules: RuleTable, file: string, text: string): string[] {
  const entry = Object.keys(rules)
    .filter((path) => within(file, path))
    .sort((a, b) => b.length - a.length)[0];
  if (entry === undefined) return [`${file}: no entry of the rule table covers it; add one`];
  const rule = rules[entry] as Rule;
  const broken: string[] = [];
  for (const specifier of importsOf(file, text)) {
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
      if (!rule['may import'].some((allowed) => within(target, allowed)))
        broken.push(
          `${file}: import '${specifier}' (${target}) is not allowed for ${entry}, which may import ${JSON.stringify(rule['may import'])}`,
        );
    } else {
      const banned = (rule.never ?? []).find((p) =>
        p.endsWith('/') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`),
      );
      if (banned !== undefined) broken.push(`${file}: import '${specifier}' is a package ${entry} must never import (${banned})`);
    }
  }
  return broken;
}

/** The file reads `process.env` (comments and strings do not count). */
function readsEnvironment(fileName: string, text: string): boolean {
  const isRead = (node: ts.Node): boolean =>
    (ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'process' &&
      node.name.text === 'env') ||
    ts.forEachChild(node, isRead) === true;
  return isRead(parse(fileName, text));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('architecture: what may import what (docs/architecture.md)', () => {
  const rules = rulesOf(readFileSync(DOC, 'utf8'));
  const files = sourceFiles(join(ROOT, 'src')).map((f) => relative(ROOT, f).split('\\').join('/'));

  it('every import in src/ follows the rule table', () => {
    expect(files.length, 'src/ files found').to.be.above(50);
    const broken = files.flatMap((file) => violations(rules, file, readFileSync(join(ROOT, file), 'utf8')));
    expect(broken, broken.join('\n')).to.deep.equal([]);
  });

  it('reads the environment only in the entry points, which hand it to src/config.ts', () => {
    // Settings come from Config alone: a `process.env` read elsewhere would be a second source of truth.
    const readers = files.filter((file) => readsEnvironment(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(readers, 'files of src/ that read process.env; decode the setting in src/config.ts instead').to.deep.equal([
      'src/main.ts',
      'src/snapshot/entry.ts',
    ]);
  });

  it('every entry of the table names a file or folder that exists, and every path it allows too', () => {
    const exists = (path: string) => existsSync(join(ROOT, path));
    for (const [entry, rule] of Object.entries(rules)) {
      expect(exists(entry), entry).to.equal(true);
      for (const allowed of rule['may import']) expect(exists(allowed), `${entry} may import ${allowed}`).to.equal(true);
    }
  });

  it('reports a forbidden import, a banned package and a file no entry covers (the check itself)', () => {
    const bad =
      "import type { Koa } from 'koa';\nimport { createApp } from '../http/app.js';\nconst later = () => import('../service.js');\nexport { fold } from './text.js';\n";
    const found = violations(rules, 'src/query/scratch.ts', bad);
    expect(found).to.have.length(3);
    expect(found[0]).to.include("'koa' is a package src/query must never import");
    expect(found[1]).to.include("'../http/app.js' (src/http/app.ts) is not allowed for src/query");
    expect(found[2]).to.include("'../service.js' (src/service.ts)");
    expect(violations(rules, 'scripts/x.ts', bad)).to.deep.equal(['scripts/x.ts: no entry of the rule table covers it; add one']);
  });
});
