/**
 * Every answer conforms to /openapi.json: well over 80 varied real requests (every route and
 * format, conditional requests, pages, and every error status the document lists: 400, 404,
 * 405, 406, 413, 414, 415, 503) are sent to real servers, and each answer's status, media type,
 * documented headers and body are checked by ResponseValidator (Ajv 2020 on the document's own
 * schemas). A copy of the document with a schema the answers break is shown to fail.
 */
import { expect } from 'chai';
import { ResponseValidator, type Answer } from '../helpers/openapi-validator.js';
import { plainRequest } from '../helpers/plain-request.js';
import { fetchServedDocument, type OpenApiDocument } from '../helpers/served-document.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface Sent {
  readonly method?: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The status this request is meant to get, so the list covers what it claims. */
  readonly expect: number;
}

async function send(server: TestServer, sent: Sent): Promise<Answer> {
  const method = sent.method ?? 'GET';
  const answer = await plainRequest(server.url, sent.url, {
    method,
    ...(sent.headers === undefined ? {} : { headers: sent.headers }),
    ...(sent.body === undefined ? {} : { body: sent.body }),
  });
  return { method, url: sent.url, ...answer, ...fieldsOf(sent) };
}

function fieldsOf(sent: Sent): { fields?: string[] } {
  const inUrl = new URL(sent.url, 'http://x').searchParams.get('fields');
  if (inUrl !== null) return { fields: inUrl.split(',') };
  let body: unknown;
  try {
    body = JSON.parse(sent.body ?? '');
  } catch {
    return {};
  }
  const fields: unknown = typeof body === 'object' && body !== null && 'fields' in body ? body.fields : undefined;
  return Array.isArray(fields) ? { fields: fields.map(String) } : typeof fields === 'string' ? { fields: fields.split(',') } : {};
}

const json = (body: unknown): Pick<Sent, 'method' | 'headers' | 'body'> => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

type ParameterList = { name: string; schema: { examples?: unknown[] } }[];
const examplesOf = (document: OpenApiDocument, path: string): [string, string][] =>
  ((document.paths[path]?.['get'] as { parameters?: ParameterList } | undefined)?.parameters ?? []).map((p) => [
    p.name,
    String(p.schema.examples?.[0]),
  ]);

