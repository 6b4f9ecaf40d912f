import * as assert from 'assert';
import { effectiveStatus, silenceTimeout } from '../../src/core/status';

describe('effective run status', () => {
  it('shows a silent running run as killed after the timeout, and as running again once it writes', () => {
    assert.strictEqual(effectiveStatus('running', 1000, 1100, 120), 'running');
    assert.strictEqual(effectiveStatus('running', 1000, 1121, 120), 'killed');
    assert.strictEqual(effectiveStatus('finished', 0, 1e9, 120), 'finished');
    assert.strictEqual(effectiveStatus('running', null, 1e9, 120), 'running');
  });

  it('gives other trackers more silence, and a quiet DVCLive run (no end marker) counts as finished', () => {
    assert.strictEqual(silenceTimeout('labbook', 120), 120);
    assert.strictEqual(silenceTimeout('tensorboard', 120), 600);
    assert.strictEqual(silenceTimeout('mlflow', 900), 900);
    assert.strictEqual(effectiveStatus('running', 0, 10_000, 600, 'dvclive'), 'finished');
    assert.strictEqual(effectiveStatus('running', 0, 10_000, 600, 'tensorboard'), 'killed');
  });
});
