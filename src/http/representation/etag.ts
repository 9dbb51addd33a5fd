/**
 * Entity tags, made and compared in one place. Every ETag this API sends is strong and starts
 * with the dataset version (the first characters of the data file's sha256), so a new file
 * changes every tag and an old tag never matches new bytes:
 * - `"<version>-q<N>"` for the lookup `/query?unique_number=N`, `"<version>-s<N>"` for `/sites/N`;
 * - `"<version>-<digest>"` for computed answers (searches, facets), see `answerEtag`;
 * - `"...-br"` / `"...-gzip"` for the compressed codings of an answer: each coding is a
 *   different representation, so it gets its own strong tag (as Apache's mod_deflate does), and
 *   `If-None-Match` compares without the suffix.
 */
import { hash } from 'node:crypto';

/** Characters of the version id (hex sha256) that open every tag: 64 bits, ample to tell files apart. */
const VERSION_CHARS = 16;

/** The content codings answers may be compressed with, in the server's order of preference. */
export const CODINGS = ['br', 'gzip'] as const;
export type Coding = (typeof CODINGS)[number];

const versionTag = (versionId: string): string => versionId.slice(0, VERSION_CHARS);

/** The lookup `GET /query?unique_number=N`, whose body is `[row]`. */
export function lookupEtag(versionId: string, uniqueNumber: number): string {
  return `"${versionTag(versionId)}-q${uniqueNumber}"`;
}

/** `GET /sites/N`, whose body is the row alone. */
export function siteEtag(versionId: string, uniqueNumber: number): string {
  return `"${versionTag(versionId)}-s${uniqueNumber}"`;
}

/**
 * A computed answer is a pure function of the dataset, the route, the parameters and the
 * format, so hashing those names its bytes without building them: a 304 costs no query.
 * Parameters are sorted so that their order in the URL does not matter.
 */
export function answerEtag(versionId: string, route: string, format: string, params: Readonly<Record<string, unknown>>): string {
  return answerEtagOf(versionId, answerDigest(route, format, params));
}

/** The part of a computed answer's tag that does not depend on the dataset: kept with a search's plan (fast-path/search-plans.ts). */
export function answerDigest(route: string, format: string, params: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify([route, format, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  // The one-shot hash: a Hash object per request (createHash) was most of this function's cost under wrk.
  return hash('sha256', canonical, 'base64url').slice(0, 22);
}

/** The tag of the answer `digest` names, in the dataset `versionId`. */
export function answerEtagOf(versionId: string, digest: string): string {
  return `"${versionTag(versionId)}-${digest}"`;
}

/** A file of a release of a dependency (Swagger UI's scripts): the release names its bytes. */
export function releaseEtag(release: string, file: string): string {
  return `"${release}-${file}"`;
}

/** The tag of `etag`'s representation in `coding`; undefined for a tag that is not a quoted string. */
export function codedEtag(etag: string | undefined, coding: Coding): string | undefined {
  return etag?.endsWith('"') === true ? `${etag.slice(0, -1)}-${coding}"` : undefined;
}

/** The tag as the route made it, before compression added its coding. */
function withoutCoding(tag: string): string {
  for (const coding of CODINGS) {
    if (tag.endsWith(`-${coding}"`)) return `${tag.slice(0, -coding.length - 2)}"`;
  }
  return tag;
}

/** `If-None-Match` (RFC 9110 §13.1.2) against the route's `etag`, by weak comparison, whatever the coding. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined || header === '') return false;
  if (header.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return withoutCoding(tag.startsWith('W/') ? tag.slice(2) : tag) === opaque;
  });
}
