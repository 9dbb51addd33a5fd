import type { Refusal } from '../metrics/metrics.js';

/**
 * Every error the API can answer, as RFC 9457 problem details. Each kind has a stable `code`
 * (an extension member clients can switch on), a status and a title; `detail` says what
 * exactly went wrong with this request. 5xx details never reach clients (see `problem-middleware.ts`).
 */
export const PROBLEM_KINDS = {
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  INVALID_PARAMETER: { status: 400, title: 'Invalid query parameter' },
  UNKNOWN_PARAMETER: { status: 400, title: 'Unknown query parameter' },
  TOO_MANY_PARAMETERS: { status: 400, title: 'Too many query parameters' },
  STALE_CURSOR: { status: 400, title: 'Cursor no longer valid' },
  SITE_NOT_FOUND: { status: 404, title: 'Site not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  URI_TOO_LONG: { status: 414, title: 'URI too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  EXPECTATION_FAILED: { status: 417, title: 'Expectation failed' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  NOT_READY: { status: 503, title: 'Service not ready' },
  OVERLOADED: { status: 503, title: 'Service overloaded' },
  INTERNAL: { status: 500, title: 'Internal server error' },
} as const;

export type ProblemCode = keyof typeof PROBLEM_KINDS;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** `/problems/invalid-parameter`: a relative reference, resolved against the API's own address. */
export function problemType(code: ProblemCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/** Thrown by handlers; turned into a response by the problem middleware. */
export class HttpProblem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  /** Set when the server refused the request to protect itself; never shown to the client. */
  readonly refusal: Refusal | undefined;

  constructor(
    code: ProblemCode,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; refusal?: Refusal } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.code = code;
    this.status = PROBLEM_KINDS[code].status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
    this.refusal = options.refusal;
  }

  /** `instance` is the request path, when there is one (requests Node's parser rejected have none). */
  toDocument(instance?: string): ProblemDocument {
    const base = {
      type: problemType(this.code),
      title: PROBLEM_KINDS[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
    };
    return { ...base, ...(instance === undefined ? {} : { instance }), ...this.extensions };
  }
}
