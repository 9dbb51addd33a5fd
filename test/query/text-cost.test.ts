/**
 * The cost of search text: tag stripping examines each character a bounded number of times
 * (counted, not timed), agrees with the regex it replaces, and inputs are capped before it runs.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_ELEMENT_LENGTH, MAX_VALUE_LENGTH } from '../../src/query/param-codecs.js';
import { stripTags } from '../../src/query/text.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { expectProblem } from '../helpers/problem.js';

/** The original definition, as the oracle: right, but quadratic when no `>` follows the `<`s. */
const regexStrip = (html: string) => html.replace(/<[^>]*>/g, ' ');

/** Strings made of the characters that matter to tags, in runs: the shapes that make regexes backtrack. */
const adversarial = fc
  .array(fc.tuple(fc.constantFrom('<', '>', '<a', 'a>', '</', ' ', '&lt;', 'x', '<<>', '\n'), fc.integer({ min: 1, max: 40 })), {
    maxLength: 30,
  })
  .map((runs) => runs.map(([piece, count]) => piece.repeat(count)).join(''));

function examined(html: string): number {
  let total = 0;
  stripTags(html, (n) => (total += n));
  return total;
}

describe('stripTags', () => {
  it('agrees with /<[^>]*>/g on adversarial and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(adversarial, fc.string({ maxLength: 200 })), (html) => stripTags(html) === regexStrip(html)),
      { numRuns: 2000 },
    );
  });

  it('examines each character at most once, whatever the input (an operation count, not a timing)', () => {
    fc.assert(
      fc.property(adversarial, (html) => examined(html) <= html.length),
      { numRuns: 2000 },
    );
    for (const attack of ['<'.repeat(16_000), '<a'.repeat(8000), `${'<'.repeat(8000)}>`, '<>'.repeat(8000)]) {
      expect(examined(attack), attack.slice(0, 6)).to.be.at.most(attack.length);
    }
  });
});

describe('length caps on parameters and list elements (HTTP)', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  it('answers 400 for a list element over the cap, before any text work: the issue\'s 16,000 "<" state', async () => {
    const post = (body: object) =>
      fetch(`${server.url}/query`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    for (const parameter of ['state', 'region']) {
      const problem = await expectProblem(await post({ [parameter]: '<'.repeat(16_000) }), 400, 'INVALID_PARAMETER');
      expect(JSON.stringify(problem)).to.include(`at most ${MAX_ELEMENT_LENGTH}`);
    }
    const justOver = await fetch(`${server.url}/query?state=${'a'.repeat(MAX_ELEMENT_LENGTH + 1)}`);
    await expectProblem(justOver, 400, 'INVALID_PARAMETER');
    const atCap = await fetch(`${server.url}/query?state=${'a'.repeat(MAX_ELEMENT_LENGTH)}`);
    expect(atCap.status).to.equal(200);
  });

  it('caps every single-valued parameter too', async () => {
    for (const parameter of ['sort', 'bbox', 'near', 'cursor']) {
      const problem = await expectProblem(
        await fetch(`${server.url}/query?${parameter}=${'1'.repeat(MAX_VALUE_LENGTH + 1)}`),
        400,
        'INVALID_PARAMETER',
      );
      expect(JSON.stringify(problem), parameter).to.include(`at most ${MAX_VALUE_LENGTH}`);
    }
  });
});
