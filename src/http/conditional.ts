/** HTTP conditional requests (RFC 9110 §13.1.2): `If-None-Match` uses weak comparison. */
import { CODING_SUFFIXES } from './compression.js';

/** The ETag as the route made it: compression appends `-br` or `-gzip` inside the quotes. */
function withoutCodingSuffix(tag: string): string {
  for (const suffix of CODING_SUFFIXES) {
    if (tag.endsWith(`${suffix}"`)) return `${tag.slice(0, -suffix.length - 1)}"`;
  }
  return tag;
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined || header === '') return false;
  if (header.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return withoutCodingSuffix(tag.startsWith('W/') ? tag.slice(2) : tag) === opaque;
  });
}
