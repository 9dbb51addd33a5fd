import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DATA_FILE } from '../helpers/reference-csv.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('GET /status and GET /metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    server.metrics.datasetLoaded(server.store.current!.version);
  });
  after(() => server.close());

  it('/status names the version (sha256 of the file), rows and file served, and no reload error', async () => {
    const status = (await (await fetch(`${server.url}/status`)).json()) as Record<string, unknown>;
    expect(status['ready']).to.equal(true);
    expect(status['dataset']).to.include({
      version: createHash('sha256').update(readFileSync(DATA_FILE)).digest('hex'),
      rows: 1121,
      file: 'whc-sites-2019.csv',
    });
    expect(status['lastReloadError']).to.equal(null);
  });

  it('/metrics counts requests by route pattern (not by path) and status, in Prometheus text format', async () => {
    await fetch(`${server.url}/query?unique_number=230`);
    await fetch(`${server.url}/query?unique_number=abc`);
    await fetch(`${server.url}/random/path/1`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).to.match(/^whc_http_requests_total\{route="\/query",method="GET",status="200"\} 1$/m);
    expect(text).to.match(/^whc_http_requests_total\{route="\/query",method="GET",status="400"\} 1$/m);
    expect(text).to.match(/^whc_http_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
    expect(text).not.to.include('/random/path');
    expect(text).to.match(/^whc_http_request_duration_seconds_bucket\{le="0\.01",route="\/query"/m);
    expect(text).to.match(/^whc_dataset_rows 1121$/m);
    expect(text).to.match(/^whc_dataset_info\{version="[0-9a-f]{64}"\} 1$/m);
  });
});
