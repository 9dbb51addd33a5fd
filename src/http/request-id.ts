/**
 * The id that ties a request to its log line: the client's `X-Request-Id` when it is a plausible
 * id (a UUID, a trace id, a proxy's request id), else a new UUID. Echoed in every answer and
 * written in the request line (log/logger.ts), so "which search was slow at 10:02?" has an answer.
 * Bounded and limited to characters that need no escaping in JSON or in a header: a client must
 * not be able to grow log lines or forge fields with it.
 */
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Letters, digits and `._:+=/-`, 1 to 128 of them: UUIDs, W3C trace ids, AWS's and Heroku's ids fit. */
const ACCEPTED = /^[A-Za-z0-9._:+=/-]{1,128}$/;

/** The request's id from its `x-request-id` header (Node joins repeated ones with ", ", which is refused). */
export function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED.test(header) ? header : randomUUID();
}
