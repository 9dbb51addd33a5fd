/** Checks the header row against the known columns and maps each column to its field index. */
import { COLUMNS, type ColumnName } from './row.js';

export type ColumnIndex = Readonly<Record<ColumnName, number>>;

export type HeaderCheck = { readonly ok: true; readonly index: ColumnIndex } | { readonly ok: false; readonly problems: readonly string[] };

export function checkHeader(fields: readonly string[]): HeaderCheck {
  const known = new Set<string>(COLUMNS);
  const seen = new Map<string, number>();
  const problems: string[] = [];
  fields.forEach((name, position) => {
    if (seen.has(name)) problems.push(`column "${name}" appears twice (fields ${(seen.get(name) ?? 0) + 1} and ${position + 1})`);
    else seen.set(name, position);
    if (!known.has(name)) problems.push(`unknown column "${name}" (field ${position + 1})`);
  });
  const missing = COLUMNS.filter((name) => !seen.has(name));
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
  if (problems.length > 0) return { ok: false, problems };
  const index = Object.fromEntries(COLUMNS.map((name) => [name, seen.get(name) ?? -1])) as Record<ColumnName, number>;
  return { ok: true, index };
}
