/** The OpenAPI document as the real service serves it, fetched from a real server and kept in .cache/ for the CLI linters. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestServer } from './test-server.js';

export const CACHE_DIR = new URL('../../.cache/openapi/', import.meta.url).pathname;

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

export async function fetchServedDocument(server: TestServer): Promise<OpenApiDocument> {
  const response = await fetch(`${server.url}/openapi.json`);
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/** Writes `document` to .cache/openapi/<name> and returns the path. */
export function writeDocument(name: string, document: unknown): string {
  const file = join(CACHE_DIR, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
