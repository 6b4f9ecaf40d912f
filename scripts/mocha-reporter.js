// Mocha's spec reporter plus one closing line that any CI can count: "<tier>: N passed, M failed".
// The tier name comes from LABBOOK_TEST_TIER (default "unit").
'use strict';
const Mocha = require('mocha');

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = this.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`${process.env.LABBOOK_TEST_TIER || 'unit'}: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}
module.exports = CountingSpec;
