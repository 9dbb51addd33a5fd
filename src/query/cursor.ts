/**
 * Page cursors: opaque to clients, base64url JSON inside. A cursor names the sort it was made
 * for and the sort key and `unique_number` of the last row sent; the next page is the rows that
 * sort after that pair. Keyset paging, not offsets: a page boundary is a position in the order,
 * so pages never repeat or skip rows while the dataset stays the same.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { SortKey } from './order.js';

const CursorContent = t.type({
  /** The effective sort, as the `sort` parameter spells it. */
  s: t.string,
  /** The last row's sort key. */
  k: t.union([t.string, t.number, t.boolean, t.null]),
  /** The last row's unique_number. */
  u: t.number,
});

export interface Cursor {
  readonly sort: string;
  readonly key: SortKey;
  readonly uniqueNumber: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.key, u: cursor.uniqueNumber }), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Undefined for anything this service did not make. */
export function decodeCursor(text: string): Cursor | undefined {
  if (!BASE64URL.test(text) || text.length > 2048) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const decoded = CursorContent.decode(json);
  if (E.isLeft(decoded) || !Number.isSafeInteger(decoded.right.u)) return undefined;
  return { sort: decoded.right.s, key: decoded.right.k, uniqueNumber: decoded.right.u };
}
