import * as assert from 'assert';
import { effectiveStatus, processGone, runStatus, silenceTimeout } from '../../src/core/status';

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

describe('a running run whose process is gone', () => {
  const alive = new Set([100]);
  const local = { host: 'box', isAlive: (pid: number) => alive.has(pid) };
  const run = (over: Partial<Parameters<typeof runStatus>[0]> = {}) => ({ status: 'running' as const, lastActivity: 1000, source: 'labbook', host: 'box', pid: 200, ...over });

  it('is killed at once when it ran on this machine and its process no longer exists', () => {
    assert.strictEqual(processGone(run(), local), true);
    assert.strictEqual(runStatus(run(), 1001, 120, local), 'killed');
    assert.strictEqual(runStatus(run({ pid: 100 }), 1001, 120, local), 'running', 'its process is still there');
  });

  it('waits for the heartbeat timeout on another machine, without a process in the header, and for other trackers', () => {
    for (const over of [{ host: 'other' }, { host: null, pid: null }, { pid: null }, { source: 'mlflow' }, {}]) {
      const localOrNone = Object.keys(over).length ? local : undefined;
      assert.strictEqual(runStatus(run(over), 1001, 120, localOrNone), 'running', JSON.stringify(over));
      assert.strictEqual(runStatus(run({ ...over, source: 'labbook' }), 1121, 120, localOrNone), 'killed', 'the timeout still holds');
    }
  });

  it('leaves a run that ended alone', () => {
    assert.strictEqual(runStatus(run({ status: 'finished' }), 1001, 120, local), 'finished');
    assert.strictEqual(runStatus(run({ status: 'failed' }), 1e9, 120, local), 'failed');
  });
});
