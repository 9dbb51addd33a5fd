/**
 * The test tiers, written down once: `npm run test:unit`, `test:http` and `test:slow` run them
 * (scripts/test/tier.ts); `npm test` runs every file, whatever its tier. A test file belongs to
 * the first tier, in this order, with a pattern that matches it: a path, or a folder followed by
 * `/**` for every file under it. Anything not named slow or HTTP is a unit test, and
 * test/tiers.test.ts fails when a unit test starts a server, a process or a browser.
 */
export const TIERS = {
  /** A Kubernetes cluster and Tilt, started by `npm run test:cluster` (scripts/cluster/tier.sh): tens of minutes. */
  cluster: ['test/cluster/**'],
  /** Processes, containers, browsers, external tools and long waits: minutes. */
  slow: [
    'test/pods/**',
    'test/reliability/**',
    'test/docs/**',
    'test/tilt/**',
    'test/k8s/**',
    'test/build/**',
    'test/cli/**',
    'test/client/**',
    'test/openapi/lint.test.ts',
    'test/lifecycle.test.ts',
    'test/node-version.test.ts',
    'test/data/hot-reload.test.ts',
    'test/data/release-memory.test.ts',
    'test/data/builders-released.test.ts',
    'test/log/stalled-reader.test.ts',
    'test/bench/peers.test.ts',
    'test/bench/synthetic.test.ts',
  ],
  /** A real server in the process on an ephemeral port, and the file watcher on real files: tens of seconds. */
  http: ['test/http/**', 'test/openapi/**', 'test/query/text-cost.test.ts', 'test/data/watch.test.ts'],
  /** Pure modules called directly (codecs, load, query, formats, the import rules): seconds. */
  unit: ['test/**'],
} as const;

export type Tier = keyof typeof TIERS;

const matches = (pattern: string, file: string) => (pattern.endsWith('/**') ? file.startsWith(pattern.slice(0, -2)) : file === pattern);

/** The tier of a test file, by its path from the repository root with `/`. */
export function tierOf(file: string): Tier {
  for (const tier of Object.keys(TIERS) as Tier[]) if (TIERS[tier].some((pattern) => matches(pattern, file))) return tier;
  throw new Error(`${file} is in no tier: TIERS.unit should match every test file`);
}

/** Every test file, from the repository root, sorted. */
export function testFiles(root: string, readdir: (dir: string) => { name: string; isDirectory(): boolean }[]): string[] {
  const walk = (dir: string): string[] =>
    readdir(`${root}/${dir}`).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.test.ts') ? [`${dir}/${e.name}`] : [],
    );
  return walk('test').sort();
}
