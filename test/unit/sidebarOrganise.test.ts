// The pure parts of organising runs in the sidebar: experiment files, the trash layout, run order,
// the filter line, row texts, edits that move, star and end runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { experimentId, parseExperimentFile, updateExperimentText } from '../../src/core/organise/experimentFiles';
import { parseManifest, restorePathProblem, restoreTarget, trashEntryName } from '../../src/core/organise/trash';
import { listTrash, moveToTrash, restoreFromTrash } from '../../src/core/organise/trashFiles';
import { durationLabel, metricLabel, orderRuns, runningForLabel } from '../../src/core/organise/runOrder';
import { filterRuns, filterSearch, lastMetricByRun, tagsByRun } from '../../src/core/organise/treeFilter';
import { treeModel } from '../../src/core/treeRows';
import { appendEdit, editsPath, parseEdits } from '../../src/core/edits';
import { appendEvents, header, workspace } from './support/helpers';
import { NOW, runRow as run, treeOptions as options } from './support/runRows';

describe('sidebar: experiment files', () => {
  it('gives the same id as the Python SDK (exp- and 12 hex digits of the SHA-256 of the name)', () => {
    // hashlib.sha256("mnist".encode()).hexdigest()[:12]
    assert.strictEqual(experimentId('mnist'), 'exp-63af3a9e54e0');
    assert.notStrictEqual(experimentId('mnist'), experimentId('mnist2'));
  });

  it('reads the SDK file, keeps fields it does not know when it changes one, and reads its own changes back', () => {
    const sdk = JSON.stringify({ format: 'labbook-experiment', version: 1, id: experimentId('mnist'), name: 'mnist', description: 'digits', tags: ['team:vision'], created: 1, owner: 'kept' });
    const parsed = parseExperimentFile(sdk);
    assert.ok('meta' in parsed);
    assert.deepStrictEqual([parsed.meta.description, parsed.meta.tags, parsed.meta.archived], ['digits', ['team:vision'], false]);
    const changed = updateExperimentText(sdk, 'mnist', { archived: true, note: 'a **note**' }, 5);
    const back = parseExperimentFile(changed);
    assert.ok('meta' in back);
    assert.deepStrictEqual([back.meta.description, back.meta.archived, back.meta.note], ['digits', true, 'a **note**']);
    assert.strictEqual((JSON.parse(changed) as { owner: string }).owner, 'kept');
  });

  it('says why a file is not an experiment', () => {
    assert.match((parseExperimentFile('{') as { problem: string }).problem, /not JSON/);
    assert.match((parseExperimentFile('{"format":"x","name":"a"}') as { problem: string }).problem, /not an experiment file/);
    assert.match((parseExperimentFile('{"format":"labbook-experiment"}') as { problem: string }).problem, /no name/);
  });

  it('a new file for a name whose old file is another experiment does not inherit it', () => {
    const other = JSON.stringify({ format: 'labbook-experiment', name: 'other', description: 'not mine' });
    const text = updateExperimentText(other, 'mine', { description: 'mine' }, 5);
    const meta = (parseExperimentFile(text) as { meta: { name: string; description: string } }).meta;
    assert.deepStrictEqual([meta.name, meta.description], ['mine', 'mine']);
  });
});

describe('sidebar: the trash', () => {
  it('accepts a restore path only below the log root, outside Labbook\'s own folders', () => {
    assert.strictEqual(restorePathProblem('labbook/run-1', 'labbook'), undefined);
    assert.strictEqual(restorePathProblem('labbook/proj/run-1', 'labbook'), undefined);
    for (const bad of ['../x', 'labbook/../x', '/etc', 'C:/x', 'labbook\\..\\x', 'labbook', 'other/run', 'labbook/_trash/x', 'labbook//x', 'labbook/./x', 'labbook/x\0']) {
      assert.ok(restorePathProblem(bad, 'labbook'), bad);
    }
  });

  it('names entries with safe characters only, and restores beside a folder that took the old place', () => {
    assert.match(trashEntryName('labbook/run 1;rm -rf', 0), /^19700101T000000-run_1_rm_-rf$/);
    assert.match(trashEntryName('labbook/..', 0), /-run$/);
    const taken = new Set(['labbook/a', 'labbook/a-restored-1']);
    assert.strictEqual(restoreTarget('labbook/a', (p) => taken.has(p)), 'labbook/a-restored-2');
    assert.strictEqual(restoreTarget('labbook/b', (p) => taken.has(p)), 'labbook/b');
  });

  it('refuses a manifest that sends a restore outside the log root', () => {
    const text = JSON.stringify({ format: 'labbook-trash', version: 1, uid: 'x', from: '../../.ssh' });
    assert.match((parseManifest(text, 'e', 'labbook') as { problem: string }).problem, /not a plain path/);
  });

  it('moves a run folder to the trash (the index forgets it) and back (the index reads it again, with its edits)', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('run-a'), [header('a', { project: 'p' })]);
    await ws.indexer.sync();
    await appendEdit(ws.root, editsPath(ws.store.getRun('a')!, 'labbook'), 'a', { t: 'set', name: 'renamed' });
    await ws.indexer.sync();
    const place = { root: ws.root, logRoot: 'labbook' };
    const entry = await moveToTrash(place, ws.store.getRun('a')!);
    assert.ok(!fs.existsSync(path.join(ws.root, 'labbook', 'run-a')));
    assert.ok(fs.existsSync(path.join(ws.root, 'labbook', '_trash', entry.entry, 'run', 'events.jsonl')));
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('a'), undefined);
    const listed = await listTrash(place, (m) => assert.fail(m));
    assert.deepStrictEqual(listed.map((e) => [e.uid, e.name, e.from]), [['a', 'renamed', 'labbook/run-a']]);
    assert.strictEqual(await restoreFromTrash(place, listed[0]), 'labbook/run-a');
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('a')?.name, 'renamed');
    assert.deepStrictEqual(fs.readdirSync(path.join(ws.root, 'labbook', '_trash')), []);
    // A rebuild from the files agrees.
    await ws.indexer.rebuild();
    assert.strictEqual(ws.store.getRun('a')?.name, 'renamed');
    fs.rmSync(ws.root, { recursive: true, force: true });
  });

  it('never moves another tracker\'s run', async () => {
    await assert.rejects(moveToTrash({ root: '/nowhere', logRoot: 'labbook' }, run('mlflow:x', { source: 'mlflow', folder: 'mlruns/1/x' })), /another tracker/);
  });
});

