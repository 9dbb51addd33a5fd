/**
 * `/openapi.json` against what the service really does: the router's routes, each route's
 * decoder, and the examples it documents, sent to the real server. `/docs` is served from
 * package assets under a strict Content-Security-Policy.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { QUERY_DECODER } from '../../src/http/search-answer.js';
import { STATS_DECODER } from '../../src/http/routes/stats.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

type Operation = {
  parameters?: { name: string; in: string; example?: unknown; schema: { examples?: unknown[] } }[];
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('/openapi.json and /docs', () => {
  let server: TestServer;
  let document: Document;
  before(async () => {
    server = await startTestServer();
    document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Document;
  });
  after(() => server.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).to.equal('3.1.0');
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    // The validator can fail: a broken copy is rejected.
    const broken = structuredClone(document) as unknown as { paths: Record<string, Record<string, { responses: unknown }>> };
    (broken.paths['/query'] ?? {})['get'] = { responses: 'none' };
    expect((await new Validator().validate(broken)).valid).to.equal(false);
  });

  it('documents every route the router has, and no other', () => {
    const { router } = server.service;
    const routed = router.stack.flatMap((layer) =>
      layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${String(layer.path).replace(/:([A-Za-z_]+)/g, '{$1}')}`),
    );
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...routed].sort()).to.deep.equal([...documented].sort());
  });

  it("documents exactly the parameters each route's decoder accepts", () => {
    const queryNames = (path: string) =>
      (document.paths[path]?.['get']?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    expect(queryNames('/query')).to.deep.equal([...QUERY_DECODER.allowed].sort());
    expect(queryNames('/stats')).to.deep.equal([...STATS_DECODER.allowed].sort());
    const body = document.paths['/query']?.['post']?.requestBody?.content['application/json']?.schema.properties ?? {};
    expect(Object.keys(body).sort()).to.deep.equal([...QUERY_DECODER.allowed].sort());
    for (const [path, operations] of Object.entries(document.paths)) {
      if (path === '/query' || path === '/stats') continue;
      expect(
        (operations['get']?.parameters ?? []).filter((p) => p.in === 'query'),
        path,
      ).to.deep.equal([]);
    }
  });

  it('documents examples that work: each parameter alone answers 200 on the real data', async () => {
    for (const path of ['/query', '/stats']) {
      for (const parameter of document.paths[path]?.['get']?.parameters ?? []) {
        if (['cursor', 'radius_km', 'sort'].includes(parameter.name) && path === '/query') continue; // need other parameters; below
        if (parameter.name === 'radius_km') continue;
        expect(parameter.example, 'Swagger UI would fill its input with it').to.equal(undefined);
        const example = parameter.schema.examples?.[0];
        expect(example, `${path} ${parameter.name}`).not.to.equal(undefined);
        const response = await fetch(`${server.url}${path}?${new URLSearchParams({ [parameter.name]: String(example) }).toString()}`);
        expect(response.status, `${path}?${parameter.name}=${String(example)}: ${await response.clone().text()}`).to.equal(200);
        if (path !== '/query') continue;
        // The same typed value (230, true) in a POST body.
        const posted = await fetch(`${server.url}/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ [parameter.name]: example }),
        });
        expect(posted.status, `POST ${parameter.name}: ${JSON.stringify(example)}`).to.equal(200);
      }
    }
    const first = await fetch(`${server.url}/query?near=48.8566,2.3522&radius_km=100&sort=-date_inscribed&limit=1`);
    expect(first.status).to.equal(200);
    const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect((await fetch(`${server.url}${next}`)).status).to.equal(200);
  });

  it('serves /docs from package assets under a strict Content-Security-Policy', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).to.include("script-src 'self'").and.include("default-src 'none'");
    expect(policy).to.not.match(/script-src[^;]*unsafe/);
    const html = await page.text();
    expect(html).to.not.match(/<script>(?!<)/, 'no inline script');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '').filter((a) => !a.startsWith('data:'));
    expect(assets).to.have.length(3);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/'), `${asset} is served here, not from a CDN`).to.equal(true);
      const response = await fetch(`${server.url}${asset}`);
      expect(response.status, asset).to.equal(200);
      expect((await response.text()).length, asset).to.be.greaterThan(100);
    }
    expect((await fetch(`${server.url}/docs/package.json`)).status).to.equal(404);
  });
});
