/**
 * Runs one test tier (test/tiers.ts): `tsx scripts/test/tier.ts unit|http|slow [mocha options]`.
 * Mocha is given the tier's files; its settings come from .mocharc.json as for `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TIERS, testFiles, tierOf, type Tier } from '../../test/tiers.js';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const [tier, ...mochaOptions] = process.argv.slice(2);
if (tier === undefined || !(tier in TIERS)) {
  console.error(`usage: tier.ts ${Object.keys(TIERS).join('|')} [mocha options]; got ${JSON.stringify(tier)}`);
  process.exit(2);
}
const files = testFiles(root, (dir) => readdirSync(dir, { withFileTypes: true })).filter((file) => tierOf(file) === (tier as Tier));
const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const run = spawnSync(process.execPath, [mocha, ...mochaOptions, ...files], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
