/**
 * A request that is in flight when the pod is told to stop: a slow client has sent the request
 * line and a header, and sends the blank line that ends the headers only once the server has
 * closed its listener. The server has begun reading this request, so a graceful stop answers it
 * (with `Connection: close`); a server that cut every connection at SIGTERM would reset it, and
 * unlike a request on an idle keep-alive connection, nothing allows a client to treat that as
 * "never sent".
 */
import { connect, type Socket } from 'node:net';

export interface SlowAnswer {
  /** The status line and headers as received, or the error that ended the connection. */
  readonly head: string;
  readonly error?: string;
}

export interface SlowRequest {
  /** Ends the headers, then resolves with what the server sent before closing. */
  finish(): Promise<SlowAnswer>;
}

export async function startSlowRequest(port: number, path: string, host = '127.0.0.1'): Promise<SlowRequest> {
  const socket: Socket = connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let error: string | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => {
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve());
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n`);
  return {
    finish: async () => {
      socket.write('\r\n');
      await closed;
      const end = received.indexOf('\r\n\r\n');
      return { head: end === -1 ? received : received.slice(0, end), ...(error === undefined ? {} : { error }) };
    },
  };
}

/** Resolves once a new connection to the port is refused: the server has closed its listener. */
export async function listenerClosed(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(port, host);
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`port ${port} still accepts connections after ${timeoutMs} ms`);
}
