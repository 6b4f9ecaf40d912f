// Where a run's process is (header `host` and `pid`, and a resumed run's `running` status) is read
// into the index, so that the extension can see that a running run's process is gone.
import * as assert from 'assert';
import * as fs from 'fs';
import { appendEvents, header, workspace } from './support/helpers';

describe('the process of a run', () => {
  it('is read from the header, and a resumed run takes the new process', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('a'), [header('a', { host: 'box', pid: 4242 }), { t: 'status', status: 'running' }]);
    await ws.indexer.sync();
    let run = ws.store.getRun('a')!;
    assert.deepStrictEqual([run.host, run.pid], ['box', 4242]);
    appendEvents(ws.eventsFile('a'), [{ t: 'status', status: 'killed' }, { t: 'status', status: 'running', resumed: true, host: 'gpu-1', pid: 77 }]);
    await ws.indexer.sync();
    run = ws.store.getRun('a')!;
    assert.deepStrictEqual([run.status, run.host, run.pid], ['running', 'gpu-1', 77]);
    assert.deepStrictEqual(ws.problems.messages, []);
    fs.rmSync(ws.root, { recursive: true, force: true });
  });

  it('is unknown without both a host and a positive integer pid', async () => {
    const ws = await workspace();
    const bad: Array<Record<string, unknown>> = [{}, { host: 'box' }, { pid: 5 }, { host: 'box', pid: -1 }, { host: 'box', pid: 1.5 }, { host: 'box', pid: '5' }, { host: 7, pid: 5 }, { host: '', pid: 5 }];
    bad.forEach((extra, i) => appendEvents(ws.eventsFile(`r${i}`), [header(`r${i}`, extra)]));
    await ws.indexer.sync();
    for (let i = 0; i < bad.length; i++) {
      const run = ws.store.getRun(`r${i}`)!;
      assert.deepStrictEqual([run.host, run.pid], [null, null], JSON.stringify(bad[i]));
    }
    fs.rmSync(ws.root, { recursive: true, force: true });
  });
});
