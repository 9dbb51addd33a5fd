/**
 * The query language's parameter table (docs/api.md, linked from the README) shows a curl command and its answer for each parameter. Each
 * example is run against the real server on the bundled data; `…` in a shown answer stands for
 * text left out, and ` / ` separates CSV lines.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface Example {
  readonly url: string;
  readonly shown: string;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Query parameters'), readme.indexOf('The same parameters as JSON'));
  const pattern = /`curl -s (['"])(http:\/\/127\.0\.0\.1:3000(?:(?!\1).)+)\1` → ((?:`[^`]+`(?: \/ )?)+)/g;
  return [...table.matchAll(pattern)].map((m) => ({
    url: m[2] ?? '',
    shown: [...(m[3] ?? '').matchAll(/`([^`]+)`/g)].map((part) => part[1]).join('\r\n'),
  }));
}

/** The shown answer, with `…` as "anything", matches the whole of the actual one. */
function matchesShown(actual: string, shown: string): boolean {
  const pieces = shown.split('…');
  let at = 0;
  for (const [i, piece] of pieces.entries()) {
    const found = i === 0 ? (actual.startsWith(piece) ? 0 : -1) : actual.indexOf(piece, at);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return pieces.length > 1 ? actual.endsWith(pieces[pieces.length - 1] ?? '') : at === actual.length;
}

describe('docs/api.md examples', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const examples = readmeExamples();

  it('finds the examples, and its matching can fail', () => {
    expect(examples.length).to.be.at.least(13);
    expect(matchesShown('[{"a":1},{"a":2}]', '[{"a":1},…]')).to.equal(true);
    expect(matchesShown('[{"a":1},{"a":2}]', '[{"a":1}]')).to.equal(false);
    expect(matchesShown('[{"a":1},{"a":2}]', '[{"a":2},…]')).to.equal(false);
  });

  for (const { url, shown } of examples) {
    it(url, async () => {
      const response = await fetch(url.replace('http://127.0.0.1:3000', server.url));
      expect(response.status).to.equal(200);
      const actual = (await response.text()).replace(/\r\n$/, '');
      expect(matchesShown(actual, shown), `docs/api.md shows\n${shown}\nthe server answers\n${actual.slice(0, 600)}`).to.equal(true);
    });
  }
});
