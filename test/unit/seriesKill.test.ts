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

const WORKER = path.join(__dirname, 'support', 'seriesKillWorker.js');

/** Run `r` in a fresh folder with an index file beside it, logged into a round at a time. */
function loggedRun() {
  const root = tempDir();
  const f = path.join(root, 'labbook', 'r', 'events.jsonl');
  appendEvents(f, [header('r')]);
  let step = 0;
  return {
    root,
    indexFile: path.join(root, '.labbook', 'index.sqlite'),
    /** Steps logged so far. */
    steps: () => step,
    /** Logs `n` more steps: two metrics in step order, one whose steps go backwards (rewrites), a NaN now and then. */
    log(n: number): void {
      const lines: object[] = [];
      for (let i = 0; i < n; i++, step++) {
        lines.push({ t: 'metrics', step, time: 1_700_000_000 + step, values: { loss: step % 997 === 0 ? 'NaN' : 1 / (step + 1), acc: Math.sin(step / 100) } });
        if (i % 50 === 0) lines.push({ t: 'metrics', step: 1_000_000 - step, values: { back: step } });
      }
      appendEvents(f, lines);
    },
  };
}

/** Starts the child that indexes the folder and saves in a loop until it is killed; `output()` is what it printed so far. */
function startIndexing(root: string, indexFile: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [WORKER, root, indexFile], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  return { child, exited, output: () => out };
}

/**
 * Opens the index the kills left and indexes the folder again (reporting series damage to `problems`
 * when given): every point is there once, and every read equals that of an index rebuilt from the logs.
 */
async function assertIndexWhole(root: string, indexFile: string, steps: number, problems?: ProblemList): Promise<void> {
  const ws = await workspace({ root, indexFile });
  if (problems) {
    ws.store.onSeriesDamage(problems);
    await new Indexer(ws.store, root, 'labbook', problems).sync();
  } else {
    await ws.indexer.sync();
  }
  const run = ws.store.getRun('r')!;
  const byKey = new Map(ws.store.listSeries(run.id).map((s) => [s.key, s]));
  assert.strictEqual(byKey.get('loss')!.count, steps);
  assert.strictEqual(byKey.get('back')!.count, steps / 50);
  assert.ok(ws.store.getPoints(byKey.get('acc')!.id).steps.every((s, i) => s === i), 'every step once, in order');
  const fresh = await workspace({ root });
  await fresh.indexer.sync();
  assert.deepStrictEqual(snapshot(ws.store), snapshot(fresh.store));
  ws.store.close();
  fresh.store.close();
}

describe('store: series files survive SIGKILL', () => {
  it('loses, duplicates or changes no point when killed during appends, pyramid updates and saves, and reads equal a fresh rebuild', async function () {
    this.timeout(300_000);
    const r = loggedRun();
    let killedMidIngest = 0;
    for (let round = 0; round < 7; round++) {
      r.log(25_000);
      const { child, exited, output } = startIndexing(r.root, r.indexFile);
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((t) => setTimeout(t, 40 + ((round * 337) % 1400)));
      child.kill('SIGKILL');
      await exited;
      if (!output().includes('saved')) killedMidIngest++;
    }
    assert.ok(killedMidIngest > 0, 'some kills landed while the round\'s points were being written');
    await assertIndexWhole(r.root, r.indexFile, r.steps());
  });

  it('loses, duplicates or changes no point when killed part-way through a point append or a pyramid update, and finds no damage', async function () {
    this.timeout(300_000);
    const r = loggedRun();
    // Where each round's kill lands: the points files, the first pyramid level, the higher levels (updated more rarely), any series file.
    const targets = ['\\.points$', '\\.level1$', '\\.level[2-7]$', '\\.level[3-7]$', '.'];
    let seed = 12345;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647);
    const killedAt: string[] = [];
    const problems: string[] = [];
    for (let round = 0; round < 10; round++) {
      r.log(12_000);
      const target = targets[round % targets.length];
      // Odd rounds read the log in big chunks and kill during a write of records crossing page boundaries (torn part-way);
      // even rounds kill during any write (records, chunk trailers, headers).
      const big = round % 2 === 1;
      const env = {
        ...process.env, LABBOOK_KILL_FILES: target, LABBOOK_KILL_AT: String(1 + (random() % (big ? 3 : target.includes('[3') ? 4 : 24))),
        LABBOOK_KILL_SEED: String(random()), LABBOOK_CHUNK_BYTES: big ? '1048576' : '65536', LABBOOK_KILL_MIN_BYTES: big ? '8192' : '0',
      };
      const { child, exited, output } = startIndexing(r.root, r.indexFile, env);
      // A kill that did not land (fewer such writes this round) is made after a few saves.
      const timer = setInterval(() => (output().split('saved').length > 3 ? child.kill('SIGKILL') : undefined), 50);
      await exited;
      clearInterval(timer);
      killedAt.push(...output().split('\n').filter((l) => l.startsWith('killed writing')));
      problems.push(...output().split('\n').filter((l) => l.startsWith('problem:')));
    }
    const landed = (re: RegExp) => killedAt.filter((l) => re.test(l.split(' ')[2])).length;
    assert.ok(landed(/\.points$/) >= 2, `kills during point appends: ${killedAt.join('; ')}`);
    assert.ok(landed(/\.level1$/) >= 2, `kills during first-level pyramid updates: ${killedAt.join('; ')}`);
    assert.ok(landed(/\.level[2-7]$/) >= 2, `kills during higher-level pyramid updates: ${killedAt.join('; ')}`);
    assert.ok(killedAt.some((l) => !/: 0 of/.test(l) && !/: (\d+) of \1 bytes/.test(l)), `some writes torn part-way: ${killedAt.join('; ')}`);
    const list = new ProblemList();
    await assertIndexWhole(r.root, r.indexFile, r.steps(), list);
    assert.deepStrictEqual([...problems, ...list.messages], [], 'a kill never leaves a file that looks damaged');
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
