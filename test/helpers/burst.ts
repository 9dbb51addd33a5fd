/**
 * Bursts of requests that reach the server together: keep-alive connections opened beforehand,
 * and the order in which the answers' heads arrive.
 */
import { Agent, request } from 'node:http';

/**
 * GETs `path`, recording `label` in `order` when its answer's head arrives (before its body is
 * read); resolves with the whole answer.
 */
export function sendLabelled(
  url: string,
  agent: Agent,
  order: string[],
  path: string,
  label = path,
  headers: Record<string, string> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers }, (res) => {
      order.push(label);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const received = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') received.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: received }));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** An agent with `connections` keep-alive connections already open, so that a burst's requests arrive together. */
export async function openAgent(url: string, connections: number): Promise<Agent> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  await Promise.all(Array.from({ length: connections }, () => sendLabelled(url, agent, [], '/health')));
  return agent;
}
