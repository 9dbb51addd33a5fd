/**
 * An unsupported Node.js is refused with one clear line by every entry point: npm's scripts
 * (scripts/tools/check-node.cjs, run by package.json's pre* scripts), `npm ci` (.npmrc's
 * engine-strict), and the service and CLI run by `node` directly (src/node-version.ts, their
 * first import). The old Node is the machine's own, when it has one older than the project's.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MINIMUM_NODE_MAJOR } from '../src/node-version.js';
import { tempDir } from './helpers/temp-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A Node.js installed by the system, usually older than the project's (the CI machines have Node 20). */
const SYSTEM_NODE = '/usr/bin/node';
const ENGINES = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { engines: { node: string } }).engines.node;
const MESSAGE = new RegExp(
  `^whc-api needs Node\\.js ${MINIMUM_NODE_MAJOR} or later \\(package\\.json engines[^)]*\\); this is Node\\.js v`,
);

interface Finished {
  readonly code: number | null;
  readonly stderr: string;
}

/**
 * Runs a command in the repository with only the system's bin folders on PATH (so `node` and
 * `npm` are the system's), in a process group killed after `ms`: an entry point the check
 * failed to stop (a dev server) must not outlive the test.
 */
function run(command: string, args: readonly string[], cwd = ROOT, ms = 60_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), ms);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('an unsupported Node.js', function () {
  this.timeout(120_000);

  it("src/node-version.ts's minimum is package.json's engines (the one npm reads)", () => {
    expect(ENGINES).to.equal(`>=${MINIMUM_NODE_MAJOR}`);
  });

  it("the supported Node running the tests passes the npm scripts' check silently", async () => {
    const result = await new Promise<Finished>((resolve, reject) => {
      const child = spawn(process.execPath, ['scripts/tools/check-node.cjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result).to.deep.equal({ code: 0, stderr: '' });
  });

  describe(`the system's ${SYSTEM_NODE}`, () => {
    before(async function () {
      if (!existsSync(SYSTEM_NODE)) {
        console.log(`      skipped: no ${SYSTEM_NODE} on this machine`);
        this.skip();
      }
      const version = await new Promise<string>((resolve, reject) => {
        const child = spawn(SYSTEM_NODE, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(out.trim()));
      });
      if (Number(/^v(\d+)/.exec(version)?.[1]) >= MINIMUM_NODE_MAJOR) {
        console.log(`      skipped: ${SYSTEM_NODE} is ${version}, which the project supports`);
        this.skip();
      }
    });

    for (const script of ['dev', 'start', 'serve', 'test', 'test:unit', 'test:http', 'test:slow']) {
      it(`npm run ${script}: exits 1 with the message, before the script itself runs`, async () => {
        const result = await run('npm', ['run', script]);
        expect(result.stderr, result.stderr).to.match(new RegExp(MESSAGE.source, 'm'));
        expect(result.stderr).to.include('scripts/tools/node.sh');
        expect(result.code).to.equal(1);
      });
    }

    it('npm ci refuses to install (engine-strict in .npmrc), where it only warned', async () => {
      const dir = tempDir();
      try {
        for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(`${ROOT}/${file}`, `${dir.path}/${file}`);
        const result = await run('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], dir.path);
        expect(result.stderr).to.include('EBADENGINE').and.include(`"node":"${ENGINES}"`);
        expect(result.code).to.not.equal(0);
      } finally {
        dir.remove();
      }
    });

    for (const [name, entry] of [
      ['the service (src/main.ts)', 'src/main.ts'],
      ['the CLI (src/cli/data.ts)', 'src/cli/data.ts'],
    ] as const) {
      it(`${name} run by node directly: exits 1 with the message and nothing else`, async () => {
        const result = await run(SYSTEM_NODE, ['--import', 'tsx', entry, '--help']);
        expect(result.stderr).to.match(MESSAGE);
        expect(result.stderr.trim().split('\n')).to.have.length(1);
        expect(result.code).to.equal(1);
      });
    }
  });
});
