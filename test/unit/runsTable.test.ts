import * as assert from 'assert';
import { Store } from '../../src/core/store/store';
import { storeReads } from '../../src/core/worker/indexReads';
import {
  csvField, flattenParam, matchingRuns, parseColumnId, parseViews, pushRecent, runColorIndex, serializeViews, tableColumns, tableCsv, matchingWithFacets,
  tableMarkdown, tableRows, TableSession, upsertView, type TableColumn, type TableRow,
} from '../../src/core/runsTable';
import { QueryError } from '../../src/core/query';
import { isRunsTableToHost, parseFilterMessage, parseUidList, TABLE_ACTIONS } from '../../src/protocol/runsTable';
import { tableActionCommand } from '../../src/panels/tableActions';
import { selectionActions } from '../../webview-ui/table/selectionActions';
import { COMMANDS } from '../../src/commands/ids';
import { loadSql } from './support/helpers';

const T0 = 1_700_000_000;
const NOW = T0 + 10_000;

/**
 * Four runs in two experiments:
 * - a: vision, finished, lr 0.01, model {hidden 64, act relu}, val_acc 0.5 → 0.9 (best 0.9 at step 1), loss 1 → 0.2, tags stage:final
 * - b: vision, failed, lr 0.1, model {hidden 128, act relu}, val_acc 0.8 → 0.7, note "=HYPERLINK(...)", tags baseline
 * - c: nlp, finished, lr 0.01, no model, val_acc 0.95, system/cpu_percent 12
 * - d: vision, archived by the user
 */
async function fixture(): Promise<Store> {
  const { store } = await Store.open(await loadSql());
  const add = (uid: string, exp: string, name: string, status: 'finished' | 'failed', start: number, params: Record<string, unknown>, metrics: Record<string, number[]>, tags: string[] = []) => {
    const id = store.createRun(uid, exp, name, `labbook/${uid}`);
    store.updateRun(id, { status, startTime: start, endTime: start + 90 });
    store.setParams(id, params, true);
    store.setTags(id, tags, true);
    for (const [key, values] of Object.entries(metrics)) {
      const sid = store.seriesId(id, key);
      const steps = values.map((_, i) => i);
      store.insertPoints(sid, steps, values, steps.map((s) => start + s));
    }
    return id;
  };
  store.transaction(() => {
    add('a', 'vision', 'alpha', 'finished', T0, { lr: 0.01, model: { hidden: 64, act: 'relu' } }, { val_acc: [0.5, 0.9], 'train/loss': [1, 0.2] }, ['stage:final']);
    const b = add('b', 'vision', '-bravo', 'failed', T0 + 100, { lr: 0.1, model: { hidden: 128, act: 'relu' } }, { val_acc: [0.8, 0.7], 'train/loss': [0.9, 0.5] }, ['baseline']);
    store.updateRun(b, { note: '=HYPERLINK("http://x")\nsecond line' });
    add('c', 'nlp', 'charlie', 'finished', T0 + 200, { lr: 0.01 }, { val_acc: [0.95], 'system/cpu_percent': [12] });
    add('d', 'vision', 'delta', 'finished', T0 + 300, { lr: 0.5 }, { val_acc: [0.1] });
    store.setEdits('d', 'labbook/d/labbook.edits.jsonl', { archived: true });
  });
  return store;
}

const opts = { nowSeconds: NOW };