describe('sidebar: edits that move, star and end runs', () => {
  it('parses them, skipping a move to an unusable name', () => {
    const text = [
      { t: 'move', experiment: 'new' }, { t: 'star', starred: true }, { t: 'end', status: 'killed', message: 'Killed: manually terminated' },
      { t: 'move', experiment: 'bad\nname' }, { t: 'end', status: 'finished' },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n';
    const { edits, bad } = parseEdits(text);
    assert.deepStrictEqual([edits.experiment, edits.starred, edits.end], ['new', true, { status: 'killed', message: 'Killed: manually terminated' }]);
    assert.deepStrictEqual(bad, [4, 5]);
  });

  it('applies them in the index: the run is in its new experiment, starred, and killed only while its log says running', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r', { project: 'old' })]);
    await ws.indexer.sync();
    const file = editsPath(ws.store.getRun('r')!, 'labbook');
    for (const e of [{ t: 'move', experiment: 'new' }, { t: 'star', starred: true }, { t: 'end', status: 'killed', message: 'Killed: manually terminated' }] as const) await appendEdit(ws.root, file, 'r', e);
    await ws.indexer.sync();
    let r = ws.store.getRun('r')!;
    assert.deepStrictEqual([r.experiment, r.starred, r.status, r.statusMessage], ['new', true, 'killed', 'Killed: manually terminated']);
    const found = filterRuns(ws.store, 'experiment = "new" and status = "killed"', { nowSeconds: 1_700_000_001 });
    assert.deepStrictEqual('uids' in found && [...found.uids], ['r']);
    // The run's own final status wins over the edit.
    appendEvents(ws.eventsFile('r'), [{ t: 'status', status: 'finished', time: 1_700_000_100 }]);
    await ws.indexer.sync();
    r = ws.store.getRun('r')!;
    assert.strictEqual(r.status, 'finished');
    fs.rmSync(ws.root, { recursive: true, force: true });
  });
});