/** The requests: every route, format and documented error status, with parameters from the document's own examples. */
function requests(document: OpenApiDocument): Sent[] {
  const filters = examplesOf(document, '/stats').filter(([name]) => name !== 'radius_km');
  const outputs = examplesOf(document, '/query').filter(([name]) => ['sort', 'limit', 'fields', 'format'].includes(name));
  const q = (params: Record<string, string>) => `/query?${new URLSearchParams(params).toString()}`;
  return [
    // The original lookup, and a few more sites.
    ...[230, 4, 5, 999_999, 2300].map((n) => ({ url: `/query?unique_number=${n}`, expect: n === 999_999 ? 404 : 200 })),
    { url: '/query?unique_number=230&format=json', expect: 200 },
    { url: '/query?unique_number=230', headers: { Accept: 'text/csv' }, expect: 200 },
    { url: '/query?unique_number=230', headers: { Origin: 'https://maps.example.org' }, expect: 200 },
    { url: '/query', expect: 200 },
    // Each filter alone, on /query and /stats; each output parameter alone.
    ...filters.map(([name, value]) => ({ url: q({ [name]: value }), expect: 200 })),
    ...filters.map(([name, value]) => ({ url: `/stats?${new URLSearchParams({ [name]: value }).toString()}`, expect: 200 })),
    ...outputs.map(([name, value]) => ({ url: q({ [name]: value }), expect: 200 })),
    { url: q({ near: '48.8566,2.3522', radius_km: '100', fields: 'unique_number,name_en,distance_km' }), expect: 200 },
    { url: q({ near: '48.8566,2.3522', limit: '3' }), expect: 200 },
    { url: q({ near: '48.8566,2.3522', limit: '3', format: 'geojson' }), expect: 200 },
    { url: q({ near: '35,67', limit: '2', format: 'csv' }), expect: 200 },
    // Formats by Accept and by format=.
    ...['text/csv', 'application/geo+json', 'application/json', '*/*', 'text/csv;q=0.5, application/geo+json'].map((accept) => ({
      url: q({ region: 'Africa', limit: '3' }),
      headers: { Accept: accept },
      expect: 200,
    })),
    ...['csv', 'geojson', 'json'].map((format) => ({
      url: q({ danger: 'true', format, fields: 'unique_number,name_en,latitude,longitude' }),
      expect: 200,
    })),
    { url: q({ format: 'geojson', bbox: '170,-50,-170,0' }), expect: 200 },
    { url: q({ q: 'no such word anywhere zzzz' }), expect: 200 },
    { url: q({ sort: '-area_hectares', limit: '5', fields: 'unique_number,area_hectares,rev_bis,date_end' }), expect: 200 },
    { url: '/query?unique_number=230', headers: { 'If-None-Match': '*' }, expect: 304 },
    // Errors.
    { url: '/query?unique_number=abc', expect: 400 },
    { url: '/query?unique_number=0', expect: 400 },
    { url: '/query?nope=1', expect: 400 },
    { url: q({ radius_km: '10' }), expect: 400 },
    { url: q({ inscribed_from: '2010', inscribed_to: '2000' }), expect: 400 },
    { url: q({ sort: 'distance_km' }), expect: 400 },
    { url: q({ limit: '1001' }), expect: 400 },
    { url: q({ cursor: 'garbage' }), expect: 400 },
    { url: q({ region: 'Africa' }), headers: { Accept: 'text/html' }, expect: 406 },
    { url: `/query?q=${'a'.repeat(9000)}`, expect: 414 },
    { url: `/stats?q=${'b'.repeat(9000)}`, expect: 414 },
    ...['DELETE', 'PUT', 'PATCH'].map((method) => ({ method, url: '/query', expect: 405 })),
    { method: 'POST', url: '/sites/230', expect: 405 },
    { method: 'DELETE', url: '/stats', expect: 405 },
    { method: 'POST', url: '/health', expect: 405 },
    { method: 'PUT', url: '/openapi.json', expect: 405 },
    // POST /query.
    { ...json({ category: ['Natural', 'Mixed'], danger: true, limit: 5 }), url: '/query', expect: 200 },
    { ...json({ unique_number: 230 }), url: '/query', expect: 200 },
    { ...json({ unique_number: 999_999 }), url: '/query', expect: 404 },
    { ...json({ bbox: [-20, -40, 55, 40], fields: ['unique_number', 'latitude'], limit: 4 }), url: '/query', expect: 200 },
    { ...json({ near: [48.8566, 2.3522], radius_km: 50 }), url: '/query', expect: 200 },
    { ...json({ state: 'Italy', format: 'csv', limit: 3 }), url: '/query', expect: 200 },
    { ...json({ iso_code: ['it', 'fr'], transboundary: true, format: 'geojson' }), url: '/query', expect: 200 },
    { ...json({}), url: '/query', expect: 200 },
    { method: 'POST', url: '/query', body: '', expect: 200 },
    { ...json({ danger: 'maybe' }), url: '/query', expect: 400 },
    { ...json({ nope: 1 }), url: '/query', expect: 400 },
    { ...json([1, 2]), url: '/query', expect: 400 },
    { method: 'POST', url: '/query', headers: { 'Content-Type': 'application/json' }, body: '{"danger": tru', expect: 400 },
    { method: 'POST', url: '/query?danger=true', headers: { 'Content-Type': 'application/json' }, body: '{}', expect: 400 },
    { method: 'POST', url: '/query', headers: { 'Content-Type': 'text/plain' }, body: 'danger=true', expect: 415 },
    { method: 'POST', url: '/query', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'danger=true', expect: 415 },
    { ...json({ q: 'x'.repeat(20_000) }), url: '/query', expect: 413 },
    { ...json({ region: 'Africa' }), headers: { 'Content-Type': 'application/json', Accept: 'image/png' }, url: '/query', expect: 406 },
    // One site, facets.
    ...[230, 2300].map((n) => ({ url: `/sites/${n}`, expect: 200 })),
    { url: '/sites/230', headers: { 'If-None-Match': '*' }, expect: 304 },
    { url: '/sites/abc', expect: 400 },
    { url: '/sites/230?x=1', expect: 400 },
    { url: '/sites/999999', expect: 404 },
    { url: '/stats', expect: 200 },
    { url: '/stats', headers: { 'If-None-Match': '*' }, expect: 304 },
    { url: '/stats?limit=3', expect: 400 },
    // Operations and documentation.
    ...['/health', '/ready', '/status', '/metrics', '/openapi.json', '/docs', '/docs/swagger-ui.css', '/docs/init.js'].map((url) => ({
      url,
      expect: 200,
    })),
    { url: '/openapi.json?x=1', expect: 400 },
    { url: '/docs/nope.js', expect: 404 },
    ...['invalid-parameter', 'method-not-allowed', 'not-ready', 'uri-too-long'].map((type) => ({ url: `/problems/${type}`, expect: 200 })),
    { url: '/problems/nope', expect: 404 },
  ];
}

