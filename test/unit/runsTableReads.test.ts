import * as assert from 'assert';
import type { Database } from 'sql.js';
import { Store } from '../../src/core/store/store';
import { tableColumns, tableRows } from '../../src/core/runsTable';
import { keysInScope, keysInScopeQuery } from '../../src/core/runsTable/columnKeys';
import { compileFilter, selectRunIds, selectUids } from '../../src/core/runsTable/filter';
import { compileSearch, searchRuns } from '../../src/core/query';
import { loadSql } from './support/helpers';

const NOW = 1_700_010_000;
const opts = { nowSeconds: NOW };

function dbOf(store: Store): Database {
  return (store as unknown as { db: Database }).db;
}

/** Twelve runs sharing params and metrics, one holding values of every odd kind. */
async function fixture(): Promise<Store> {
  const { store } = await Store.open(await loadSql());
  store.transaction(() => {
    for (let i = 0; i < 12; i++) {
      const id = store.createRun(`r${i}`, i % 2 ? 'even' : 'odd', `run ${i}`, `labbook/r${i}`);
      store.updateRun(id, { status: 'finished', startTime: 1_700_000_000 + i, endTime: 1_700_000_100 + i });
      store.setParams(id, { lr: 0.1 * i, opt: i % 3 ? 'adam' : 'sgd', ...(i === 0 ? { only0: 1 } : {}) }, true);
      const sid = store.seriesId(id, 'acc');
      store.insertPoints(sid, [0], [i / 12], [1]);
    }
    const odd = store.createRun('odd', 'odd', 'odd values', 'labbook/odd');
    store.setParams(odd, {
      flag: true, none: null, list: [1, 'two', { three: 3 }], text: 'a "quoted", text', model: { hidden: 64, deep: { act: 'relu' }, empty: {} },
      'model.hidden': 128,
    }, true);
    store.insertPoints(store.seriesId(odd, 'nan'), [0], [NaN], [1]);
    store.insertPoints(store.seriesId(odd, 'inf'), [0], [Infinity], [1]);
    store.insertPoints(store.seriesId(odd, 'acc'), [0], [0.12345678901234566], [1]);
  });
  return store;
}

