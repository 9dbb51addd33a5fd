/**
 * gzip and brotli for answers worth compressing. A route opts in with `ctx.state.compress`;
 * single rows do not, since compressing 4 KB per request costs more than sending it. Each
 * content coding gets its own strong ETag (representation/etag.ts).
 */
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Middleware } from 'koa';
import type { AnswerCache } from './answer-cache.js';
import type { InFlight } from './in-flight.js';
import { CODINGS, codedEtag as etagInCoding } from './representation/etag.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

// Brotli quality 4 compresses JSON about as well as gzip -6 at a fraction of the default 11's time.
const brotliOptions = (size: number): zlib.BrotliOptions => ({
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size },
});

/**
 * Compressions run on libuv's pool, off the event loop but not off the CPU: twenty at once (a
 * 2.4 MB page takes about 40 ms of gzip) took both cores of the test machine from the event loop
 * that answers lookups. So at most one per core but one run at once, process-wide (the CPU is
 * the process's); the others wait their turn, their bytes counted as held (`InFlight`), so the
 * memory bound refuses new work rather than let the queue grow.
 */
const maxConcurrentCompressions = (): number => Math.max(1, availableParallelism() - 1);
let compressing = 0;
const waiting: (() => void)[] = [];

async function withCompressionSlot<T>(work: () => Promise<T>): Promise<T> {
  // Asked at each compression (a system call, against milliseconds of compressing), never kept:
  // the production start is a V8 startup snapshot (src/snapshot/) whose modules were evaluated,
  // and whose warm-up compressed, on the machine that built the image; a kept value would be that
  // machine's CPU count in every pod.
  if (compressing >= maxConcurrentCompressions()) await new Promise<void>((resolve) => waiting.push(resolve));
  else compressing++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next === undefined) compressing--;
    else next(); // the slot passes straight on
  }
}

export interface CompressionState {
  compress?: boolean;
}

/** Opts this answer in to compression (lists, facets, documentation; never single rows). */
export function markCompressible(ctx: { state: unknown }): void {
  (ctx.state as CompressionState).compress = true;
}

/** Compressed bodies are kept in `cache` by their ETag: brotli on a 400 KB page costs milliseconds. */
export const compressBodies =
  (cache: AnswerCache, inFlight: InFlight): Middleware<CompressionState> =>
  async (ctx, next) => {
    await next();
    if (ctx.state.compress !== true || (ctx.status !== 200 && ctx.status !== 304)) return;
    ctx.vary('Accept-Encoding');
    // Without Accept-Encoding (or with an empty one) the negotiator answers identity, as a client
    // that names no coding may not decode one: most API clients send none, so it is not asked.
    if (ctx.get('Accept-Encoding') === '') return;
    const coding = ctx.acceptsEncodings(...CODINGS, 'identity');
    if (coding !== 'br' && coding !== 'gzip') return;
    // Every answer of an opted-in route is coded, whatever its size, so a 304 (which has no body
    // to measure) can name the same ETag as the 200 it revalidates.
    // Koa 3's response.get answers undefined for a header that is not set.
    const etag = ctx.response.get('ETag') as string | undefined;
    const codedEtag = etagInCoding(etag, coding);
    if (codedEtag !== undefined) ctx.set('ETag', codedEtag);
    if (ctx.status === 304) return;
    const body: unknown = ctx.body;
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) return;
    const type = ctx.response.get('Content-Type') as string | undefined;
    let coded = codedEtag === undefined ? undefined : cache.get(codedEtag)?.body;
    if (coded === undefined) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      // The input, and an output up to its size, are held while waiting and while zlib works.
      coded = await inFlight.holdDuring(2 * bytes.length, () =>
        withCompressionSlot(() => (coding === 'br' ? brotli(bytes, brotliOptions(bytes.length)) : gzip(bytes))),
      );
      if (codedEtag !== undefined) cache.set(codedEtag, { body: coded, headers: {} });
    }
    ctx.body = coded;
    // Setting a Buffer body makes Koa guess application/octet-stream; keep the route's type.
    if (type !== undefined) ctx.set('Content-Type', type);
    ctx.set('Content-Encoding', coding);
  };
