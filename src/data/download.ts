/**
 * Downloads for `whc-data publish`: the body as a stream, and every failure as a `DownloadError`
 * that names the URL and the cause. undici's fetch rejects with a bare "fetch failed" and keeps the
 * reason (ECONNREFUSED, a DNS or TLS error) in `err.cause`, an AggregateError when several
 * addresses were tried (Node's happy eyeballs): the message walks that chain.
 * test/cli/data-cli.test.ts makes each failure happen against a local server.
 */
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

/** `text` with the URL's password masked: a message may end up in a CI log. */
function masked(url: string, text: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    // Not a URL: no password to hide.
  }
  return password === '' ? text : text.replaceAll(password, '***');
}

/** OpenSSL's own line: `<thread>:error:<code>:SSL routines:<function>:<reason>:<source file>:<line>:`. */
const OPENSSL_LINE = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/;

/** The reasons in an error's `cause` chain, outermost first, with their codes where the message lacks them. */
export function describeCause(error: unknown): string {
  const reasons: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) {
      reasons.push([...new Set(current.errors.map((e) => describeCause(e)))].join('; '));
      break;
    }
    const { message, code } = current as { message?: unknown; code?: unknown };
    let reason = (typeof message === 'string' ? message : typeof current === 'string' ? current : 'unknown error').trim();
    const openssl = OPENSSL_LINE.exec(reason);
    if (openssl !== null) reason = `TLS: ${openssl[1]}`;
    if (typeof code === 'string' && !reason.includes(code)) reason = reason === '' ? code : `${reason} (${code})`;
    // undici's wrapper says nothing of its own beyond its cause.
    if (reason !== '' && !(reason === 'fetch failed' && (current as Error).cause !== undefined)) reasons.push(reason);
    current = (current as { cause?: unknown }).cause;
  }
  return reasons.join(': ');
}

export class DownloadError extends Error {
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(masked(url, `cannot download ${url}: ${reason}`), options);
    this.name = 'DownloadError';
  }
}

/** The body of `url` (redirects followed), failing with a `DownloadError` before or while it streams. */
export async function download(url: string): Promise<Readable> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(url, describeCause(error), { cause: error });
  }
  const redirected = response.redirected ? ` (redirected to ${response.url})` : '';
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new DownloadError(url, `HTTP ${response.status} ${response.statusText}${redirected}`);
  }
  const body = response.body as ReadableStream<Uint8Array>;
  // A connection cut mid-body rejects with "terminated" and the socket error as its cause.
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of body) yield chunk;
      } catch (error) {
        throw new DownloadError(url, `the download broke off: ${describeCause(error)}`, { cause: error });
      }
    })(),
  );
}
