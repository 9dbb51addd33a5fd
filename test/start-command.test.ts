/**
 * The production start command is written twice, in the image (Dockerfile's CMD) and in
 * `npm start`; both must run Node the same way, SIGUSR1's inspector off (issue 24), the young
 * generation at 8 MB semi-spaces (issue 26.3; test/build/bundle.test.ts checks what it does) and
 * from the startup snapshot `npm run build` makes (issue 26.5; test/build/snapshot.test.ts checks
 * what it serves), and the bench starts the service with them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { productionArgv } from '../scripts/bench/processes.js';

const root = new URL('../', import.meta.url);

describe('the production start command', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const production = dockerfile.slice(dockerfile.indexOf('AS production'));
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(production)?.[1] ?? 'null') as string[] | null;
  const start = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts['start'];

  it("is the same in the image's CMD and in npm start", () => {
    expect(cmd).to.be.an('array');
    expect(start?.split(' ')).to.deep.equal(cmd);
  });

  it('starts Node with --disable-sigusr1 and an 8 MB young generation, from the startup snapshot', () => {
    expect(cmd?.slice(0, 3)).to.deep.equal(['node', '--disable-sigusr1', '--max-semi-space-size=8']);
    expect(cmd?.slice(-2)).to.deep.equal(['--snapshot-blob', 'dist/snapshot/whc-api.blob']);
  });

  it('is how the bench starts the service', () => {
    expect(['node', ...productionArgv()]).to.deep.equal(cmd);
  });
});
