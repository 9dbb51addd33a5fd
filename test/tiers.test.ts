/**
 * The tiers of test/tiers.ts stay true: every pattern names files that exist, and no unit test
 * imports what makes a test slow (a server, a child process, a browser, the container tools).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { TIERS, testFiles, tierOf } from './tiers.js';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
/** What a unit test must not import: each starts servers, processes or browsers. */
const SLOW_IMPORTS =
  /from '(node:child_process|node:http|node:net|\.\.?\/(\.\.\/)*(helpers\/)?(test-server|service-process|node-process|browser|raw-http|plain-request|attack|served-document)\.js|\.\.?\/(\.\.\/)*src\/server\.js)'/;

describe('test tiers (test/tiers.ts)', () => {
  const files = testFiles(ROOT, (dir) => readdirSync(dir, { withFileTypes: true }));

  it('puts every test file in one tier, and every pattern matches a file', () => {
    expect(files.length).to.be.above(40);
    for (const [tier, patterns] of Object.entries(TIERS)) {
      for (const pattern of patterns) {
        const matched = files.filter((f) => (pattern.endsWith('/**') ? f.startsWith(pattern.slice(0, -2)) : f === pattern));
        expect(matched, `${tier}: ${pattern}`).to.not.be.empty;
      }
    }
    expect(files.map(tierOf).filter((t) => t === 'unit').length, 'unit tests').to.be.above(10);
  });

  it('keeps servers, processes and browsers out of the unit tier', () => {
    const slow = files.filter((f) => tierOf(f) === 'unit').filter((f) => SLOW_IMPORTS.test(readFileSync(`${ROOT}/${f}`, 'utf8')));
    expect(slow, 'unit tests that import a server, process or browser helper: list them in TIERS.http or TIERS.slow').to.deep.equal([]);
  });
});
