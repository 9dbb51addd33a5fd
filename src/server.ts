/**
 * The only module that listens. It serves an app on a port and shuts it down gracefully:
 * unready first, then no new connections, in-flight requests finish, idle keep-alive
 * connections close, and after a bounded wait whatever remains is cut.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError, answerExpectation, requiringHost } from './http/client-errors.js';
import { MAX_HEADER_BYTES } from './http/representation/limits.js';

export interface ShutdownOptions {
  /** Pause after turning unready, before the listener closes (load balancers need a moment). */
  readonly delayMs: number;
  /** Longest wait for in-flight requests once the listener is closed. */
  readonly timeoutMs: number;
}

export interface ShutdownResult {
  /** True when the timeout passed and open connections had to be cut. */
  readonly forced: boolean;
  readonly durationMs: number;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Idempotent: every call returns the same shutdown. */
  shutdown(options: ShutdownOptions): Promise<ShutdownResult>;
}

const IDLE_SWEEP_MS = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startServer(
  listener: RequestListener,
  listen: { port: number; host: string },
  lifecycle: { beginShutdown: () => void },
): Promise<RunningServer> {
  const server = createServer({ requireHostHeader: false, maxHeaderSize: MAX_HEADER_BYTES }, requiringHost(listener));
  server.on('clientError', answerClientError);
  server.on('checkExpectation', answerExpectation);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;

  let shutdown: Promise<ShutdownResult> | undefined;
  const run = async (options: ShutdownOptions): Promise<ShutdownResult> => {
    const started = performance.now();
    lifecycle.beginShutdown();
    if (options.delayMs > 0) await sleep(options.delayMs);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() drops idle keep-alive sockets once; sockets that finish a request later are idle
    // too, so sweep until the server reports closed (responses also carry Connection: close).
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    const outcome = await Promise.race([closed.then(() => 'closed' as const), timedOut]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      server.closeAllConnections();
      await closed;
    }
    return { forced: outcome === 'timeout', durationMs: Math.round(performance.now() - started) };
  };

  return {
    server,
    port,
    url: `http://${host}:${port}`,
    shutdown: (options) => (shutdown ??= run(options)),
  };
}
