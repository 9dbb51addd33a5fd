/**
 * Mocha's spec reporter, plus machine-readable counts: when MOCHA_STATS_FILE is set, each run
 * appends one JSON line with mocha's own stats (passes, failures, pending, tests, duration).
 * .ci/run sums those lines instead of grepping the spec text for "N passing". CommonJS because
 * mocha loads reporters with require().
 */
'use strict';
const { appendFileSync } = require('node:fs');
const Mocha = require('mocha');

class SpecWithStats extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = process.env.MOCHA_STATS_FILE;
    if (file === undefined || file === '') return;
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending, tests, duration } = this.stats;
      appendFileSync(file, `${JSON.stringify({ passes, failures, pending, tests, duration })}\n`);
    });
  }
}

module.exports = SpecWithStats;
