/**
 * The query decoder (src/http/query-params.ts) validates only the parameters a request gives.
 * Its oracle is io-ts's own `t.intersection([t.type({}), t.partial(codecs)])`, which validates
 * every parameter on every request: for any mix of good and bad parameters, the server's 400
 * names the same parameters with the same messages, in the same order.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { FILTER_PARAMETERS, OUTPUT_PARAMETERS, codecsOf } from '../../src/query/parameters.js';
import { expectProblem } from '../helpers/problem.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ORACLE = t.intersection([t.type({}), t.partial({ ...codecsOf(FILTER_PARAMETERS), ...codecsOf(OUTPUT_PARAMETERS) })]);

/** What io-ts reports, as the route's problem names it: the parameter is the last keyed context entry. */
function oracleErrors(params: Record<string, string | string[]>): { parameter: string; detail: string }[] | undefined {
  const decoded = ORACLE.decode(params);
  if (E.isRight(decoded)) return undefined;
  return decoded.left.map((e) => ({
    parameter: [...e.context].reverse().find((c) => c.key !== '' && !/^[0-9]+$/.test(c.key))?.key ?? '?',
    detail: e.message ?? 'is invalid',
  }));
}

/** Values per parameter, good and bad; bad ones of several kinds (malformed, empty, repeated). */
const VALUES: Record<string, (string | string[])[]> = {
  region: ['Africa', '', ['Africa', 'Europe']],
  iso_code: ['it', 'ita', 'it,,fr'],
  danger: ['true', 'maybe'],
  inscribed_from: ['2000', 'abc'],
  inscribed_to: ['2010', '20x0'],
  criterion: ['i', 'xi2'],
  radius_km: ['-1', 'far'],
  sort: ['-date_inscribed', 'colour'],
  limit: ['10', '0', '1e3'],
  format: ['json', 'xml'],
};

const query = (params: Record<string, string | string[]>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  return search.toString();
};

describe('GET /query parameter decoding', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers 400 naming every bad parameter, as io-ts intersection and partial would, in their order', async () => {
    const params = fc
      .dictionary(fc.constantFrom(...Object.keys(VALUES)), fc.constant(null), { minKeys: 1 })
      .chain((names) => fc.record(Object.fromEntries(Object.keys(names).map((name) => [name, fc.constantFrom(...(VALUES[name] ?? []))]))));
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const expected = oracleErrors(p);
        if (expected === undefined) return; // valid for the codecs: the route's other rules may still refuse it
        refused++;
        const problem = await expectProblem(await fetch(`${server.url}/query?${query(p)}`), 400, 'INVALID_PARAMETER');
        expect(problem['errors']).to.deep.equal(expected);
      }),
      { numRuns: 150 },
    );
    expect(refused, 'cases with bad parameters').to.be.above(50);
  });
});
