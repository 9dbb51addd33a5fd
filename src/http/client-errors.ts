/**
 * Answers requests that Node's HTTP parser rejects before Koa sees them (oversized headers, an
 * overlong request line, invalid methods or bytes) with problem+json like every other error,
 * instead of Node's bare default reply, then closes the connection (the stream cannot be trusted).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HttpProblem, PROBLEM_KINDS, PROBLEM_MEDIA_TYPE, type ProblemCode } from './problems.js';
import { CACHE_CONTROL, NOSNIFF } from './representation/headers.js';
import { MAX_URL_LENGTH } from './representation/limits.js';

/** Node reports HTTP parse errors with an `HPE_*` code and the bytes it had read. */
interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/** Longest request line answered 431 rather than 414 when the header limit overflows: past it, the URL is to blame. */
const LONG_REQUEST_LINE = MAX_URL_LENGTH;

function codeFor(error: ParserError): ProblemCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The limit covers the request line and the headers together: blame whichever is long.
    const raw = error.rawPacket;
    const lineEnd = raw === undefined ? -1 : raw.indexOf('\n');
    const requestLine = raw === undefined ? 0 : lineEnd === -1 ? raw.length : lineEnd;
    return requestLine > LONG_REQUEST_LINE ? 'URI_TOO_LONG' : 'HEADERS_TOO_LARGE';
  }
  return 'BAD_REQUEST';
}

const DETAILS: Partial<Record<ProblemCode, string>> = {
  URI_TOO_LONG: 'the request line is longer than this server accepts',
  HEADERS_TOO_LARGE: 'the request headers are larger than this server accepts',
  BAD_REQUEST: 'the request is not valid HTTP/1.1',
};

const PROBLEM_HEADERS = `X-Content-Type-Options: ${NOSNIFF}\r\nCache-Control: ${CACHE_CONTROL.never}\r\nConnection: close`;

export function answerClientError(error: ParserError, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const code = codeFor(error);
  const { status, title } = PROBLEM_KINDS[code];
  const body = JSON.stringify(new HttpProblem(code, DETAILS[code] ?? title).toDocument());
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${PROBLEM_HEADERS}\r\n\r\n${body}`,
  );
}

/** A problem written straight to a response, for requests answered before the app sees them. */
function closeWithProblem(res: ServerResponse, code: ProblemCode, detail: string, path: string | undefined): void {
  const problem = new HttpProblem(code, detail);
  const body = JSON.stringify(problem.toDocument(path?.split('?')[0]));
  res.shouldKeepAlive = false;
  res.writeHead(problem.status, {
    'Content-Type': PROBLEM_MEDIA_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': NOSNIFF,
    'Cache-Control': CACHE_CONTROL.never,
    Connection: 'close',
  });
  res.end(body);
}

/**
 * HTTP/1.1 requires Host (RFC 9112 section 3.2). Node checks it itself but answers a bare 400, so
 * the server turns its check off (`requireHostHeader: false`) and this one answers problem+json.
 */
export function requiringHost(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      closeWithProblem(res, 'BAD_REQUEST', 'an HTTP/1.1 request must carry a Host header', req.url);
      return;
    }
    listener(req, res);
  };
}

/** Node's `checkExpectation` event: an `Expect` other than 100-continue, which nothing here meets. */
export function answerExpectation(req: IncomingMessage, res: ServerResponse): void {
  closeWithProblem(res, 'EXPECTATION_FAILED', 'the only expectation this server meets is Expect: 100-continue', req.url);
}
