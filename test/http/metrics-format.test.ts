/**
 * `/metrics` as Prometheus reads it: `promtool check metrics` (Debian's prometheus package,
 * installed by .ci/run) accepts the whole exposition, prom-client's default metrics included;
 * CORS preflights and 405s count under the route their path belongs to.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const promtool = (text: string) => spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

describe('GET /metrics under promtool', () => {
  let server: TestServer;
  let text: string;
  before(async () => {
    server = await startTestServer({ processMetrics: true });
    await fetch(`${server.url}/query`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://maps.example.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    await fetch(`${server.url}/query`, { method: 'DELETE' });
    await fetch(`${server.url}/sites/230`, { method: 'POST' });
    await fetch(`${server.url}/nowhere`, { method: 'DELETE' });
    text = await (await fetch(`${server.url}/metrics`)).text();
  });
  after(() => server.close());

  it('passes promtool check metrics, default process metrics included', function () {
    // .ci/run installs it (by hand: apt-get install prometheus); in CI its absence is a failure, not a skip.
    if (!hasPromtool && process.env['CI'] !== 'true') this.skip();
    expect(text).to.match(/^process_cpu_seconds_total /m);
    expect(text).to.match(/^nodejs_heap_size_used_bytes /m);
    const result = promtool(text);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    // The check can fail: a gauge named like a counter, as prom-client's own were, is rejected.
    const broken = promtool(
      `${text}# HELP nodejs_active_handles_total Number of active handles.\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 3\n`,
    );
    expect(broken.status).to.not.equal(0);
    expect(broken.stdout + broken.stderr).to.include('non-counter metrics should not have "_total" suffix');
  });

  it('labels CORS preflights and 405s with their route, unknown paths as unmatched, methods the API does not serve as other', () => {
    expect(text).to.match(/^whc_http_requests_total\{route="\/query",method="OPTIONS",status="204"\} 1$/m);
    expect(text).to.match(/^whc_http_requests_total\{route="\/query",method="other",status="405"\} 1$/m);
    expect(text).to.match(/^whc_http_requests_total\{route="\/sites\/:unique_number",method="POST",status="405"\} 1$/m);
    expect(text).to.match(/^whc_http_requests_total\{route="unmatched",method="other",status="404"\} 1$/m);
  });
});
