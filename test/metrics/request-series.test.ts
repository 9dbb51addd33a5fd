/**
 * The request series (src/metrics/request-series.ts) keep their counts outside prom-client, so
 * their exposition is checked against prom-client's own Counter and Histogram, the oracle: the same
 * observations, on two registries, must write the same text, byte for byte. The observations
 * include each bound exactly, values between and beyond them, zero, and several series in an
 * order that is not sorted.
 */
import { expect } from 'chai';
import { Counter, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { LATENCY_BUCKETS, createMetrics } from '../../src/metrics/metrics.js';
import { RequestSeries, type SeriesLabels } from '../../src/metrics/request-series.js';

const NAMES = {
  countName: 'x_requests_total',
  countHelp: 'requests',
  durationName: 'x_request_duration_seconds',
  durationHelp: 'time to answer',
};

/** Both registries, fed the same observations: prom-client's own metrics on `theirs`, the request series on `ours`. */
function bothRegistries(buckets: readonly number[], observations: readonly [SeriesLabels, number][]) {
  const theirs = new Registry<RegistryContentType>();
  const counter = new Counter({
    name: NAMES.countName,
    help: NAMES.countHelp,
    labelNames: ['route', 'method', 'status'],
    registers: [theirs],
  });
  const histogram = new Histogram({
    name: NAMES.durationName,
    help: NAMES.durationHelp,
    labelNames: ['route', 'method', 'status'],
    buckets: [...buckets],
    registers: [theirs],
  });
  const ours = new Registry<RegistryContentType>();
  const series = new RequestSeries({ ...NAMES, buckets });
  ours.registerMetric(series.counter);
  ours.registerMetric(series.histogram);
  for (const [labels, seconds] of observations) {
    counter.inc({ ...labels });
    histogram.observe({ ...labels }, seconds);
    series.seriesOf(labels).observe(seconds);
  }
  return { theirs, ours };
}

function bothWays(buckets: readonly number[], observations: readonly [SeriesLabels, number][]) {
  const { theirs, ours } = bothRegistries(buckets, observations);
  return Promise.all([theirs.metrics(), ours.metrics()]);
}

/** prom-client's JSON has `exemplar` keys (null or undefined) the series have no use for. */
const withoutExemplars = (metrics: object[]) =>
  JSON.parse(JSON.stringify(metrics, (key, value: unknown) => (key === 'exemplar' ? undefined : value))) as unknown;

describe('request series', () => {
  it("write the text prom-client's Counter and Histogram write for the same requests", async () => {
    const routes: SeriesLabels[] = [
      { route: '/query', method: 'GET', status: '200' },
      { route: '/health', method: 'GET', status: '200' },
      { route: '/query', method: 'GET', status: '304' },
      { route: 'unmatched', method: 'other', status: '404' },
    ];
    const seconds = [0, ...LATENCY_BUCKETS, ...LATENCY_BUCKETS.map((b) => b * 0.999), ...LATENCY_BUCKETS.map((b) => b * 1.001), 31, 1e6];
    // Every value in every series, visited in a scrambled order (a stride prime to the length).
    const all = routes.flatMap((labels) => seconds.map((s): [SeriesLabels, number] => [labels, s]));
    const scrambled = all.map((_, i) => all[(i * 37) % all.length] as [SeriesLabels, number]);
    const [theirs, ours] = await bothWays(LATENCY_BUCKETS, scrambled);
    expect(ours).to.equal(theirs);
    expect(ours).to.include('x_request_duration_seconds_bucket{le="0.0005",route="/query",method="GET",status="200"}');
  });

  it('answer the registry in OpenMetrics and JSON as prom-client does, and are cleared by resetMetrics', async () => {
    const observations: [SeriesLabels, number][] = [
      [{ route: '/query', method: 'GET', status: '200' }, 0.0004],
      [{ route: '/query', method: 'GET', status: '200' }, 0.3],
      [{ route: '/health', method: 'HEAD', status: '200' }, 0.002],
    ];
    const { theirs, ours } = bothRegistries([0.001, 0.1, 1], observations);
    expect(withoutExemplars(await ours.getMetricsAsJSON())).to.deep.equal(withoutExemplars(await theirs.getMetricsAsJSON()));
    for (const registry of [theirs, ours]) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const openMetrics = await ours.metrics();
    expect(openMetrics).to.equal(await theirs.metrics());
    expect(openMetrics).to.include('# TYPE x_requests counter');
    expect(openMetrics).to.include('x_requests_total{route="/query",method="GET",status="200"} 2');
    theirs.resetMetrics();
    ours.resetMetrics();
    expect(await ours.metrics()).to.equal(await theirs.metrics());
    expect(await ours.metrics()).not.to.include('route=');
  });

  it('write nothing for a series before its first request, as prom-client does', async () => {
    const [theirs, ours] = await bothWays([0.1, 1], []);
    expect(ours).to.equal(theirs);
  });

  it('refuse bounds that do not ascend', () => {
    expect(() => new RequestSeries({ ...NAMES, buckets: [1, 0.5] })).to.throw('ascend');
  });

  it("are what the service's registry writes for whc_http_requests_total and its duration histogram", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const lookup = metrics.requestObserver('GET', '/query', 200);
    lookup(0.0001);
    lookup(0.003);
    metrics.observeRequest('PROPFIND', 'unmatched', 405, 0.2);
    const text = await metrics.registry.metrics();
    expect(text).to.include('whc_http_requests_total{route="/query",method="GET",status="200"} 2');
    expect(text).to.include('whc_http_request_duration_seconds_bucket{le="0.0025",route="/query",method="GET",status="200"} 1');
    expect(text).to.include('whc_http_request_duration_seconds_bucket{le="0.005",route="/query",method="GET",status="200"} 2');
    expect(text).to.include('whc_http_requests_total{route="unmatched",method="other",status="405"} 1');
  });
});