describe('runs table: rows and columns from the index', () => {
  let store: Store;
  before(async () => {
    store = await fixture();
  });
  after(() => store.close());

  it('lists the matching runs newest first, archived ones only when asked', () => {
    assert.deepStrictEqual(matchingRuns(store, {}, opts), ['c', 'b', 'a']);
    assert.deepStrictEqual(matchingRuns(store, { includeArchived: true }, opts), ['d', 'c', 'b', 'a']);
    assert.deepStrictEqual(matchingRuns(store, { experiment: 'vision' }, opts), ['b', 'a']);
  });

  it('a query filters in SQL, and a wrong one throws with the position of its token', () => {
    assert.deepStrictEqual(matchingRuns(store, { query: 'metrics.val_acc > 0.85' }, opts), ['c', 'a']);
    assert.deepStrictEqual(matchingRuns(store, { query: 'params.model.hidden = 128' }, opts), ['b']);
    assert.throws(() => matchingRuns(store, { query: 'metrics.val_acc >> 1' }, opts), (e: unknown) => e instanceof QueryError && e.start === 17);
  });

  it('sorts by clicked columns, several at once, before the query\'s own order', () => {
    assert.deepStrictEqual(matchingRuns(store, { sort: [{ column: 'metric:val_acc', descending: true }] }, opts), ['c', 'a', 'b']);
    assert.deepStrictEqual(matchingRuns(store, { sort: [{ column: 'param:lr', descending: false }, { column: 'attr:name', descending: true }] }, opts), ['c', 'a', 'b']);
    assert.deepStrictEqual(matchingRuns(store, { sort: [{ column: 'metric.max:val_acc', descending: true }] }, opts), ['c', 'a', 'b']);
    assert.deepStrictEqual(matchingRuns(store, { query: 'order by attributes.run_name', sort: [{ column: 'param:lr', descending: false }] }, opts), ['a', 'c', 'b']);
  });

  it('status and tag chips narrow the runs', () => {
    assert.deepStrictEqual(matchingRuns(store, { statuses: ['failed'] }, opts), ['b']);
    assert.deepStrictEqual(matchingRuns(store, { tags: ['stage:final'] }, opts), ['a']);
    assert.deepStrictEqual(matchingRuns(store, { tags: ['baseline'] }, opts), ['b']);
    assert.deepStrictEqual(matchingRuns(store, { freeText: 'hyperlink' }, opts), ['b']);
  });

  it('a row holds the attributes, every param flattened, every metric\'s last value and the stats asked for', () => {
    const [a] = tableRows(store, ['a'], opts, ['metric.min:val_acc', 'metric.max:val_acc', 'metric.best_step:val_acc', 'metric.best_step:train/loss']);
    assert.strictEqual(a.uid, 'a');
    assert.strictEqual(a.color, runColorIndex('a'));
    assert.deepStrictEqual(a.cells, {
      'attr:name': 'alpha', 'attr:status': 'finished', 'attr:experiment': 'vision', 'attr:source': 'labbook', 'attr:start_time': T0, 'attr:duration': 90,
      'attr:tags': ['stage:final'], 'param:lr': 0.01, 'param:model.hidden': 64, 'param:model.act': 'relu',
      'metric:val_acc': 0.9, 'metric:train/loss': 0.2, 'metric.min:val_acc': 0.5, 'metric.max:val_acc': 0.9, 'metric.best_step:val_acc': 1, 'metric.best_step:train/loss': 1,
    });
  });

  it('rows come back in the order asked, unknown runs left out; the note is a one-line excerpt', () => {
    const rows = tableRows(store, ['b', 'nope', 'a'], opts);
    assert.deepStrictEqual(rows.map((r) => r.uid), ['b', 'a']);
    assert.strictEqual(rows[0].cells['attr:note'], '=HYPERLINK("http://x") second line');
  });

  it('columns: attributes, params, metrics, then system metrics; stats follow their metric', () => {
    const ids = tableColumns(store, {}, 3, { ...opts, metricStats: ['metric.min'] }).map((c) => c.id);
    assert.deepStrictEqual(ids, [
      'attr:name', 'attr:status', 'attr:experiment', 'attr:source', 'attr:start_time', 'attr:duration', 'attr:tags', 'attr:note',
      'param:lr', 'param:model.act', 'param:model.hidden',
      'metric:train/loss', 'metric.min:train/loss', 'metric:val_acc', 'metric.min:val_acc', 'metric:system/cpu_percent', 'metric.min:system/cpu_percent',
    ]);
    const groups = tableColumns(store, {}, 3, opts).map((c) => c.group);
    assert.deepStrictEqual([...new Set(groups)], ['attributes', 'params', 'metrics', 'system']);
  });

  it('"only columns that differ": the same value everywhere does not differ, a value missing in some runs does', () => {
    const vision = tableColumns(store, { experiment: 'vision' }, 2, opts, true);
    const differs = (id: string) => vision.find((c) => c.id === id)?.differs;
    assert.strictEqual(differs('param:model.act'), false);
    assert.strictEqual(differs('param:model.hidden'), true);
    assert.strictEqual(differs('param:lr'), true);
    assert.strictEqual(differs('metric:val_acc'), true);
    const all = tableColumns(store, {}, 3, opts, true);
    assert.strictEqual(all.find((c) => c.id === 'param:model.act')?.differs, true, 'charlie has no model.act');
    assert.strictEqual(all.find((c) => c.id === 'metric:system/cpu_percent')?.differs, true);
  });

  it('chips count the matching runs by the status shown and by tag (edited tags included)', () => {
    const f = matchingWithFacets(store, {}, opts);
    assert.deepStrictEqual(f.statuses, { failed: 1, finished: 2 });
    assert.deepStrictEqual(f.tags, [{ tag: 'baseline', count: 1 }, { tag: 'stage:final', count: 1 }]);
    const archived = matchingWithFacets(store, { includeArchived: true, experiment: 'vision' }, opts);
    assert.deepStrictEqual(archived.uids, ['d', 'b', 'a']);
    assert.deepStrictEqual(archived.statuses, { failed: 1, finished: 2 });
  });

  it('a session sends changed rows in place, and the whole result when runs come or go', async () => {
    const session = new TableSession(() => [{ reads: storeReads(() => store), folder: 'ws' }], () => opts);
    const first = await session.apply({}, { metricStats: [], onlyDiffering: false });
    assert.deepStrictEqual(first.order, ['c', 'b', 'a']);
    assert.strictEqual(first.rows.length, 3);
    store.transaction(() => {
      const id = store.runIdByUid('a')!;
      const sid = store.seriesId(id, 'val_acc');
      store.insertPoints(sid, [2], [0.93], [T0 + 2]);
    });
    const inPlace = await session.refresh(new Set(['a']));
    assert.ok(inPlace && 'rows' in inPlace);
    assert.deepStrictEqual(inPlace.rows.map((r) => [r.uid, r.cells['metric:val_acc']]), [['a', 0.93]]);
    store.transaction(() => {
      const id = store.createRun('e', 'vision', 'echo', 'labbook/e');
      store.updateRun(id, { status: 'running', startTime: NOW - 5 });
      store.touchRun(id, NOW - 1);
      store.setParams(id, { dropout: 0.2 }, true);
    });
    const grown = await session.refresh(new Set(['e']));
    assert.ok(grown && 'result' in grown);
    assert.deepStrictEqual(grown.result.order, ['e', 'c', 'b', 'a']);
    assert.ok(grown.result.columns.some((c) => c.id === 'param:dropout'), 'the new run\'s param became a column');
    assert.strictEqual(grown.result.rows[0].cells['attr:status'], 'running');
  });
});

