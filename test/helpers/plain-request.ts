/** One HTTP request exactly as written: node:http adds no Content-Type or Accept-Encoding of its own, as fetch would. */
import { request } from 'node:http';

export interface PlainAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export function plainRequest(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<PlainAnswer> {
  const { hostname, port } = new URL(base);
  const length = options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method: options.method ?? 'GET', path, headers: { ...length, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
