/** HTTP caching, compression and CORS on the real server. */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { loadDataset } from '../../src/data/load.js';
import { plainRequest } from '../helpers/plain-request.js';
import { expectProblem } from '../helpers/problem.js';
import { DATA_FILE, readDataText } from '../helpers/reference-csv.js';
import { tempDir } from '../helpers/temp-files.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** A raw GET: fetch would decompress bodies and hide Content-Encoding's effect. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('caching, compression and CORS', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ corsOrigins: ['https://maps.example'] });
  });
  after(() => server.close());

  it('revalidates any query with its ETag: 304 and no body (property)', async () => {
    const queries = fc.constantFrom(
      'unique_number=230',
      'region=Africa&limit=5',
      'q=temple&format=csv',
      'near=10,10&radius_km=900',
      'bbox=-20,30,40,60&format=geojson',
      '',
    );
    const paths = fc.constantFrom('/query', '/stats');
    await fc.assert(
      fc.asyncProperty(paths, queries, async (path, qs) => {
        const url = `${server.url}${path}?${path === '/stats' ? qs.replace(/&?(limit|format)=[^&]*/g, '').replace(/^unique_number=230$/, 'id_no=208') : qs}`;
        const first = await fetch(url);
        expect(first.status).to.equal(200);
        const etag = first.headers.get('etag') ?? '';
        expect(etag).to.match(/^"[^"]+"$/);
        expect(first.headers.get('cache-control')).to.equal('public, max-age=60');
        const again = await fetch(url, { headers: { 'If-None-Match': etag } });
        expect(again.status).to.equal(304);
        expect(await again.text()).to.equal('');
        expect(again.headers.get('etag')).to.equal(etag);
      }),
      { numRuns: 30 },
    );
  });

  it('gives different representations different ETags, and the same query the same one in any parameter order', async () => {
    const tag = async (qs: string) => (await fetch(`${server.url}/query?${qs}`)).headers.get('etag');
    const json = await tag('region=Africa&danger=true');
    expect(await tag('danger=true&region=Africa')).to.equal(json);
    expect(await tag('region=Africa&danger=true&format=csv')).to.not.equal(json);
    expect(await tag('region=Africa&danger=false')).to.not.equal(json);
  });

  it('compresses lists with brotli or gzip, marks the ETag, and revalidates the compressed ETag', async () => {
    const url = `${server.url}/query?limit=50`;
    const plain = await rawGet(url, {});
    expect(plain.headers['content-encoding']).to.equal(undefined);
    for (const [coding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const response = await rawGet(url, { 'Accept-Encoding': coding });
      expect(response.headers['content-encoding']).to.equal(coding);
      expect(String(response.headers['vary'])).to.include('Accept-Encoding');
      expect(decode(response.body).equals(plain.body)).to.equal(true);
      expect(response.body.length).to.be.lessThan(plain.body.length / 3);
      const etag = String(response.headers['etag']);
      expect(etag).to.equal(`${String(plain.headers['etag']).slice(0, -1)}-${coding}"`);
      expect((await rawGet(url, { 'Accept-Encoding': coding, 'If-None-Match': etag })).status).to.equal(304);
    }
  });

  it('sends single rows uncompressed: compressing 4 KB costs more than sending it', async () => {
    for (const path of ['/query?unique_number=230', '/sites/230']) {
      const response = await rawGet(`${server.url}${path}`, { 'Accept-Encoding': 'br, gzip' });
      expect(response.headers['content-encoding'], path).to.equal(undefined);
    }
  });

  it('lets an allowed origin read answers and the paging headers, errors included', async () => {
    const headers = { Origin: 'https://maps.example' };
    const ok = await fetch(`${server.url}/query?limit=1`, { headers });
    expect(ok.headers.get('access-control-allow-origin')).to.equal('https://maps.example');
    const exposed = (ok.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(',');
    expect(exposed).to.include.members(['etag', 'link', 'x-total-count']);
    expect(ok.headers.get('vary')).to.include('Origin');
    const problem = await fetch(`${server.url}/query?colour=red`, { headers });
    expect(problem.headers.get('access-control-allow-origin')).to.equal('https://maps.example');
    await expectProblem(problem, 400, 'UNKNOWN_PARAMETER');
  });

  it('answers a preflight for POST with JSON, and ignores other origins', async () => {
    const preflight = await fetch(`${server.url}/query`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://maps.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-methods')).to.include('POST');
    expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()).to.include('content-type');
    const other = await fetch(`${server.url}/query?limit=1`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('allows any origin with the default configuration', async () => {
    const open = await startTestServer();
    try {
      const response = await fetch(`${open.url}/query?unique_number=230`, { headers: { Origin: 'https://anyone.example' } });
      expect(response.headers.get('access-control-allow-origin')).to.equal('*');
    } finally {
      await open.close();
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await fetch(`${server.url}/query?region=Africa`);
    const head = await fetch(`${server.url}/query?region=Africa`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(await head.text()).to.equal('');
    for (const name of ['etag', 'x-total-count', 'link', 'content-type', 'content-length'])
      expect(head.headers.get(name), name).to.equal(get.headers.get(name));
  });

  it('answers the same bytes from the answer cache as without it, compressed or not', async () => {
    const uncached = await startTestServer({ answerCacheMb: 0 });
    try {
      for (const qs of ['region=Africa&danger=true', 'q=temple&format=csv', 'near=48.85,2.35&radius_km=300&format=geojson', 'limit=1000']) {
        for (const encoding of ['identity', 'br', 'gzip']) {
          const headers = { 'Accept-Encoding': encoding };
          const [first, second, reference] = await Promise.all([
            rawGet(`${server.url}/query?${qs}`, headers),
            rawGet(`${server.url}/query?${qs}`, headers).then(() => rawGet(`${server.url}/query?${qs}`, headers)),
            rawGet(`${uncached.url}/query?${qs}`, headers),
          ]);
          for (const answer of [first, second]) {
            expect(answer.body.equals(reference.body), `${qs} ${encoding}`).to.equal(true);
            for (const name of ['etag', 'x-total-count', 'link', 'content-type', 'content-encoding'])
              expect(answer.headers[name], `${qs} ${encoding} ${name}`).to.deep.equal(reference.headers[name]);
          }
        }
      }
    } finally {
      await uncached.close();
    }
  });

  // fetch asks for compression, so Koa answers; node:http asks for none, so the search fast path
  // does, from the search's plan kept across datasets (fast-path/search-plans.ts).
  for (const [label, get] of [
    [
      'Koa',
      async (path: string) => fetch(`${server.url}${path}`).then(async (r) => ({ etag: r.headers.get('etag'), body: await r.text() })),
    ],
    [
      'the search fast path',
      async (path: string) => plainRequest(server.url, path).then((r) => ({ etag: r.headers.get('etag'), body: r.body })),
    ],
  ] as const) {
    it(`never answers a new dataset version from the cache of the old one, through ${label}`, async () => {
      const dir = tempDir();
      try {
        const url = '/query?region=Africa&limit=1&fields=unique_number,name_en';
        const before = await get(url);
        const [row] = JSON.parse(before.body) as { unique_number: number; name_en: string }[];
        const text = readDataText();
        const renamed = text.replace(`,${row?.name_en ?? '?'},`, `,Renamed Site ${label},`);
        expect(renamed).to.not.equal(text);
        server.store.replace(await loadDataset(dir.write('renamed.csv', renamed)));
        const after = await get(url);
        expect((JSON.parse(after.body) as { name_en: string }[])[0]?.name_en).to.equal(`Renamed Site ${label}`);
        expect(after.etag).to.not.equal(before.etag);
      } finally {
        // The next case renames a row of the file as it is.
        server.store.replace(await loadDataset(DATA_FILE));
        dir.remove();
      }
    });
  }
});
