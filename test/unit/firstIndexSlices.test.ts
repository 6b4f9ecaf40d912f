// The first index of a big log shows its run while the log is still being read: the index engine
// hands the changes of each committed slice to the host (at most a few times a second), a rebuild's
// progress moves on inside one big file, and a huge TensorBoard event file is stored in parts whose
// sum equals the file read whole.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IngestChanges } from '../../src/core/ingest/changes';
import { ChangeSlices } from '../../src/core/ingest/changeSlices';
import { ImportIndex, READ_IN_PART } from '../../src/core/ingest/importIndex';
import { importFinders } from '../../src/core/importers/finders';
import { ProblemList } from '../../src/core/problems';
import type { SeriesRow } from '../../src/core/store/store';
import { Store } from '../../src/core/store/store';
import { openInProcess } from '../../src/core/worker/indexConnection';
import { IndexEngine } from '../../src/core/worker/indexEngine';
import type { ProgressMessage } from '../../src/core/worker/messages';
import { header, loadSql, tempDir } from './support/helpers';
import { event, fileVersionEvent, simple, tfrecord } from './support/tfevents';

/** Steps of the big native log: about 16 MB, four of the tailer's 4 MB chunks. */
const STEPS = 220_000;

/** One run log of STEPS metrics lines of one key (`loss`), written in blocks. */
function writeBigLog(root: string): string {
  const file = path.join(root, 'labbook', 'big', 'events.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `${JSON.stringify(header('big'))}\n`);
  for (let from = 0; from < STEPS; from += 20_000) {
    const lines: string[] = [];
    for (let s = from; s < Math.min(STEPS, from + 20_000); s++) lines.push(`{"t":"metrics","step":${s},"time":${1_700_000_000 + s},"values":{"loss":${(1 / (s + 1)).toFixed(6)}}}`);
    fs.writeSync(fd, lines.join('\n') + '\n');
  }
  fs.closeSync(fd);
  return file;
}

/** One TensorBoard run of `steps` scalars of two tags, tag names long enough to make the file about 24 MB. */
function writeBigEventFile(root: string, steps: number): void {
  const dir = path.join(root, 'runs', 'big');
  fs.mkdirSync(dir, { recursive: true });
  const tags = ['train/' + 'loss'.repeat(40), 'val/' + 'acc'.repeat(50)];
  const parts: Buffer[] = [fileVersionEvent(1_700_000_000)];
  for (let s = 0; s < steps; s++) for (const [k, tag] of tags.entries()) parts.push(tfrecord(event({ wall: 1_700_000_000 + s, step: s, values: [simple(tag, k + 1 / (s + 1))] })));
  fs.writeFileSync(path.join(dir, 'events.out.tfevents.1700000000.host.1.0'), Buffer.concat(parts));
}

const points = (series: readonly SeriesRow[]): number => series.reduce((n, s) => n + s.count, 0);

describe('first index of a big log: the run shows while the log is read', function () {
  this.timeout(120_000);
  const roots: string[] = [];
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  it('hands the host the run with part of its points before the whole log is read, and all of them by the end', async () => {
    const root = tempDir();
    roots.push(root);
    writeBigLog(root);
    /** What the host could read each time it heard of changes: the run list and the run's points. */
    const heard: Array<{ runs: number; points: number; answered: boolean }> = [];
    let answered = false;
    let id = 10;
    const engine: IndexEngine = new IndexEngine(await loadSql(), new ProblemList(), {
      changes: () => {
        heard.push({ runs: 0, points: 0, answered });
        const at = heard.length - 1;
        // Read at once, as the host does when it hears of them: reads answer from the index as it is now.
        void engine.handle({ id: id++, op: 'listSeries', uid: 'big' }).then((a) => {
          heard[at].points = points(a.result as SeriesRow[]);
        });
        void engine.handle({ id: id++, op: 'listRuns' }).then((a) => {
          heard[at].runs = (a.result as unknown[]).length;
        });
      },
      progress: () => undefined,
      alerts: () => undefined,
    });
    await engine.handle({ id: 1, op: 'open', params: { root, logRoot: 'labbook', persistent: false } });
    try {
      await engine.handle({ id: 2, op: 'sync', imports: false });
      answered = true;
      await new Promise((r) => setImmediate(r));
      const first = heard[0];
      assert.ok(first, 'the host heard of changes');
      assert.equal(first.answered, false, 'the first changes came before the sync answered');
      assert.equal(first.runs, 1, 'the run is listed after the first slice');
      assert.ok(first.points > 0 && first.points < STEPS, `the run holds part of its points then (${first.points} of ${STEPS})`);
      const { result } = await engine.handle({ id: 3, op: 'listSeries', uid: 'big' });
      assert.equal(points(result as SeriesRow[]), STEPS, 'every point is in by the end');
      assert.deepEqual(heard.map((h) => h.points), [...heard.map((h) => h.points)].sort((a, b) => a - b), 'the points only grow');
    } finally {
      await engine.handle({ id: 4, op: 'close' });
    }
  });

  it('moves a rebuild\'s progress on inside one big log, with the points read so far', async () => {
    const root = tempDir();
    roots.push(root);
    writeBigLog(root);
    const reports: ProgressMessage[] = [];
    const engine = new IndexEngine(await loadSql(), new ProblemList(), { changes: () => undefined, progress: (p) => reports.push(p), alerts: () => undefined });
    await engine.handle({ id: 1, op: 'open', params: { root, logRoot: 'labbook', persistent: false } });
    try {
      await engine.handle({ id: 2, op: 'rebuild' });
      const inside = reports.filter((p) => p.files === 0 && p.points > 0 && p.points < STEPS);
      assert.ok(inside.length >= 1, `a report while the only log was read: ${JSON.stringify(reports)}`);
      assert.ok(reports.every((p, i) => i === 0 || p.points >= reports[i - 1].points), 'points only grow');
      assert.equal(reports.at(-1)!.points, STEPS);
    } finally {
      await engine.handle({ id: 3, op: 'close' });
    }
  });

  it('lets the host drain the changes of a request that is still under way', async () => {
    const root = tempDir();
    roots.push(root);
    writeBigLog(root);
    const c = await openInProcess(await loadSql(), { root, logRoot: 'labbook', persistent: false }, new ProblemList());
    try {
      const early: IngestChanges[] = [];
      let answered = false;
      c.onArrival(() => {
        if (!answered) early.push(c.drain().changes);
      });
      const rest = await c.sync(undefined, { imports: false, force: false });
      answered = true;
      assert.ok(early.length >= 1 && early[0].runs.has('big'), 'the run came before the answer');
      assert.equal(early[0].points.get('big')?.get('loss'), 0, 'from its first step');
      // Each change is heard once: the answer holds only what came after the last early one.
      const steps = [...early.slice(1), rest.changes].map((ch) => ch.points.get('big')?.get('loss')).filter((s) => s !== undefined);
      assert.ok(steps.every((s) => s! > 0), `later changes start past the first slice: ${steps.join(', ')}`);
    } finally {
      await c.close();
    }
  });

  it('stores a huge TensorBoard event file in parts, each shown as it is read, that add up to the file read whole', async () => {
    const root = tempDir();
    roots.push(root);
    const steps = 50_000;
    writeBigEventFile(root, steps);
    const SQL = await loadSql();
    const sliced = (await Store.open(SQL)).store;
    const whole = (await Store.open(SQL)).store;
    const problems = new ProblemList();
    const parts: number[] = [];
    const sent: IngestChanges[] = [];
    const prints: Array<string | undefined> = [];
    const index = new ImportIndex(sliced, root, importFinders(SQL, { sources: new Set(['tensorboard']) }), problems, 0, {
      everyMs: 0,
      send: (c) => {
        sent.push(c);
        const run = sliced.getRun('tensorboard:runs/big');
        parts.push(run ? points(sliced.listSeries(run.id)) : 0);
        prints.push(sliced.getImportUnit('tensorboard:runs/big')?.fingerprint);
      },
    });
    const rest = await index.sync(true);
    await new ImportIndex(whole, root, importFinders(SQL, { sources: new Set(['tensorboard']) }), problems).sync(true);
    assert.deepEqual(problems.messages, []);
    assert.ok(parts.length >= 2, `the run was handed over in parts: ${parts.join(', ')}`);
    assert.ok(parts[0] > 0 && parts[0] < 2 * steps, 'the first part holds some of the points');
    // A crash while parts were stored would leave the unit to be read again, whole.
    assert.deepEqual(prints.slice(0, -1), prints.slice(0, -1).map(() => READ_IN_PART));
    assert.ok(sent[0].runs.has('tensorboard:runs/big'));
    assert.ok(!rest.reset.has('tensorboard:runs/big') && sent.every((c) => c.reset.size === 0), 'later parts append: no reset');
    const a = sliced.getRun('tensorboard:runs/big')!;
    const b = whole.getRun('tensorboard:runs/big')!;
    const seriesA = sliced.listSeries(a.id);
    assert.deepEqual(seriesA.map((s) => [s.key, s.count]), whole.listSeries(b.id).map((s) => [s.key, s.count]));
    for (const s of seriesA) {
      const other = whole.listSeries(b.id).find((x) => x.key === s.key)!;
      assert.deepEqual(sliced.getPoints(s.id, -Infinity), whole.getPoints(other.id, -Infinity));
    }
    assert.equal(sliced.getImportUnit('tensorboard:runs/big')!.fingerprint, whole.getImportUnit('tensorboard:runs/big')!.fingerprint);
    sliced.close();
    whole.close();
  });

  it('hands over the first slice of a read that goes on at once, later ones at most every everyMs', () => {
    let now = 0;
    const sent: IngestChanges[] = [];
    const out = new ChangeSlices({ everyMs: 250, send: (c) => sent.push(c), now: () => now });
    out.changes.runs.add('a');
    out.committed(false);
    assert.equal(sent.length, 0, 'a small read that is over waits for its answer');
    out.committed(true);
    assert.equal(sent.length, 1, 'the first slice of a long read goes at once');
    now = 100;
    out.changes.runs.add('a');
    out.committed(true);
    assert.equal(sent.length, 1, 'then not more often than everyMs');
    now = 260;
    out.committed(true);
    assert.equal(sent.length, 2);
    now = 1000;
    out.committed(true);
    assert.equal(sent.length, 2, 'nothing new, nothing sent');
    out.changes.removed.add('b');
    assert.deepEqual([...out.rest().removed], ['b']);
  });
});