describe('sidebar: finding and ordering runs', () => {
  it('turns quick filters into query conditions, a query into a query, and other words into free text', () => {
    assert.deepStrictEqual(filterSearch('status:running tag:best'), { query: 'attributes.status = "running" and tags.`best` IS NOT NULL', freeText: undefined });
    assert.deepStrictEqual(filterSearch('metrics.val_acc > 0.9'), { query: '(metrics.val_acc > 0.9)', freeText: undefined });
    assert.deepStrictEqual(filterSearch('resnet long'), { query: undefined, freeText: 'resnet long' });
    assert.deepStrictEqual(filterSearch('tag:"two words" resnet'), { query: 'tags.`two words` IS NOT NULL', freeText: 'resnet' });
  });

  it('filters, reads tags and a metric from the index', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('a'), [header('a', { tags: ['best'] }), { t: 'metrics', step: 0, values: { 'val/acc': 0.9 } }]);
    appendEvents(ws.eventsFile('b'), [header('b'), { t: 'metrics', step: 0, values: { 'val/acc': 0.5 } }]);
    await ws.indexer.sync();
    const opts = { nowSeconds: 1_700_000_001 };
    assert.deepStrictEqual([...(filterRuns(ws.store, 'tag:best', opts) as { uids: Set<string> }).uids], ['a']);
    assert.deepStrictEqual([...(filterRuns(ws.store, 'metrics.`val/acc` < 0.6', opts) as { uids: Set<string> }).uids], ['b']);
    assert.match((filterRuns(ws.store, 'metrics.x >', opts) as { error: string }).error, /./);
    assert.deepStrictEqual([...tagsByRun(ws.store)], [['a', ['best']]]);
    assert.deepStrictEqual([...lastMetricByRun(ws.store, 'val/acc')].sort(), [['a', 0.9], ['b', 0.5]]);
    fs.rmSync(ws.root, { recursive: true, force: true });
  });

  it('orders runs: starred first, then by the chosen key; runs without the metric last', () => {
    const rows = [run('a', { name: 'b-run', startTime: 1 }), run('b', { name: 'a-run', startTime: 3 }), run('c', { name: 'c-run', startTime: 2, starred: true })];
    const status = () => 'finished' as const;
    assert.deepStrictEqual(orderRuns(rows, { key: 'date', descending: true }, status).map((r) => r.uid), ['c', 'b', 'a']);
    assert.deepStrictEqual(orderRuns(rows, { key: 'name', descending: false }, status).map((r) => r.uid), ['c', 'b', 'a']);
    const metric = new Map([['a', 0.2], ['b', 0.9]]);
    assert.deepStrictEqual(orderRuns(rows.map((r) => ({ ...r, starred: false })), { key: 'metric', metric: 'acc', descending: true }, status, (u) => metric.get(u)).map((r) => r.uid), ['b', 'a', 'c']);
  });

  it('labels durations, running times and metric values briefly', () => {
    assert.deepStrictEqual([durationLabel(42), durationLabel(600), durationLabel(3 * 3600 + 120), durationLabel(3 * 86400)], ['42 s', '10 min', '3 h 2 min', '3 d 0 h']);
    assert.deepStrictEqual([runningForLabel(30), runningForLabel(7 * 60), runningForLabel(7200)], ['running for < 1 min', 'running for 5+ min', 'running for 2+ h']);
    assert.deepStrictEqual([metricLabel(0.93456), metricLabel(12345678), metricLabel(NaN)], ['0.9346', '1.23e+7', 'NaN']);
  });
});

describe('sidebar: tree rows', () => {
  it('shows experiments with a file (even without runs) and their description, hides archived ones and renamed ones', () => {
    const meta = new Map([
      ['mnist', { id: 'x', name: 'mnist', description: 'digits', tags: [], note: '', archived: false, created: 1 }],
      ['empty', { id: 'y', name: 'empty', description: 'not run yet', tags: [], note: '', archived: false, created: 2 }],
      ['old', { id: 'z', name: 'old', description: '', tags: [], note: '', archived: true, created: 3 }],
      ['gone', { id: 'w', name: 'gone', description: '', tags: [], note: '', archived: false, renamedTo: 'mnist', created: 3 }],
    ]);
    const m = treeModel([run('a'), run('b', { experiment: 'old' })], { ...options, experimentMeta: meta });
    assert.deepStrictEqual(m.experiments.map((e) => [e.name, e.description]).sort(), [['empty', '0 runs · not run yet'], ['mnist', '1 run · digits']]);
    const all = treeModel([run('a'), run('b', { experiment: 'old' })], { ...options, experimentMeta: meta, showArchived: true });
    assert.deepStrictEqual(all.experiments.find((e) => e.name === 'old')?.contextValue, 'experiment.archived');
  });

  it('shows only the filtered runs, and pages an experiment with many runs', () => {
    const rows = Array.from({ length: 450 }, (_, i) => run(`r${i}`, { startTime: i }));
    const paged = treeModel(rows, options);
    assert.deepStrictEqual([paged.experiments[0].runs.length, paged.experiments[0].more], [200, 250]);
    assert.strictEqual(treeModel(rows, { ...options, pageOf: () => 400 }).experiments[0].more, 50);
    const filtered = treeModel(rows, { ...options, filter: new Set(['r3', 'r4']) });
    assert.deepStrictEqual(filtered.experiments[0].runs, ['r4', 'r3']);
    assert.deepStrictEqual(treeModel(rows, { ...options, filter: new Set() }).experiments, []);
  });

  it('puts duration, the key metric and tags in a run\'s row, and star and running in its menu key', () => {
    const m = treeModel([run('a', { starred: true }), run('b', { status: 'running', endTime: null, lastActivity: NOW, startTime: NOW - 600 })], {
      ...options, keyMetric: { name: 'val/acc', value: (u) => (u === 'a' ? 0.91234 : undefined) }, tags: (u) => (u === 'a' ? ['best', 'x'] : []),
    });
    assert.strictEqual(m.runs.get('a')!.description, '★ · val/acc 0.9123 · finished · 1 h 0 min · [best] [x] · 1 h ago');
    assert.strictEqual(m.runs.get('a')!.contextValue, 'run.starred');
    assert.strictEqual(m.runs.get('b')!.description, 'running for 10+ min · just now');
    assert.strictEqual(m.runs.get('b')!.contextValue, 'run.running');
  });
});
