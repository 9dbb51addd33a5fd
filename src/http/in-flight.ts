/**
 * What the server holds for requests not yet answered or not yet delivered: the connections
 * they came on, and the bytes of their bodies (computed, being compressed, or queued behind a
 * client that does not read, until the socket drains or closes). A response's
 * bytes are released on its `close`, which comes when it is delivered or its connection goes.
 * Bodies kept in the answer cache are counted again here while in flight: the bound is
 * conservative. Lookup bodies are views of the dataset's slabs and allocate nothing: not counted.
 */
import type { RequestListener, ServerResponse } from 'node:http';

export class InFlight {
  #bytes = 0;
  #connections = 0;
  #requests = 0;
  readonly #seen = new WeakSet<object>();

  get bytes(): number {
    return this.#bytes;
  }

  /** Connections that have sent a request and are still open: other clients, when more than one. */
  get connections(): number {
    return this.#connections;
  }

  /** Requests Koa is answering (lookups on the fast path are answered within their event, never counted). */
  get requests(): number {
    return this.#requests;
  }

  requestStarted(): void {
    this.#requests++;
  }

  requestEnded(): void {
    this.#requests--;
  }

  /** Counts the connections requests come on (one WeakSet look-up per request: the hot path stays lean). */
  counting(listener: RequestListener): RequestListener {
    return (req, res) => {
      const socket = req.socket;
      if (!this.#seen.has(socket)) {
        this.#seen.add(socket);
        this.#connections++;
        socket.once('close', () => this.#connections--);
      }
      listener(req, res);
    };
  }

  /** Holds `bytes` until `res` closes. */
  holdUntilClosed(res: ServerResponse, bytes: number): void {
    if (bytes <= 0) return;
    this.#bytes += bytes;
    res.once('close', () => (this.#bytes -= bytes));
  }

  /** Holds `bytes` while `work` runs (a compression's input and output). */
  async holdDuring<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    this.#bytes += bytes;
    try {
      return await work();
    } finally {
      this.#bytes -= bytes;
    }
  }
}
