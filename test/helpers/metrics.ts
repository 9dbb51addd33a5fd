/** Reading `/metrics` in tests: one series' value, by its name and labels as exposed. */
import type { TestServer } from './test-server.js';

/** The value of one series in the exposition (`name{labels}` as written there), or undefined when absent. */
export function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

export async function scrape(server: TestServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}
