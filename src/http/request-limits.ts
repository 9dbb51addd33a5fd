/**
 * Limits checked before routing (representation/limits.ts states them): a URL over
 * MAX_URL_LENGTH answers 414, more than MAX_QUERY_PARAMETERS parameters answer 400.
 */
import type { Middleware } from 'koa';
import { HttpProblem } from './problems.js';
import { MAX_QUERY_PARAMETERS, MAX_URL_LENGTH } from './representation/limits.js';

export const requestLimits: Middleware = (ctx, next) => {
  if (ctx.url.length > MAX_URL_LENGTH)
    throw new HttpProblem('URI_TOO_LONG', `the URL is ${ctx.url.length} characters long; at most ${MAX_URL_LENGTH} are accepted`);
  const count = parameterCount(ctx.querystring);
  if (count > MAX_QUERY_PARAMETERS)
    throw new HttpProblem('TOO_MANY_PARAMETERS', `the query has ${count} parameters; at most ${MAX_QUERY_PARAMETERS} are accepted`);
  return next();
};

/** The parameters of a query string (without its `?`), as this limit counts them: its `&`-separated parts. */
export function parameterCount(querystring: string): number {
  if (querystring.length === 0) return 0;
  let count = 1;
  for (let i = querystring.indexOf('&'); i !== -1; i = querystring.indexOf('&', i + 1)) count++;
  return count;
}
