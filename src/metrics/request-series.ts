/**
 * `whc_http_requests_total` and `whc_http_request_duration_seconds`: one count, one sum and one
 * count per latency bucket for each route, method and status, kept in plain numbers.
 *
 * Why not prom-client's Counter and Histogram: a label-bound child of either hashes its labels
 * again on every `inc` and `observe` (prom-client 15's `hashObject`, with a label check and an
 * object per call), about 470 ns a request for the pair on this machine, 2 % of a lookup's CPU.
 * Here a series is found once (by its labels' key, `seriesOf`) and a request costs a few additions.
 *
 * prom-client's registry still writes them (registryMetric below), from value objects laid out as
 * its own Counter and Histogram lay theirs: the text (Prometheus and OpenMetrics), the JSON and
 * `resetMetrics` are the same (test/metrics/request-series.test.ts holds them to prom-client's).
 */
import type { Metric, MetricValueWithName } from 'prom-client';

/** A value as the registry writes it: `sharedLabels` follow the value's own (`le`), as prom-client's Histogram has them. */
type ExposedValue = MetricValueWithName<string> & { readonly sharedLabels?: SeriesLabels };

export interface SeriesLabels {
  readonly route: string;
  readonly method: string;
  readonly status: string;
}

/** One route, method and status: what a request adds to. */
export class RequestSeriesCell {
  count = 0;
  sum = 0;
  /** Observations per bucket, not cumulative: `perBucket[i]` counts those in (bounds[i - 1], bounds[i]]. */
  readonly perBucket: Float64Array;

  readonly labels: SeriesLabels;
  readonly #bounds: readonly number[];

  constructor(labels: SeriesLabels, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.perBucket = new Float64Array(bounds.length);
  }

  /** One answered request that took `seconds`. */
  observe(seconds: number): void {
    this.count += 1;
    this.sum += seconds;
    const bounds = this.#bounds;
    // Most answers fall in the first buckets: a walk from the bottom is shorter than a bisection.
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= (bounds[i] as number)) {
        (this.perBucket[i] as number) += 1;
        return;
      }
    }
  }
}

export interface RequestSeriesOptions {
  readonly countName: string;
  readonly countHelp: string;
  readonly durationName: string;
  readonly durationHelp: string;
  /** The histogram's upper bounds, in seconds, ascending. */
  readonly buckets: readonly number[];
}

/** The cells, and the two metrics a prom-client Registry writes from them. */
export class RequestSeries {
  readonly #cells = new Map<string, RequestSeriesCell>();
  readonly #buckets: readonly number[];
  readonly counter: Metric;
  readonly histogram: Metric;

  constructor(options: RequestSeriesOptions) {
    const buckets = [...options.buckets];
    if (buckets.some((bound, i) => i > 0 && bound <= (buckets[i - 1] as number))) throw new Error('bucket bounds must ascend');
    this.#buckets = Object.freeze(buckets);
    const cells = () => [...this.#cells.values()];
    const clear = () => this.#cells.clear();
    this.counter = registryMetric(options.countName, options.countHelp, 'counter', clear, () =>
      cells().map((cell): ExposedValue => ({ value: cell.count, labels: { ...cell.labels } })),
    );
    this.histogram = registryMetric(options.durationName, options.durationHelp, 'histogram', clear, () =>
      cells().flatMap((cell) => histogramValues(options.durationName, this.#buckets, cell)),
    );
  }

  /** The series of these labels, made on first use: a series appears in the exposition once it has a request. */
  seriesOf(labels: SeriesLabels): RequestSeriesCell {
    const key = `${labels.route} ${labels.method} ${labels.status}`;
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = new RequestSeriesCell({ route: labels.route, method: labels.method, status: labels.status }, this.#buckets);
      this.#cells.set(key, cell);
    }
    return cell;
  }
}

/** As prom-client's Histogram lays out a series: cumulative buckets, `+Inf`, sum, count, the series' labels shared. */
function histogramValues(name: string, bounds: readonly number[], cell: RequestSeriesCell): ExposedValue[] {
  const sharedLabels = { ...cell.labels };
  const values: ExposedValue[] = [];
  let below = 0;
  for (const [i, le] of bounds.entries()) {
    below += cell.perBucket[i] as number;
    values.push({ metricName: `${name}_bucket`, labels: { le }, value: below, sharedLabels });
  }
  values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: cell.count, sharedLabels });
  values.push({ metricName: `${name}_sum`, labels: {}, value: cell.sum, sharedLabels });
  values.push({ metricName: `${name}_count`, labels: {}, value: cell.count, sharedLabels });
  return values;
}

/**
 * A metric as prom-client's Registry reads one: `getForPromString()` for the text (values with
 * `sharedLabels`), `get()` for JSON (labels merged, as prom-client's own `get` gives them), the
 * `name` read at each call (the registry strips a counter's `_total` from it for OpenMetrics), and
 * `reset()` (`resetMetrics`), which forgets every series. Its type declarations only name
 * prom-client's own classes, hence the cast.
 */
function registryMetric(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  reset: () => void,
  values: () => ExposedValue[],
): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    getForPromString: () => Promise.resolve({ name: metric.name, help, type, aggregator: 'sum', values: values() }),
    get: () =>
      Promise.resolve({
        name: metric.name,
        help,
        type,
        aggregator: 'sum',
        values: values().map(({ sharedLabels, ...value }) => ({ ...value, labels: { ...value.labels, ...sharedLabels } })),
      }),
    reset,
  };
  return metric as unknown as Metric;
}
