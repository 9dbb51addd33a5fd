/**
 * A bounded lookup load on loopback, as clients of a pod being stopped see it: keep-alive
 * connections; a request that fails on a reused connection the server has just closed is
 * retried (Node's documented `req.reusedSocket` rule, which HTTP/1.1 allows for idempotent
 * requests); a refused new connection is what a Service would route to another pod. Anything
 * else failing is an in-flight request lost.
 */
import { Agent, request } from 'node:http';

export interface LoadResult {
  ok: number;
  retriedOnClosedConnection: number;
  refusedNewConnections: number;
  failed: { code: string; message: string }[];
}

export interface RunningLoad {
  /** Stops issuing requests and waits for those in flight. */
  stop(): Promise<LoadResult>;
}

export function startLookupLoad(port: number, connections: number, maxRequests: number, host = '127.0.0.1'): RunningLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = { ok: 0, retriedOnClosedConnection: 0, refusedNewConnections: 0, failed: [] };
  let stopping = false;
  let issued = 0;
  const once = (id: number): Promise<void> =>
    new Promise((resolve) => {
      const req = request({ host, port, path: `/query?unique_number=${id}`, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200 || res.statusCode === 404) result.ok += 1;
          else result.failed.push({ code: `HTTP ${res.statusCode}`, message: '' });
          resolve();
        });
        res.on('error', (error: NodeJS.ErrnoException) => {
          result.failed.push({ code: error.code ?? 'error', message: error.message });
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (req.reusedSocket && error.code === 'ECONNRESET') {
          result.retriedOnClosedConnection += 1;
          void once(id).then(resolve);
        } else if (error.code === 'ECONNREFUSED') {
          result.refusedNewConnections += 1;
          resolve();
        } else {
          result.failed.push({ code: error.code ?? 'error', message: error.message });
          resolve();
        }
      });
      req.end();
    });
  const worker = async () => {
    while (!stopping && issued < maxRequests) {
      issued += 1;
      await once(1 + (issued % 2400));
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
