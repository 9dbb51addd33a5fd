/**
 * A bounded lookup load on loopback, as clients of a pod being stopped see it: keep-alive
 * connections, one a client; a request that fails on a reused connection the server has just
 * closed is retried (RFC 9112 section 9.3.1 allows it for idempotent requests); a refused new
 * connection is what a Service would route to another pod.
 * Anything else failing is an in-flight request lost.
 *
 * A load aimed straight at one pod, not through a Service, plays the Service's part itself:
 * after `routeNewConnectionsElsewhere` (the pod has left its endpoints) a client that would open
 * a new connection to the pod counts as routed elsewhere instead, and stops.
 * Without that, a connection the kernel completed in the listener's queue just before the app
 * closed the listener is reset, not refused (measured on loopback: about one stop in twenty, up
 * to three requests). No server can answer what its closed listener held; in a cluster the
 * preStop pause is there so that no such connection arrives.
 */
import type { Socket } from 'node:net';
import { Agent, request } from 'node:http';

const ROUTED_ELSEWHERE = 'ROUTED_ELSEWHERE';

export interface LoadResult {
  ok: number;
  retriedOnClosedConnection: number;
  refusedNewConnections: number;
  /** Clients that needed a new connection after the pod left its endpoints. */
  routedElsewhere: number;
  failed: { code: string; message: string }[];
}

export interface RunningLoad {
  /** From now on, a client that needs a new connection goes to another pod (stops here). */
  routeNewConnectionsElsewhere(): void;
  /** Stops issuing requests and waits for those in flight. */
  stop(): Promise<LoadResult>;
}

export function startLookupLoad(port: number, connections: number, maxRequests: number, host = '127.0.0.1'): RunningLoad {
  const result: LoadResult = { ok: 0, retriedOnClosedConnection: 0, refusedNewConnections: 0, routedElsewhere: 0, failed: [] };
  const agents: Agent[] = [];
  let stopping = false;
  let endpointRemoved = false;
  let issued = 0;
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    // The agent opens a connection only when it has none it can reuse: once the pod has left its
    // endpoints, that request fails here instead (Agent's documented callback form of
    // createConnection), and this client has gone to another pod.
    const connect = agent.createConnection.bind(agent);
    agent.createConnection = (options, callback) => {
      if (!endpointRemoved) return connect(options, callback);
      process.nextTick(() =>
        callback?.(Object.assign(new Error('the pod has left its endpoints'), { code: ROUTED_ELSEWHERE }), undefined as never),
      );
      return undefined;
    };
    // A connection is reused once it has carried an answer. Node's `req.reusedSocket` says so
    // only when the socket was free as the request was made, not when the request waited for it
    // (seen here: "read ECONNRESET" on such a request at shutdown, reusedSocket false).
    const answered = new WeakSet<Socket>();
    /** Resolves true when this client has gone to another pod. */
    const once = (id: number): Promise<boolean> =>
      new Promise((resolve) => {
        const req = request({ host, port, path: `/query?unique_number=${id}`, agent }, (res) => {
          const connection = res.socket;
          res.resume();
          res.on('end', () => {
            answered.add(connection);
            if (res.statusCode === 200 || res.statusCode === 404) result.ok += 1;
            else result.failed.push({ code: `HTTP ${res.statusCode}`, message: '' });
            resolve(false);
          });
          res.on('error', (error: NodeJS.ErrnoException) => {
            result.failed.push({ code: error.code ?? 'error', message: error.message });
            resolve(false);
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNRESET' && (req.reusedSocket || (req.socket !== null && answered.has(req.socket)))) {
            result.retriedOnClosedConnection += 1;
            void once(id).then(resolve);
          } else if (error.code === ROUTED_ELSEWHERE) {
            result.routedElsewhere += 1;
            resolve(true);
          } else if (error.code === 'ECONNREFUSED') {
            result.refusedNewConnections += 1;
            resolve(false);
          } else {
            result.failed.push({ code: error.code ?? 'error', message: error.message });
            resolve(false);
          }
        });
        req.end();
      });
    while (!stopping && issued < maxRequests) {
      issued += 1;
      if (await once(1 + (issued % 2400))) return;
    }
  };
  const clients = Array.from({ length: connections }, client);
  return {
    routeNewConnectionsElsewhere: () => {
      endpointRemoved = true;
    },
    stop: async () => {
      stopping = true;
      await Promise.all(clients);
      for (const agent of agents) agent.destroy();
      return result;
    },
  };
}
