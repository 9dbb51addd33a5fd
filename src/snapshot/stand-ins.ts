/**
 * The warm-up's requests while the snapshot is built (entry.ts), where node:http cannot be loaded
 * (scripts/build/snapshot.ts says why): a request is a readable stream and a response a writable one, each with
 * the few members the listener's code reads of node:http's (Koa's request and response, its
 * body parser, compression and the fast paths). A V8 startup snapshot keeps the bytecode of every
 * function that ran while it was built, so the code these requests run is compiled in the blob,
 * and a start needs no warm-up of its own for its first requests to be warm enough (issue 26.5;
 * measured in docs/performance.md, "A V8 startup snapshot"). What they answer is thrown away.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';
import type { WarmUpExchange } from '../http/warm-up.js';

/** What Koa and on-finished read of a socket: an emitter that is open. */
function standInSocket() {
  return Object.assign(new EventEmitter(), { writable: true, readable: true, remoteAddress: '127.0.0.1', destroy() {} });
}

type Socket = ReturnType<typeof standInSocket>;

/** A response that keeps its status and headers, as node:http's does, and drops its bytes. */
class StandInResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  readonly socket: Socket;
  readonly #headers = new Map<string, unknown>();

  constructor(socket: Socket) {
    super({ write: (_chunk, _encoding, done) => done() });
    this.socket = socket;
  }

  get connection(): Socket {
    return this.socket;
  }

  get finished(): boolean {
    return this.writableEnded;
  }

  setHeader(name: string, value: unknown): this {
    this.#headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): unknown {
    return this.#headers.get(name.toLowerCase());
  }

  getHeaders(): Record<string, unknown> {
    return Object.fromEntries(this.#headers);
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  /** `writeHead(status, [message], headers)`, the headers as an object or a flat array of pairs. */
  writeHead(status: number, ...rest: unknown[]): this {
    this.statusCode = status;
    const headers = rest.find((part) => typeof part === 'object' && part !== null);
    if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(String(headers[i]), headers[i + 1]);
    else if (headers !== undefined) for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }
}

/** Sends `request` through `listener` over stand-ins; resolves with its status once the response has finished. */
export const standInExchange: WarmUpExchange = (listener: RequestListener, request) => {
  const socket = standInSocket();
  const body = Buffer.from(request.body ?? '');
  const req = Object.assign(new Readable({ read() {} }), {
    method: request.method,
    url: request.url,
    httpVersion: '1.1',
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    headers: { host: 'warm-up', 'content-length': String(body.length), ...request.headers },
    socket,
    connection: socket,
  });
  if (body.length > 0) req.push(body);
  req.push(null);
  const res = new StandInResponse(socket);
  return new Promise((resolve, reject) => {
    res.once('finish', () => resolve(res.statusCode));
    res.once('error', reject);
    listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
};
