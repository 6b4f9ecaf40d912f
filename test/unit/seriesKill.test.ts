import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Store } from '../../src/core/store/store';
import { Indexer } from '../../src/core/ingest/indexer';
import { ProblemList } from '../../src/core/problems';
import { loadSql } from './support/helpers';
import { appendEvents, header, tempDir, workspace } from './support/helpers';

/** Every series of every run as the store reads it: all points, and range reads at a few widths. */
function snapshot(store: Store): unknown {
  return store.listRuns().map((run) => ({
    uid: run.uid,
    pointCount: run.pointCount,
    series: store.listSeries(run.id).map((s) => {
      const pts = store.getPoints(s.id);
      const view = (x0: number, x1: number, w: number) => {
        const r = store.getRange(s.id, x0, x1, w);
        return { bucket: r.bucket, steps: [...r.steps], values: [...r.values] };
      };
      return {
        key: s.key, count: s.count, lastStep: s.lastStep, firstStep: s.firstStep, last: s.last, min: s.min, max: s.max,
        steps: pts.steps, values: pts.values, times: pts.times,
        views: [view(-Infinity, Infinity, 2000), view(-Infinity, Infinity, 37), view(1234.5, 98_765, 640), view(5000, 5100, 10)],
      };
    }),
  }));
}

