/**
 * /metrics stays bounded whatever clients send (issue 24): every method Node's parser accepts, on
 * routes and on made-up paths, adds no series past the methods the API serves plus `other`.
 * The oracle is Node's own list of methods and the exposition text, not the metrics module.
 */
import { METHODS } from 'node:http';
import { expect } from 'chai';
import { createMetrics } from '../../src/metrics/metrics.js';
import { plainRequest } from '../helpers/plain-request.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** CONNECT is a tunnel, not a request (node:http hands it to a 'connect' listener): it never reaches the app. */
const SENDABLE = METHODS.filter((m) => m !== 'CONNECT');
const PATHS = ['/query', '/sites/230', '/stats', '/health', '/metrics'];

const requestSeries = (text: string) => text.split('\n').filter((line) => line.startsWith('whc_http_requests_total{'));
const methodLabels = (text: string) => new Set(requestSeries(text).map((line) => /method="([^"]*)"/.exec(line)?.[1]));

async function flood(url: string, round: number): Promise<void> {
  for (const method of SENDABLE)
    for (const path of [...PATHS, `/made-up-${round}-${method.toLowerCase()}`])
      await plainRequest(url, path, { method, headers: { 'Content-Length': '0' } });
}

describe('GET /metrics under a flood of exotic methods and paths', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  it('labels only the methods the API serves, the rest as other, and stops growing', async () => {
    await plainRequest(server.url, '/query?unique_number=230');
    const baseline = await (await fetch(`${server.url}/metrics`)).text();
    expect(SENDABLE.length).to.be.greaterThan(30); // Node 26 accepts 34 methods: the flood is the real one

    await flood(server.url, 1);
    const afterOne = await (await fetch(`${server.url}/metrics`)).text();
    await flood(server.url, 2);
    await flood(server.url, 3);
    const afterThree = await (await fetch(`${server.url}/metrics`)).text();

    expect([...methodLabels(afterThree)].sort()).to.deep.equal(['GET', 'HEAD', 'OPTIONS', 'POST', 'other']);
    // New paths and repeated methods add nothing: the series are those of the first round.
    expect(requestSeries(afterThree).map((l) => l.replace(/ \d+$/, ''))).to.deep.equal(
      requestSeries(afterOne).map((l) => l.replace(/ \d+$/, '')),
    );
    // Five methods x six route labels (five routes, unmatched) x the statuses the server chose.
    const statuses = new Set(requestSeries(afterThree).map((line) => /status="(\d+)"/.exec(line)?.[1]));
    expect(requestSeries(afterThree).length).to.be.at.most(5 * 6 * statuses.size);
    const ratio = Buffer.byteLength(afterThree) / Buffer.byteLength(baseline);
    process.stdout.write(
      `      /metrics: ${Buffer.byteLength(baseline)} B before, ${Buffer.byteLength(afterThree)} B after ${3 * SENDABLE.length * (PATHS.length + 1)} requests (x${ratio.toFixed(1)}), ${requestSeries(afterThree).length} series\n`,
    );
  });

  it("labels a status Node does not know as other (a backstop: statuses are the server's choice)", async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeRequest('PROPFIND', '/query', 299, 0.001);
    metrics.observeRequest('GET', '/query', 200, 0.001);
    const text = await metrics.registry.metrics();
    expect(requestSeries(text)).to.deep.equal([
      'whc_http_requests_total{route="/query",method="other",status="other"} 1',
      'whc_http_requests_total{route="/query",method="GET",status="200"} 1',
    ]);
  });
});
