/**
 * The build (scripts/build/bundle.ts) is what production runs, so it is tested as built: the
 * bundle is made into a scratch folder, started as a process, and compared answer by answer
 * with the same code run from src/ in this process. A difference means bundling changed
 * behaviour (a lost asset path, a package read at run time, a lazy import that broke).
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { productionNodeFlags, waitReady } from '../../scripts/bench/processes.js';
import { hasWrk, wrk } from '../../scripts/bench/wrk.js';
import { runNode } from '../helpers/node-process.js';
import { metricValue } from '../helpers/metrics.js';
import { DATA_FILE, readDataText, readRecords } from '../helpers/reference-csv.js';
import { spawnService, type ServiceProcess } from '../helpers/service-process.js';
import { tempDir, type TempDir } from '../helpers/temp-files.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so that the bundle finds node_modules (Swagger UI's files) as dist/ does.
const OUT_DIR = join(ROOT, '.cache', 'bundle-test');

const run = (argv: string[]) => runNode(argv, { cwd: ROOT });

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly body: Buffer;
}

// Headers that must match; Date differs by nature.
const COMPARED_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'etag',
  'cache-control',
  'vary',
  'link',
  'x-total-count',
  'content-security-policy',
];

async function answer(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

const JSON_POST = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the production bundle (npm run build)', function () {
  this.timeout(60_000);
  let bundled: ServiceProcess;
  let bundledUrl: string;
  let fromSource: TestServer;
  let dir: TempDir;

  before(async () => {
    const build = await run(['--import', 'tsx', 'scripts/build/bundle.ts', OUT_DIR]);
    expect(build.code, build.stderr).to.equal(0);
    // With npm start's Node flags (the image's CMD; test/start-command.test.ts keeps them equal).
    bundled = spawnService({ DATA_FILE }, { builtEntry: join(OUT_DIR, 'main.js'), nodeArgs: productionNodeFlags() });
    bundledUrl = await bundled.url;
    await waitReady(bundledUrl, 15_000);
    fromSource = await startTestServer();
    dir = tempDir();
  });
  after(async () => {
    bundled?.child.kill('SIGTERM');
    await bundled?.exited;
    await fromSource?.close();
    dir?.remove();
    rmSync(OUT_DIR, { recursive: true, force: true });
  });

  it('writes one file per entry point, a source map for each, and a lazy chunk for the JSON body parser', () => {
    for (const file of ['main.js', 'main.js.map', 'cli/data.js', 'cli/data.js.map'])
      expect(existsSync(join(OUT_DIR, file)), file).to.equal(true);
    const main = readFileSync(join(OUT_DIR, 'main.js'), 'utf8');
    // koa-bodyparser is imported on the first POST only (a start-up saving); bundling must keep that.
    const lazyChunk = /import\("\.\/(chunks\/koa-bodyparser-[A-Z0-9]+\.js)"\)/.exec(main)?.[1];
    expect(lazyChunk, 'a dynamic import of the body parser chunk').to.be.a('string');
    expect(readFileSync(join(OUT_DIR, lazyChunk ?? ''), 'utf8')).to.include('function bodyParser(');
    expect(main).to.not.include('function bodyParser(');
  });

  it('maps stack traces to the TypeScript sources under --enable-source-maps (as docs/performance.md says)', async () => {
    // loadDataset is shared by the service and the CLI, so it lives in a chunk that exports it.
    const chunk = readdirSync(join(OUT_DIR, 'chunks')).find(
      (file) => file.endsWith('.js') && /export \{[^}]*\bloadDataset\b/.test(readFileSync(join(OUT_DIR, 'chunks', file), 'utf8')),
    );
    expect(chunk, 'the chunk that exports loadDataset').to.be.a('string');
    const script = `import { loadDataset } from ${JSON.stringify(pathToFileURL(join(OUT_DIR, 'chunks', chunk ?? '')).href)};
      try { await loadDataset('absent.csv'); } catch (error) { console.log(error.stack.split('\\n')[1]); }`;
    const [plain, mapped] = await Promise.all([
      run(['--input-type=module', '-e', script]),
      run(['--enable-source-maps', '--input-type=module', '-e', script]),
    ]);
    expect(plain.stdout).to.match(/at loadDataset \(.*\/chunks\/chunk-\w+\.js:\d+:\d+\)/);
    expect(mapped.stdout).to.match(/at loadDataset \(.*\/src\/data\/load\.ts:\d+:\d+\)/);
  });

  const cases: { name: string; path: string; init?: RequestInit }[] = [
    { name: 'the lookup (fast path)', path: '/query?unique_number=230' },
    { name: 'an unknown id', path: '/query?unique_number=999999' },
    { name: 'a filtered page with a next link', path: '/query?region=europe&category=Natural&sort=-date_inscribed&limit=7' },
    { name: 'a text search as CSV', path: '/query?q=temple&format=csv' },
    { name: 'GeoJSON near a point', path: '/query?near=41.9,12.5&radius_km=50&format=geojson' },
    { name: 'a brotli-compressed list', path: '/query?region=asia', init: { headers: { 'accept-encoding': 'br' } } },
    { name: 'a site', path: '/sites/230' },
    { name: 'facets', path: '/stats?danger=true' },
    { name: 'a bad parameter (problem+json)', path: '/query?unique_number=abc&colour=red' },
    { name: 'the OpenAPI document (carries the package version)', path: '/openapi.json' },
    { name: 'the docs page', path: '/docs' },
    { name: 'a Swagger UI asset (read from node_modules at run time)', path: '/docs/swagger-ui.css' },
    {
      name: 'POST /query (the lazily imported body parser)',
      path: '/query',
      init: JSON_POST({ category: ['Natural', 'Mixed'], limit: 3 }),
    },
    {
      name: 'POST /query with malformed JSON',
      path: '/query',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"limit": ' },
    },
  ];
  for (const { name, path, init } of cases) {
    it(`answers ${name} exactly as the source does`, async () => {
      const [fromBundle, expected] = await Promise.all([answer(`${bundledUrl}${path}`, init), answer(`${fromSource.url}${path}`, init)]);
      expect(fromBundle.status).to.equal(expected.status);
      expect(fromBundle.headers).to.deep.equal(expected.headers);
      expect(fromBundle.body.equals(expected.body), `body of ${path}`).to.equal(true);
    });
  }

  it('serves metrics and probes', async () => {
    const metrics = await fetch(`${bundledUrl}/metrics`);
    expect(metrics.status).to.equal(200);
    const text = await metrics.text();
    expect(text).to.match(/^whc_dataset_rows 1121$/m);
    expect(text).to.include('process_resident_memory_bytes');
    expect((await fetch(`${bundledUrl}/health`)).status).to.equal(200);
  });

  it("keeps V8's young generation to npm start's 8 MB semi-spaces, under searches that grow V8's default past 16 MB", async function () {
    // V8 grows the new space to 32 MB under allocation whatever --max-old-space-size says; at
    // 100,000 rows that was 80-90 MB more peak RSS (docs/large-files.md). The allocation rate that
    // makes it grow takes a load generator: wrk, 50 connections of searches for 3 s, each computed
    // (no answer cache, no queue, as the bench runs them), on the bundle started with npm start's
    // flags and, as the control that shows the load is enough, without the semi-space one.
    if (!(await hasWrk())) this.skip();
    // Pages of 100-500 whole rows: some 1 MB of garbage a search, so the load grows the default's
    // new space even on a machine busy with other work (pages of 1-100 rows did not, once, in CI).
    const paths = Array.from({ length: 400 }, (_, i) => `/query?limit=${100 + i}&inscribed_from=${1978 + (i % 4)}`);
    const env = { DATA_FILE, ANSWER_CACHE_MB: '0', SEARCH_CPU_PERCENT: '100' };
    const flags = productionNodeFlags();
    const services = {
      production: spawnService(env, { builtEntry: join(OUT_DIR, 'main.js'), nodeArgs: flags }),
      control: spawnService(env, {
        builtEntry: join(OUT_DIR, 'main.js'),
        nodeArgs: flags.filter((f) => !f.startsWith('--max-semi-space-size')),
      }),
    };
    try {
      const newSpace: Record<string, number> = {};
      for (const [name, service] of Object.entries(services)) {
        const url = await service.url;
        await waitReady(url, 15_000);
        const load = await wrk(url, { connections: 50, durationS: 3, paths });
        expect(load.errors + load.non2xx, name).to.equal(0);
        newSpace[name] =
          metricValue(await (await fetch(`${url}/metrics`)).text(), 'nodejs_heap_space_size_total_bytes{space="new"}') ?? NaN;
      }
      expect(newSpace['control'], "the load grows V8's default young generation").to.be.above(16 * 2 ** 20);
      expect(newSpace['production'], "npm start's").to.be.within(1, 16 * 2 ** 20);
    } finally {
      for (const service of Object.values(services)) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
  });

  it('runs the data CLI exactly as the source does, on good and bad files', async () => {
    const text = readDataText();
    const records = readRecords(text);
    const header = text.slice(0, records[0]?.end ?? 0);
    const second = records[2];
    const bad = dir.write(
      'bad.csv',
      header +
        text.slice(records[1]?.start ?? 0, records[1]?.end ?? 0) +
        text.slice(second?.start ?? 0, second?.end ?? 0).replace(/^(\d+),(\d+),/, '$1,x$2,'),
    );
    for (const args of [['validate', DATA_FILE], ['validate', bad], ['validate', join(dir.path, 'absent.csv')], ['frobnicate']]) {
      const [fromBundle, expected] = await Promise.all([
        run([join(OUT_DIR, 'cli/data.js'), ...args]),
        run(['--import', 'tsx', 'src/cli/data.ts', ...args]),
      ]);
      expect(fromBundle, args.join(' ')).to.deep.equal(expected);
    }
  });
});
