/**
 * What the server holds for answers not yet delivered: the bytes of their bodies (computed,
 * being compressed, or queued behind a client that does not read, until the socket drains or
 * closes). A response's bytes are released on its `close`, which comes when it is delivered or its connection goes.
 * Bodies kept in the answer cache are counted again here while in flight: the bound is
 * conservative. Lookup bodies are views of the dataset's slabs and allocate nothing: not counted.
 */
import type { ServerResponse } from 'node:http';

export class InFlight {
  #bytes = 0;
  #requests = 0;

  get bytes(): number {
    return this.#bytes;
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

  /**
   * Holds `bytes` until `res` closes. A response already closed (its client left while the
   * answer waited for its turn or for compression) holds nothing: its 'close' has been emitted
   * and would never release them.
   */
  holdUntilClosed(res: ServerResponse, bytes: number): void {
    if (bytes <= 0 || res.closed) return;
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
