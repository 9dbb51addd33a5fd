/** What the fast paths share about the requests they take. */
import type { IncomingMessage } from 'node:http';

/**
 * No header that would make Koa answer differently: no Origin (CORS answers those), and an
 * Accept that content negotiation answers with JSON without running the negotiator (negotiate.ts).
 */
export function isPlainJsonRequest(req: IncomingMessage): boolean {
  const { accept, origin } = req.headers;
  return origin === undefined && (accept === undefined || accept === '*/*' || accept === 'application/json');
}
