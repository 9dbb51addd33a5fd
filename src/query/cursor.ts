/**
 * Page cursors: opaque to clients, base64url JSON inside. A cursor names the sort it was made
 * for and the sort key and `unique_number` of the last row sent; the next page is the rows that
 * sort after that pair. Keyset paging, not offsets: a page boundary is a position in the order,
 * so pages never repeat or skip rows while the dataset stays the same.
 *
 * A key can be any length (descriptions run to thousands of characters, and other data may hold
 * longer), but a cursor must fit the `cursor` parameter. When the key would make the cursor
 * longer than `MAX_KEYED_CURSOR_LENGTH`, the cursor leaves the key out and names the site alone:
 * the server re-derives the key from the site of that `unique_number` in the dataset it serves.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { SortKey } from './order.js';

const CursorContent = t.intersection([
  t.type({
    /** The effective sort, as the `sort` parameter spells it. */
    s: t.string,
    /** The last row's unique_number. */
    u: t.number,
  }),
  /** The last row's sort key; left out when it is too long to carry (see the module's comment). */
  t.partial({ k: t.union([t.string, t.number, t.boolean, t.null]) }),
]);

export interface Cursor {
  readonly sort: string;
  /** Undefined: the key of the site `uniqueNumber` in the current dataset. */
  readonly key: SortKey | undefined;
  readonly uniqueNumber: number;
}

/**
 * Longest cursor that carries its key: well under the parameter's cap (`MAX_VALUE_LENGTH`,
 * 1000), so a cursor never nears it whatever the key. Cursors without a key are under 100.
 */
export const MAX_KEYED_CURSOR_LENGTH = 400;

const encodeJson = (content: object): string => Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');

export function encodeCursor(cursor: Cursor): string {
  const keyed = cursor.key === undefined ? undefined : encodeJson({ s: cursor.sort, k: cursor.key, u: cursor.uniqueNumber });
  return keyed !== undefined && keyed.length <= MAX_KEYED_CURSOR_LENGTH ? keyed : encodeJson({ s: cursor.sort, u: cursor.uniqueNumber });
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
