/**
 * The sizes of request this server accepts, stated once for the checks that enforce them and
 * the documents that describe them.
 */

const KIB = 1024;

/**
 * Cap on the request line and headers together, enforced by Node's parser (server.ts passes it;
 * Node's default too): answered 414/431 by client-errors.ts.
 */
export const MAX_HEADER_BYTES = 16 * KIB;
/** Longest URL (path and query) routes accept: 414 beyond, checked before routing. */
export const MAX_URL_LENGTH = 8 * KIB;
/** Koa's query parser silently drops keys past 1000, and no route takes more than a dozen: 400 beyond. */
export const MAX_QUERY_PARAMETERS = 100;
/** JSON bodies of POST /query carry parameters only, so a few KiB is plenty: 413 beyond. */
export const MAX_QUERY_BODY_BYTES = 16 * KIB;

/** `16 KiB`, as documents say it. */
export const inKib = (bytes: number): string => `${bytes / KIB} KiB`;