describe('runs table: export', () => {
  const columns: TableColumn[] = [
    { id: 'attr:name', kind: 'attr', key: 'name', group: 'attributes', label: 'Name', differs: true, numeric: false },
    { id: 'param:lr', kind: 'param', key: 'lr', group: 'params', label: 'lr', differs: true, numeric: false },
    { id: 'metric:delta', kind: 'metric', key: 'delta', group: 'metrics', label: 'delta', differs: true, numeric: true },
    { id: 'attr:tags', kind: 'attr', key: 'tags', group: 'attributes', label: 'Tags', differs: true, numeric: false },
  ];
  const rows: TableRow[] = [
    { uid: 'x', color: 0, cells: { 'attr:name': '=cmd|\' /C calc\'!A0', 'param:lr': '+1', 'metric:delta': -0.5, 'attr:tags': ['@sum', 'a,b'] } },
    { uid: 'y', color: 1, cells: { 'attr:name': '-2+3', 'param:lr': 'plain', 'attr:tags': ['x|y'] } },
  ];

  it('cells a spreadsheet would run as a formula start with a quote; numbers stay numbers', () => {
    for (const bad of ['=1+1', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1']) assert.strictEqual(csvField(bad)[0] === '"' ? csvField(bad)[1] : csvField(bad)[0], "'", bad);
    assert.strictEqual(csvField(-0.5), '-0.5');
    assert.strictEqual(csvField('safe'), 'safe');
    assert.strictEqual(csvField('say "hi", ok'), '"say ""hi"", ok"');
  });

  it('the table as CSV', () => {
    assert.strictEqual(tableCsv(columns, rows), [
      'Name,lr,delta,Tags',
      `'=cmd|' /C calc'!A0,'+1,-0.5,"'@sum, a,b"`,
      `'-2+3,plain,,x|y`,
      '',
    ].join('\r\n'));
  });

  it('the table as Markdown, pipes escaped and numbers right-aligned', () => {
    assert.strictEqual(tableMarkdown(columns, rows), [
      '| Name | lr | delta | Tags |',
      '| --- | --- | ---: | --- |',
      "| =cmd\\|' /C calc'!A0 | +1 | -0.5 | @sum, a,b |",
      '| -2+3 | plain |  | x\\|y |',
      '',
    ].join('\n'));
  });
});

describe('runs table: columns, views and recent queries', () => {
  it('nested params flatten to dotted keys; arrays and empty objects stay whole', () => {
    assert.deepStrictEqual([...flattenParam('model', { hidden: 64, opt: { lr: 0.1 }, layers: [1, 2], extra: {} })], [
      ['model.hidden', 64], ['model.opt.lr', 0.1], ['model.layers', [1, 2]], ['model.extra', {}],
    ]);
  });

  it('column ids name what the column holds; anything else is refused', () => {
    assert.deepStrictEqual(parseColumnId('metric.best_step:train/loss'), { kind: 'metric.best_step', key: 'train/loss' });
    assert.deepStrictEqual(parseColumnId('param:a:b'), { kind: 'param', key: 'a:b' });
    assert.strictEqual(parseColumnId('attr:secret'), undefined);
    assert.strictEqual(parseColumnId('metric:'), undefined);
    assert.strictEqual(parseColumnId('nothing'), undefined);
  });

  it('a saved views file round-trips, and a damaged view is reported and skipped', () => {
    const views = upsertView([], { name: 'best', query: 'metrics.acc > 0.9', columns: ['attr:name', 'metric:acc'], pinned: ['attr:name'], widths: { 'metric:acc': 120 }, sort: [{ column: 'metric:acc', descending: true }], metricStats: ['metric.max'] });
    assert.deepStrictEqual(parseViews(serializeViews(views), () => assert.fail('no problem expected')), views);
    const problems: string[] = [];
    const text = JSON.stringify({ format: 'labbook-table-views', version: 1, views: [{ name: '' }, 'x', { name: 'ok', columns: ['attr:name', 'bogus'] }, { name: 'ok' }] });
    const read = parseViews(text, (m) => problems.push(m));
    assert.deepStrictEqual(read.map((v) => [v.name, v.columns]), [['ok', ['attr:name']]]);
    assert.deepStrictEqual(problems, [
      'view 1: "name" should be text of 1 to 200 characters; skipped',
      'view 2: not an object; skipped',
      'view 3: "ok": 1 unknown column id(s) in "columns" ignored',
      'view 4: a second view named "ok" (the first is kept)',
    ]);
    const bad: string[] = [];
    assert.deepStrictEqual(parseViews('{"views": [', (m) => bad.push(m)), []);
    assert.match(bad[0], /^not valid JSON/);
  });

  it('recent queries: newest first, no repeats, at most 20', () => {
    let recent: string[] = [];
    for (let i = 0; i < 25; i++) recent = pushRecent(recent, `q${i}`);
    recent = pushRecent(recent, 'q20');
    assert.strictEqual(recent.length, 20);
    assert.deepStrictEqual(recent.slice(0, 3), ['q20', 'q24', 'q23']);
    assert.deepStrictEqual(pushRecent(['a'], '   '), ['a']);
  });
});

describe('runs table: messages from the webview', () => {
  it('a filter message is taken field by field; anything malformed is refused whole', () => {
    const good = { filter: { query: 'metrics.a > 1', statuses: ['failed'], sort: [{ column: 'metric:a', descending: true }], includeArchived: true }, layout: { columns: ['attr:name'], pinned: [], widths: { 'attr:name': 200, bad: 'wide' }, metricStats: ['metric.min', 'bogus'], onlyDiffering: true } };
    const parsed = parseFilterMessage(JSON.stringify(good));
    assert.deepStrictEqual(parsed?.filter, { query: 'metrics.a > 1', freeText: undefined, experiment: undefined, statuses: ['failed'], tags: undefined, includeArchived: true, sort: [{ column: 'metric:a', descending: true }] });
    assert.deepStrictEqual(parsed?.layout, { columns: ['attr:name'], pinned: [], widths: { 'attr:name': 200 }, metricStats: ['metric.min'], onlyDiffering: true });
    for (const bad of ['not json', '[]', 'null', JSON.stringify({ filter: {} }), JSON.stringify({ ...good, filter: { query: 5 } }),
      JSON.stringify({ ...good, filter: { sort: [{ column: 1, descending: true }] } }), JSON.stringify({ ...good, layout: { ...good.layout, columns: 'all' } }),
      JSON.stringify({ ...good, filter: { statuses: new Array(11).fill('failed') } })]) {
      assert.strictEqual(parseFilterMessage(bad), undefined, bad);
    }
    const proto = parseFilterMessage('{"filter": {}, "layout": {"columns": [], "pinned": [], "metricStats": [], "widths": {"__proto__": 5}}}');
    assert.strictEqual(Object.getPrototypeOf(proto!.layout.widths), Object.prototype, 'a __proto__ key stays a plain key');
  });

  it('a list of run uids, or nothing', () => {
    assert.deepStrictEqual(parseUidList('["a", "b"]'), ['a', 'b']);
    assert.strictEqual(parseUidList('["a", 1]'), undefined);
    assert.strictEqual(parseUidList('{"0": "a"}'), undefined);
    assert.deepStrictEqual(parseUidList(JSON.stringify(['x'.repeat(2000), 'ok'])), ['ok']);
  });

  it('bulk actions: archive and delete run the sidebar\'s commands with the selected runs; tag is asked for in the table', () => {
    assert.deepStrictEqual(tableActionCommand('archive', ['a', 'b']), { command: COMMANDS.archiveRuns, uids: ['a', 'b'] });
    assert.deepStrictEqual(tableActionCommand('delete', ['a']), { command: COMMANDS.deleteRuns, uids: ['a'] });
    assert.deepStrictEqual(tableActionCommand('compare', ['a', 'b']), { command: COMMANDS.compareRuns, uids: ['a', 'b'] });
    assert.strictEqual(tableActionCommand('tag', ['a']), 'tag');
    assert.strictEqual(tableActionCommand('archive', []), undefined, 'nothing selected, nothing done');
    for (const bad of ['rm', 'archiveRuns', 'constructor', '__proto__', '']) assert.strictEqual(tableActionCommand(bad, ['a']), undefined, bad);
    for (const action of TABLE_ACTIONS) assert.ok(isRunsTableToHost({ type: 'action', action, json: '["a"]' }), action);
  });

  it('the selection bar: Compare needs two runs, Tag, Archive and Delete one; each label counts the runs it touches', () => {
    assert.deepStrictEqual(selectionActions(0), {
      compare: { label: 'Compare', disabled: true }, tag: { label: 'Tag\u2026', disabled: true },
      archive: { label: 'Archive', disabled: true }, delete: { label: 'Delete\u2026', disabled: true },
    });
    assert.deepStrictEqual(selectionActions(1), {
      compare: { label: 'Compare 1', disabled: true }, tag: { label: 'Tag 1\u2026', disabled: false },
      archive: { label: 'Archive 1', disabled: false }, delete: { label: 'Delete 1\u2026', disabled: false },
    });
    assert.deepStrictEqual(Object.keys(selectionActions(3)).sort(), [...TABLE_ACTIONS].sort(), 'a button for every action the host takes');
    assert.ok(Object.values(selectionActions(3)).every((b) => !b.disabled));
  });
});
