import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expectProblem } from '../helpers/problem.js';
import { DATA_FILE } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /health and GET /ready', () => {
  describe('with the dataset loaded', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('/health answers 200', async () => {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ status: 'ok' });
    });

    it('/ready answers 200 with the version (sha256 of the file) and the row count', async () => {
      const response = await fetch(`${server.url}/ready`);
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { dataset: { version: string; rows: number } };
      expect(body.dataset.version).to.equal(createHash('sha256').update(readFileSync(DATA_FILE)).digest('hex'));
      expect(body.dataset.rows).to.equal(1121);
    });

    it('/ready and /status send JSON as Koa sends an object: its media type, the length of the bytes, and the same headers to HEAD', async () => {
      for (const path of ['/ready', '/status']) {
        const response = await fetch(`${server.url}${path}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(response.headers.get('content-type'), path).to.equal('application/json; charset=utf-8');
        expect(response.headers.get('content-length'), path).to.equal(String(bytes.length));
        expect(JSON.parse(bytes.toString('utf8')), path).to.be.an('object');
        const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
        expect(head.status, `HEAD ${path}`).to.equal(200);
        expect(head.headers.get('content-type'), `HEAD ${path}`).to.equal('application/json; charset=utf-8');
        expect(head.headers.get('content-length'), `HEAD ${path}`).to.equal(String(bytes.length));
      }
    });
  });

  describe('with no dataset', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ dataFile: null });
    });
    after(() => server.close());

    it('/health still answers 200 (liveness does not depend on data)', async () => {
      expect((await fetch(`${server.url}/health`)).status).to.equal(200);
    });

    it('/ready answers 503 problem+json', async () => {
      await expectProblem(await fetch(`${server.url}/ready`), 503, 'NOT_READY');
    });

    it('/query answers 503 problem+json rather than an empty result', async () => {
      await expectProblem(await fetch(`${server.url}/query?unique_number=230`), 503, 'NOT_READY');
    });
  });
});
