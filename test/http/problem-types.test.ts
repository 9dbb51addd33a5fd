/**
 * Problem `type`s resolve to pages that explain them (RFC 9457 §3.1.1), and an empty POST
 * /query body is no body.
 */
import { expect } from 'chai';
import { PROBLEM_KINDS } from '../../src/http/problems.js';
import { plainRequest } from '../helpers/plain-request.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** A POST with `Content-Length: 0` and whatever else `headers` says: fetch would add a Content-Type of its own. */
const emptyPost = (server: TestServer, headers: Record<string, string>) =>
  plainRequest(server.url, '/query', { method: 'POST', headers: { 'Content-Length': '0', ...headers } });

describe('problem types and empty bodies', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  it('serves a page explaining each problem type an answer points to', async () => {
    const answered = (await (await fetch(`${server.url}/query?unique_number=abc`)).json()) as { type: string; code: string };
    const page = await fetch(new URL(answered.type, server.url));
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).to.include(answered.code).and.include('Invalid query parameter').and.include('<code>errors</code>');
  });

  it('has a page for every problem kind, each naming its status and code, and a 404 problem elsewhere', async () => {
    for (const [code, { status, title }] of Object.entries(PROBLEM_KINDS)) {
      const type = `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
      const page = await fetch(`${server.url}${type}`);
      expect(page.status, type).to.equal(200);
      const html = await page.text();
      expect(html, type).to.include(`<h1>${title}</h1>`).and.include(`<strong>${status}</strong>`).and.include(code);
    }
    await expectProblem(await fetch(`${server.url}/problems/no-such-problem`), 404, 'ROUTE_NOT_FOUND');
  });

  it('answers POST /query with Content-Length: 0 and no Content-Type as GET /query with no parameters', async () => {
    const get = await (await fetch(`${server.url}/query`)).text();
    const bare = await emptyPost(server, {});
    expect(bare.status, bare.body).to.equal(200);
    expect(bare.body).to.equal(get);
    const typed = await emptyPost(server, { 'Content-Type': 'application/json' });
    expect(typed.status, typed.body).to.equal(200);
    expect(typed.body).to.equal(get);
    // A body of another type is still refused.
    await expectProblem(
      await fetch(`${server.url}/query`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});