describe('runs table: reading many runs at once', () => {
  let store: Store;
  before(async () => {
    store = await fixture();
  });
  after(() => store.close());

  it('cells of every kind of value: true, null, lists, nested configs, NaN and Infinity, text with quotes and commas', () => {
    const [odd] = tableRows(store, ['odd'], opts);
    assert.deepStrictEqual(odd.cells, {
      'attr:name': 'odd values', 'attr:status': 'running', 'attr:experiment': 'odd', 'attr:source': 'labbook', 'attr:start_time': null, 'attr:duration': null,
      'param:flag': 'true', 'param:none': 'null', 'param:list': '[1,"two",{"three":3}]', 'param:text': 'a "quoted", text',
      // The flat param `model.hidden` comes after the config `model` in key order and wins, as it always did.
      'param:model.hidden': 128, 'param:model.deep.act': 'relu', 'param:model.empty': '{}',
      'metric:nan': 'NaN', 'metric:inf': 'Infinity', 'metric:acc': 0.12345678901234566,
    });
  });

  it('a param stored as text that is not JSON, or a key holding the list separator, is read one by one and still shown', () => {
    const db = dbOf(store);
    const id = Number(store.selectRows("SELECT id FROM runs WHERE uid = 'r3'", [])[0][0]);
    db.run('INSERT INTO params(run_id, key, value) VALUES (?, ?, ?), (?, ?, ?)', [id, 'broken', 'not json, ]', id, 'odd\u0001key', '"x"']);
    db.run('INSERT INTO metric_last(run_id, key, value) VALUES (?, ?, ?)', [id, 'sep\u0001metric', 2]);
    try {
      const [r3, r4] = tableRows(store, ['r3', 'r4'], opts);
      assert.strictEqual(r3.cells['param:broken'], 'not json, ]');
      assert.strictEqual(r3.cells['param:odd\u0001key'], 'x');
      assert.strictEqual(r3.cells['param:opt'], 'sgd');
      assert.strictEqual(r3.cells['metric:sep\u0001metric'], 2);
      assert.strictEqual(r3.cells['metric:acc'], 3 / 12);
      assert.strictEqual(r4.cells['param:opt'], 'adam');
    } finally {
      db.run('DELETE FROM params WHERE run_id = ? AND key IN (?, ?)', [id, 'broken', 'odd\u0001key']);
      db.run('DELETE FROM metric_last WHERE run_id = ? AND key = ?', [id, 'sep\u0001metric']);
    }
  });

  it('the keys of a scope are the same read from the key indexes as from the runs\' own rows', () => {
    for (const filter of [{}, { experiment: 'odd' }, { experiment: 'even' }, { query: 'params.only0 IS NOT NULL' }]) {
      const ids = selectRunIds(compileFilter(filter, opts));
      for (const table of ['params', 'metric_last'] as const) {
        const fromIndex = keysInScope(store, table, ids, 1);
        const fromRuns = keysInScope(store, table, ids, 0);
        assert.deepStrictEqual([...fromIndex.plain].sort(), [...fromRuns.plain].sort(), `${table} ${JSON.stringify(filter)}`);
        assert.deepStrictEqual([...fromIndex.objects].sort(), [...fromRuns.objects].sort(), `${table} ${JSON.stringify(filter)}`);
      }
    }
    const even = tableColumns(store, { experiment: 'even' }, Number.MAX_SAFE_INTEGER, opts).map((c) => c.id).filter((id) => !id.startsWith('attr:'));
    assert.deepStrictEqual(even, ['param:lr', 'param:opt', 'metric:acc']);
    const all = tableColumns(store, {}, Number.MAX_SAFE_INTEGER, opts).map((c) => c.id).filter((id) => id.startsWith('param:'));
    assert.deepStrictEqual(all, ['param:flag', 'param:list', 'param:lr', 'param:model.deep.act', 'param:model.empty', 'param:model.hidden', 'param:none', 'param:only0', 'param:opt', 'param:text']);
  });

  it('finding the columns of many runs seeks each key in the index on (key, value) instead of reading every param row', () => {
    const ids = selectRunIds(compileFilter({}, opts));
    for (const [table, index] of [['params', 'params_key_value'], ['metric_last', 'metric_last_key_value']] as const) {
      const q = keysInScopeQuery(table, ids);
      const steps = (dbOf(store).exec(`EXPLAIN QUERY PLAN ${q.text}`, [...q.params])[0]?.values ?? []).map((r) => String(r[3]));
      assert.ok(steps.some((s) => s.includes(`SEARCH x USING COVERING INDEX ${index} (key>?)`)), steps.join(' | '));
      assert.ok(!steps.some((s) => /^SCAN x\b/.test(s) && !s.includes('COVERING INDEX')), `a read of every row: ${steps.join(' | ')}`);
    }
  });

  it('the sorted list of matching runs hands back only uid, row id and status, not the values it sorted on', () => {
    const sorts = [{ column: 'metric:acc', descending: true }, { column: 'param:opt', descending: false }, { column: 'metric.max:acc', descending: false }];
    const q = selectUids(compileFilter({ sort: sorts }, opts));
    const rows = store.selectRows(q.text, [...q.params]);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.length === 3), `columns handed back: ${rows[0].length}`);
    // Still in the order asked for: highest accuracy first.
    assert.deepStrictEqual(rows.slice(0, 3).map((r) => r[0]), ['r11', 'r10', 'r9']);
  });

  it('sorting by a metric and a param reads each with one primary-key lookup per run, through a join, not a subquery per column', () => {
    const plan = (text: string, params: readonly unknown[]) => (dbOf(store).exec(`EXPLAIN QUERY PLAN ${text}`, [...params] as never)[0]?.values ?? []).map((r) => String(r[3]));
    const search = compileSearch({ query: 'order by params.opt, metrics.acc desc' }, opts);
    const table = selectUids(compileFilter({ sort: [{ column: 'metric:acc', descending: true }, { column: 'param:opt', descending: false }] }, opts));
    for (const steps of [plan(search.sql, search.params), plan(table.text, table.params)]) {
      assert.ok(steps.some((s) => /SEARCH k\dj USING PRIMARY KEY \(run_id=\? AND key=\?\) LEFT-JOIN/.test(s)), steps.join(' | '));
      assert.ok(!steps.some((s) => s.includes('CORRELATED SCALAR SUBQUERY')), steps.join(' | '));
    }
    // adam by accuracy, highest first, then sgd; the run without the param last.
    assert.deepStrictEqual(searchRuns(store, { query: 'params.lr > 0 or params.flag = true order by params.opt, metrics.acc desc' }, opts).uids,
      ['r11', 'r10', 'r8', 'r7', 'r5', 'r4', 'r2', 'r1', 'r9', 'r6', 'r3', 'odd']);
  });
});
