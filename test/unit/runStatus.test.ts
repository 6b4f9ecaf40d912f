import * as assert from 'assert';
import { RUN_STATUSES as FORMAT_STATUSES, type RunStatusValue } from '../../src/core/format/records';
import { RUN_STATUSES, type RunStatus } from '../../src/protocol/runStatus';

// The core and the protocol may not import each other (layer rules): this keeps their status sets one.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameType: Same<RunStatus, RunStatusValue> = true;

describe('the run status vocabulary', () => {
  it('is the same in the run log format and in what panels and the tree show', () => {
    assert.strictEqual(sameType, true);
    assert.deepStrictEqual([...RUN_STATUSES].sort(), [...FORMAT_STATUSES].sort());
  });
});
