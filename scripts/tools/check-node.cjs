/**
 * Refuses an unsupported Node.js with one clear line, before anything fails less clearly (on
 * Node 20, `npm run dev` died with "does not provide an export named 'registerHooks'"). npm runs
 * it before `npm run dev`, `npm start`, `npm run serve`, `npm test` and its tiers (package.json's pre*
 * scripts); src/node-version.ts does the same inside the service and the CLI, for those run by
 * `node` directly. CommonJS and old syntax on purpose: every Node from 14 on must parse it to
 * say it is too old. The supported range is package.json's `engines`, the one npm reads too.
 */
'use strict';
var fs = require('fs');
var path = require('path');

var range = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).engines.node;
var minimum = /^>=\s*(\d+)$/.exec(range);
if (minimum === null) throw new Error('check-node.cjs reads engines.node as ">=N"; package.json has "' + range + '"');
var major = Number(process.versions.node.split('.')[0]);
if (major < Number(minimum[1])) {
  process.stderr.write(
    'whc-api needs Node.js ' +
      minimum[1] +
      ' or later (package.json engines "' +
      range +
      '"); this is Node.js ' +
      process.version +
      ' (' +
      process.execPath +
      ').\n' +
      'Put a supported Node.js first on PATH, e.g. export PATH="$(scripts/tools/node.sh):$PATH" (see README.md).\n',
  );
  process.exit(1);
}