describe('store: series files survive SIGKILL', () => {
  it('loses, duplicates or changes no point when killed during appends, pyramid updates and saves, and reads equal a fresh rebuild', async function () {
    this.timeout(300_000);
    const root = tempDir();
    const f = path.join(root, 'labbook', 'r', 'events.jsonl');
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    const worker = path.join(__dirname, 'support', 'seriesKillWorker.js');
    appendEvents(f, [header('r')]);
    const perRound = 25_000;
    let step = 0;
    let killedMidIngest = 0;
    for (let round = 0; round < 7; round++) {
      // Each round the run logs more: two metrics in step order, one whose steps go backwards (rewrites), a NaN now and then.
      const lines: object[] = [];
      for (let i = 0; i < perRound; i++, step++) {
        lines.push({ t: 'metrics', step, time: 1_700_000_000 + step, values: { loss: step % 997 === 0 ? 'NaN' : 1 / (step + 1), acc: Math.sin(step / 100) } });
        if (i % 50 === 0) lines.push({ t: 'metrics', step: 1_000_000 - step, values: { back: step } });
      }
      appendEvents(f, lines);
      const child = spawn(process.execPath, [worker, root, indexFile], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 40 + ((round * 337) % 1400)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (!out.includes('saved')) killedMidIngest++;
    }
    assert.ok(killedMidIngest > 0, 'some kills landed while the round\'s points were being written');
    const ws = await workspace({ root, indexFile });
    await ws.indexer.sync();
    const run = ws.store.getRun('r')!;
    const byKey = new Map(ws.store.listSeries(run.id).map((s) => [s.key, s]));
    assert.strictEqual(byKey.get('loss')!.count, step);
    assert.strictEqual(byKey.get('back')!.count, step / 50);
    const steps = ws.store.getPoints(byKey.get('acc')!.id).steps;
    assert.ok(steps.every((s, i) => s === i), 'every step once, in order');
    const fresh = await workspace({ root });
    await fresh.indexer.sync();
    assert.deepStrictEqual(snapshot(ws.store), snapshot(fresh.store));
    ws.store.close();
    fresh.store.close();
  });

  it('loses, duplicates or changes no point when killed part-way through a point append or a pyramid update, and finds no damage', async function () {
    this.timeout(300_000);
    const root = tempDir();
    const f = path.join(root, 'labbook', 'r', 'events.jsonl');
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    const worker = path.join(__dirname, 'support', 'seriesKillWorker.js');
    appendEvents(f, [header('r')]);
    // Where each round's kill lands: the points files, the first pyramid level, the higher levels (updated more rarely), any series file.
    const targets = ['\\.points$', '\\.level1$', '\\.level[2-7]$', '\\.level[3-7]$', '.'];
    let seed = 12345;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647);
    let step = 0;
    const killedAt: string[] = [];
    const problems: string[] = [];
    for (let round = 0; round < 10; round++) {
      const lines: object[] = [];
      for (let i = 0; i < 12_000; i++, step++) {
        lines.push({ t: 'metrics', step, time: 1_700_000_000 + step, values: { loss: step % 997 === 0 ? 'NaN' : 1 / (step + 1), acc: Math.sin(step / 100) } });
        if (i % 50 === 0) lines.push({ t: 'metrics', step: 1_000_000 - step, values: { back: step } });
      }
      appendEvents(f, lines);
      const target = targets[round % targets.length];
      // Odd rounds read the log in big chunks and kill during a write of records crossing page boundaries (torn part-way);
      // even rounds kill during any write (records, chunk trailers, headers).
      const big = round % 2 === 1;
      const env = {
        ...process.env, LABBOOK_KILL_FILES: target, LABBOOK_KILL_AT: String(1 + (random() % (big ? 3 : target.includes('[3') ? 4 : 24))),
        LABBOOK_KILL_SEED: String(random()), LABBOOK_CHUNK_BYTES: big ? '1048576' : '65536', LABBOOK_KILL_MIN_BYTES: big ? '8192' : '0',
      };
      const child = spawn(process.execPath, [worker, root, indexFile], { stdio: ['ignore', 'pipe', 'inherit'], env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      // A kill that did not land (fewer such writes this round) is made after a few saves.
      const timer = setInterval(() => (out.split('saved').length > 3 ? child.kill('SIGKILL') : undefined), 50);
      await exited;
      clearInterval(timer);
      killedAt.push(...out.split('\n').filter((l) => l.startsWith('killed writing')));
      problems.push(...out.split('\n').filter((l) => l.startsWith('problem:')));
    }
    const landed = (re: RegExp) => killedAt.filter((l) => re.test(l.split(' ')[2])).length;
    assert.ok(landed(/\.points$/) >= 2, `kills during point appends: ${killedAt.join('; ')}`);
    assert.ok(landed(/\.level1$/) >= 2, `kills during first-level pyramid updates: ${killedAt.join('; ')}`);
    assert.ok(landed(/\.level[2-7]$/) >= 2, `kills during higher-level pyramid updates: ${killedAt.join('; ')}`);
    assert.ok(killedAt.some((l) => !/: 0 of/.test(l) && !/: (\d+) of \1 bytes/.test(l)), `some writes torn part-way: ${killedAt.join('; ')}`);
    const list = new ProblemList();
    const ws = await workspace({ root, indexFile });
    ws.store.onSeriesDamage(list);
    await new Indexer(ws.store, root, 'labbook', list).sync();
    const run = ws.store.getRun('r')!;
    const byKey = new Map(ws.store.listSeries(run.id).map((s) => [s.key, s]));
    assert.strictEqual(byKey.get('loss')!.count, step);
    assert.strictEqual(byKey.get('back')!.count, step / 50);
    assert.ok(ws.store.getPoints(byKey.get('acc')!.id).steps.every((s, i) => s === i), 'every step once, in order');
    const fresh = await workspace({ root });
    await fresh.indexer.sync();
    assert.deepStrictEqual(snapshot(ws.store), snapshot(fresh.store));
    assert.deepStrictEqual([...problems, ...list.messages], [], 'a kill never leaves a file that looks damaged');
    ws.store.close();
    fresh.store.close();
  });

  it('reads a run again from its log when its series file is missing or cut short', async () => {
    const root = tempDir();
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    const ws = await workspace({ root, indexFile });
    appendEvents(ws.eventsFile('r'), [header('r'), ...Array.from({ length: 300 }, (_, i) => ({ t: 'metrics', step: i, values: { loss: i, acc: -i } }))]);
    await ws.indexer.sync();
    await ws.store.save();
    const want = snapshot(ws.store);
    ws.store.close();
    const dir = `${indexFile}.series`;
    const [first, second] = fs.readdirSync(dir).filter((n) => n.endsWith('.points'));

    fs.rmSync(path.join(dir, first));
    let again = await workspace({ root, indexFile });
    await again.indexer.sync();
    assert.deepStrictEqual(snapshot(again.store), want, 'missing file');
    await again.store.save();
    again.store.close();

    // Cut short: noticed by the thorough check after an unclean shutdown (the open mark is left).
    const pts = fs.readdirSync(dir).filter((n) => n.endsWith('.points')).find((n) => n !== first) ?? second;
    fs.truncateSync(path.join(dir, pts), 24 * 100);
    fs.writeFileSync(`${indexFile}.open`, '999999999\n');
    again = await workspace({ root, indexFile });
    await again.indexer.sync();
    assert.deepStrictEqual(snapshot(again.store), want, 'short file');
    again.store.close();
  });

  it('lets only one process write the series files: a second window on the same folder indexes in memory', async () => {
    const root = tempDir();
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    const ws = await workspace({ root, indexFile });
    appendEvents(ws.eventsFile('r'), [header('r'), ...Array.from({ length: 50 }, (_, i) => ({ t: 'metrics', step: i, values: { loss: i } }))]);
    await ws.indexer.sync();
    await ws.store.save();
    ws.store.close();
    const files = () => fs.readdirSync(`${indexFile}.series`).map((n) => `${n}:${fs.statSync(path.join(`${indexFile}.series`, n)).size}`).sort();
    const before = files();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(`${indexFile}.open`, `${other.pid}\n`);
      appendEvents(ws.eventsFile('r'), Array.from({ length: 50 }, (_, i) => ({ t: 'metrics', step: 50 + i, values: { loss: i } })));
      const { store, problem } = await Store.open(await loadSql(), indexFile);
      assert.match(problem!, /Another window/);
      assert.strictEqual(store.file, undefined);
      await new Indexer(store, root, 'labbook', new ProblemList()).sync();
      assert.strictEqual(store.getRun('r')!.pointCount, 100, 'this window still shows every point');
      await store.save();
      store.close();
      assert.deepStrictEqual(files(), before, 'the other window\'s series files are untouched');
      assert.strictEqual(fs.readFileSync(`${indexFile}.open`, 'utf8'), `${other.pid}\n`, 'its open mark too');
    } finally {
      other.kill();
    }
  });
});