/** A server with no data: the 503s, and /status and /ready as a pod starting up shows them. */
const UNREADY: Sent[] = [
  { url: '/ready', expect: 503 },
  { url: '/status', expect: 200 },
  { url: '/health', expect: 200 },
  { url: '/query?unique_number=230', expect: 503 },
  { url: '/query?region=Africa', expect: 503 },
  { url: '/stats', expect: 503 },
  { url: '/sites/230', expect: 503 },
  { ...json({ danger: true }), url: '/query', expect: 503 },
];

describe('every answer conforms to /openapi.json', function () {
  this.timeout(60_000);
  let server: TestServer;
  let unready: TestServer;
  let document: OpenApiDocument;
  let validator: ResponseValidator;
  const answers: Answer[] = [];
  before(async () => {
    [server, unready] = await Promise.all([startTestServer(), startTestServer({ dataFile: null })]);
    document = await fetchServedDocument(server);
    validator = new ResponseValidator(document);
    // The next page of a search, from its Link header.
    const first = await send(server, { url: '/query?category=Mixed&limit=5&fields=unique_number,name_en', expect: 200 });
    const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '/no-link';
    for (const sent of [...requests(document), { url: next, expect: 200 }]) {
      const answer = await send(server, sent);
      expect(answer.status, `${sent.method ?? 'GET'} ${sent.url.slice(0, 120)}: ${answer.body.slice(0, 300)}`).to.equal(sent.expect);
      answers.push(answer);
    }
    answers.push(first);
    for (const sent of UNREADY) {
      const answer = await send(unready, sent);
      expect(answer.status, `${sent.url} without data`).to.equal(sent.expect);
      answers.push(answer);
    }
  });
  after(async () => Promise.all([server.close(), unready.close()]));

  it('sends at least 80 requests covering every route, format and documented status', () => {
    expect(answers.length).to.be.at.least(80);
    const statuses = new Set(answers.map((a) => a.status));
    for (const status of [200, 304, 400, 404, 405, 406, 413, 414, 415, 503])
      expect(statuses.has(status), `status ${status}`).to.equal(true);
    const media = new Set(answers.map((a) => a.headers.get('content-type')?.split(';')[0]));
    for (const type of [
      'application/json',
      'text/csv',
      'application/geo+json',
      'application/problem+json',
      'text/plain',
      'text/html',
      'text/css',
      'text/javascript',
    ]) {
      expect(media.has(type), type).to.equal(true);
    }
    const routes = new Set(
      answers.map((a) => `${a.method} ${new URL(a.url, 'http://x').pathname.replace(/\/(sites|docs|problems)\/[^/]+$/, '/$1/{}')}`),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations))
        expect(routes.has(`${method.toUpperCase()} ${path.replace(/\{[^}]+\}/, '{}')}`), `${method} ${path}`).to.equal(true);
    }
  });

  it('answers each with a documented status, media type, headers and body', () => {
    const failures = answers.flatMap((answer) => validator.check(answer).map((p) => `${answer.method} ${answer.url.slice(0, 100)}: ${p}`));
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('fails answers against a copy of the document whose schema they break', () => {
    const broken = structuredClone(document);
    const row = broken.components.schemas['Row'] as { properties: Record<string, unknown> };
    row.properties['name_en'] = { type: 'integer' };
    const stats = broken.components.schemas['Stats'] as { properties: Record<string, unknown> };
    stats.properties['total'] = { type: 'string' };
    const strict = new ResponseValidator(broken);
    const failing = (path: string) => answers.filter((a) => a.url.startsWith(path) && a.status === 200).flatMap((a) => strict.check(a));
    expect(failing('/query?unique_number=230').join('\n')).to.include('must be integer');
    expect(failing('/stats').join('\n')).to.include('must be string');
    // And an undocumented status or media type is a failure too.
    const lookup = answers.find((a) => a.url === '/query?unique_number=230' && a.status === 200);
    if (lookup === undefined) throw new Error('no lookup answer');
    expect(validator.check({ ...lookup, status: 418 })).to.deep.equal(['GET /query 418: status not documented']);
    const asHtml = new Headers(lookup.headers);
    asHtml.set('content-type', 'text/html');
    expect(validator.check({ ...lookup, headers: asHtml })[0]).to.include('media type text/html not documented');
    const noTotal = new Headers(lookup.headers);
    noTotal.delete('x-total-count');
    expect(validator.check({ ...lookup, headers: noTotal })).to.deep.equal(['GET /query 200: header X-Total-Count missing']);
  });
});
