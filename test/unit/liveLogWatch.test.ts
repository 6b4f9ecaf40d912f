import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LiveLogWatch, MAX_LIVE_LOGS } from '../../src/liveLogWatch';
import type { RunRow } from '../../src/core/store/store';

const run = (folder: string, status: RunRow['status'], lastActivity = 0, source = 'labbook'): RunRow => ({
  id: 0, uid: folder, experiment: 'p', name: folder, description: '', status, statusMessage: null, startTime: 0, endTime: null,
  lastActivity, note: '', folder, source, formatVersion: 1, pointCount: 0, deleted: false, archived: false,
});

/** Resolves with the first file `heard` is called with, or rejects after `ms`. */
function heardWithin(ms: number, start: (heard: (file: string) => void) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing heard within ${ms} ms`)), ms);
    start((file) => {
      clearTimeout(timer);
      resolve(file);
    });
  });
}

describe('live run logs watched directly', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-livelog-'));
    for (const name of ['a', 'b']) {
      fs.mkdirSync(path.join(root, 'labbook', name), { recursive: true });
      fs.writeFileSync(path.join(root, 'labbook', name, 'events.jsonl'), '{"t":"header"}\n');
    }
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("hears a running run's appended line at once, without polling", async () => {
    let onChange: (file: string) => void = () => undefined;
    const watch = new LiveLogWatch(root, (f) => onChange(f));
    try {
      watch.update([run('labbook/a', 'running'), run('labbook/b', 'finished')]);
      const file = path.join(root, 'labbook', 'a', 'events.jsonl');
      assert.deepStrictEqual(watch.files, [file], 'only the running run is watched');
      const started = Date.now();
      const heard = await heardWithin(2000, (h) => {
        onChange = h;
        fs.appendFileSync(file, '{"t":"metrics","step":1,"values":{"x":1}}\n');
      });
      assert.strictEqual(heard, file);
      assert.ok(Date.now() - started < 1000, `heard after ${Date.now() - started} ms`);
    } finally {
      watch.dispose();
    }
  });

  it('stops watching a run once it ends, and never watches more than its cap, the latest writers first', () => {
    const watch = new LiveLogWatch(root, () => undefined);
    try {
      watch.update([run('labbook/a', 'running'), run('labbook/b', 'running', 5)]);
      assert.strictEqual(watch.files.length, 2);
      watch.update([run('labbook/a', 'finished'), run('labbook/b', 'running', 5)]);
      assert.deepStrictEqual(watch.files, [path.join(root, 'labbook', 'b', 'events.jsonl')]);
      const many = Array.from({ length: MAX_LIVE_LOGS + 5 }, (_, i) => {
        fs.mkdirSync(path.join(root, 'labbook', `r${i}`), { recursive: true });
        fs.writeFileSync(path.join(root, 'labbook', `r${i}`, 'events.jsonl'), '');
        return run(`labbook/r${i}`, 'running', i);
      });
      watch.update(many);
      assert.strictEqual(watch.files.length, MAX_LIVE_LOGS);
      assert.ok(watch.files.includes(path.join(root, 'labbook', `r${MAX_LIVE_LOGS + 4}`, 'events.jsonl')), 'the latest writer is watched');
      assert.ok(!watch.files.includes(path.join(root, 'labbook', 'r0', 'events.jsonl')), 'the quietest is left to the poll');
      // Other trackers' runs are read by their importers, not through their own log.
      watch.update([run('mlruns/1/x', 'running', 0, 'mlflow')]);
      assert.deepStrictEqual(watch.files, []);
    } finally {
      watch.dispose();
    }
  });

  it('lets a missing log be (the poll still finds it)', () => {
    const watch = new LiveLogWatch(root, () => undefined);
    try {
      watch.update([run('labbook/gone', 'running')]);
      assert.deepStrictEqual(watch.files, []);
    } finally {
      watch.dispose();
    }
  });
});
