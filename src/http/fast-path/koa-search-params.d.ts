/**
 * Koa's own query-string parser (`ctx.query` calls it), exported by Koa as a subpath without type
 * declarations. A CommonJS module: Node gives ES modules its `module.exports` as the default export.
 */
declare module 'koa/lib/search-params.js' {
  const searchParams: {
    /** A name given once maps to its value, a name given more than once to the list of its values. */
    parse(search: string): Record<string, string | string[]>;
  };
  export default searchParams;
}
