import { expect } from 'chai';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('routing and errors', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('responds 404 problem+json for an unknown path', async () => {
    const problem = await expectProblem(await fetch(`${server.url}/no/such/thing`), 404, 'ROUTE_NOT_FOUND');
    expect(problem['instance']).to.equal('/no/such/thing');
  });

  for (const method of ['PUT', 'DELETE', 'PATCH']) {
    it(`responds 405 with Allow for ${method} /query`, async () => {
      const response = await fetch(`${server.url}/query?unique_number=230`, { method });
      await expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
      expect(response.headers.get('allow')).to.equal('HEAD, GET, POST');
    });
  }

  it('responds 405 with Allow for POST /sites/230', async () => {
    const response = await fetch(`${server.url}/sites/230`, { method: 'POST' });
    await expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).to.equal('HEAD, GET');
  });

  it('answers HEAD on /health and /ready', async () => {
    for (const path of ['/health', '/ready']) {
      const response = await fetch(`${server.url}${path}`, { method: 'HEAD' });
      expect(response.status, path).to.equal(200);
    }
  });

  it('sends no X-Powered-By and always nosniff', async () => {
    const response = await fetch(`${server.url}/query?unique_number=230`);
    expect(response.headers.get('x-powered-by')).to.equal(null);
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
  });
});
