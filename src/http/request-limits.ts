/**
 * Limits checked before routing. Node itself caps the request line and headers together at
 * 16 KiB (answered 414/431 by client-errors.ts); a URL over MAX_URL_LENGTH answers 414 here, and
 * more than MAX_QUERY_PARAMETERS parameters answer 400: Koa's query parser silently drops keys
 * past 1000, and no route of ours takes more than a dozen.
 */
import type { Middleware } from 'koa';
import { HttpProblem } from './problems.js';

export const MAX_URL_LENGTH = 8 * 1024;
export const MAX_QUERY_PARAMETERS = 100;

export const requestLimits: Middleware = (ctx, next) => {
  if (ctx.url.length > MAX_URL_LENGTH) throw new HttpProblem('URI_TOO_LONG', `the URL is ${ctx.url.length} characters long; at most ${MAX_URL_LENGTH} are accepted`);
  const querystring = ctx.querystring;
  if (querystring.length > 0) {
    let count = 1;
    for (let i = querystring.indexOf('&'); i !== -1; i = querystring.indexOf('&', i + 1)) count++;
    if (count > MAX_QUERY_PARAMETERS) throw new HttpProblem('TOO_MANY_PARAMETERS', `the query has ${count} parameters; at most ${MAX_QUERY_PARAMETERS} are accepted`);
  }
  return next();
};
