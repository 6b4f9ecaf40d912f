import * as assert from 'assert';
import { appendEdit, editsPath } from '../../../src/core/edits';
import { compileSearch, searchRuns, type SearchInput } from '../../../src/core/query';
import { Store } from '../../../src/core/store/store';
import { appendEvents, header, loadSql, workspace, type Workspace } from '../support/helpers';

const T0 = 1_700_000_000;

/**
 * Four real runs, ingested by the real indexer into a real sql.js index:
 * - base: vision, finished, tags stage:final + baseline, lr 0.01 (number), model.hidden 64, val_acc 0.5 → 0.95
 * - wide: vision, failed, tags edited to stage:review, lr "0.001" (string), val_acc 0.99 → 0.85 (last by step)
 * - deep: nlp, running (silent), lr 0.1, optimizer "Adam", no val_acc, note mentions "tokenizer"
 * - live: nlp, running, archived by the user, lr 0.01, val_acc 0.7, `final accuracy` 0.91
 */
async function fixture(): Promise<Workspace> {
  const ws = await workspace();
  appendEvents(ws.eventsFile('base'), [
    header('base', { project: 'vision', name: 'baseline', tags: ['stage:final', 'baseline'], time: T0 }),
    { t: 'params', values: { lr: 0.01, optimizer: 'adam', model: { hidden: 64, act: 'relu' }, epochs: 10 } },
    { t: 'metrics', step: 0, values: { val_acc: 0.5, 'train/loss': 1 } },
    { t: 'metrics', step: 1, values: { val_acc: 0.95, 'train/loss': 0.1 } },
    { t: 'note', text: 'Looks good; ship it' },
    { t: 'status', status: 'finished', time: T0 + 3600 },
  ]);
  appendEvents(ws.eventsFile('wide'), [
    header('wide', { project: 'vision', name: 'wide net', tags: ['stage:draft'], time: T0 + 86_400 }),
    { t: 'params', values: { lr: '0.001', optimizer: 'sgd', model: { hidden: 256 }, epochs: 3 } },
    { t: 'metrics', step: 5, values: { val_acc: 0.85, 'train/loss': 0.3 } },
    { t: 'metrics', step: 0, values: { val_acc: 0.99 } },
    { t: 'status', status: 'failed', time: T0 + 86_400 + 60 },
  ]);
  appendEvents(ws.eventsFile('deep'), [
    header('deep', { project: 'nlp', name: 'deep', time: T0 + 2 * 86_400 }),
    { t: 'params', values: { lr: 0.1, optimizer: 'Adam' } },
    { t: 'metrics', step: 0, values: { 'train/loss': 0.2 } },
    { t: 'note', text: 'new tokenizer' },
  ]);
  appendEvents(ws.eventsFile('live'), [
    header('live', { project: 'nlp', name: 'live', time: T0 + 3 * 86_400 }),
    { t: 'params', values: { lr: 0.01, 'final accuracy': 0.91, use_bn: true } },
    { t: 'metrics', step: 2, values: { val_acc: 0.7 } },
  ]);
  await ws.indexer.sync();
  await appendEdit(ws.root, editsPath(ws.store.getRun('wide')!, 'labbook'), 'wide', { t: 'tags', tags: ['stage:review'], reset: true });
  await appendEdit(ws.root, editsPath(ws.store.getRun('live')!, 'labbook'), 'live', { t: 'archive', archived: true });
  await ws.indexer.sync();
  return ws;
}

describe('query language: compiled to SQL over a real index', () => {
  let ws: Workspace;
  const now = Date.now() / 1000;
  before(async () => {
    ws = await fixture();
  });

  function find(query: string, opts: { now?: number; freeText?: string } = {}): string[] {
    const input: SearchInput = { query, freeText: opts.freeText };
    const result = searchRuns(ws.store, input, { nowSeconds: opts.now ?? now });
    if (result.error) assert.fail(`${query}: ${result.error.message}`);
    return result.uids;
  }
  const set = (query: string, opts?: { now?: number; freeText?: string }) => find(query, opts).sort();

  it('the empty query returns every run, newest first', () => {
    assert.deepStrictEqual(find(''), ['live', 'deep', 'wide', 'base']);
  });

  it('runs the issue example', () => {
    assert.deepStrictEqual(set('metrics.val_acc > 0.9 and params.lr = "0.01" and tags.stage = "final" and attributes.status = "FINISHED"'), ['base']);
  });

  it('compares a metric by its last value by step, not its largest or latest written', () => {
    assert.deepStrictEqual(set('metrics.val_acc > 0.9'), ['base']);
    assert.deepStrictEqual(set('metrics.val_acc < 0.9'), ['live', 'wide']);
    assert.deepStrictEqual(set('metrics.val_acc = 0.85'), ['wide']);
  });

  it('every comparison operator on a metric', () => {
    assert.deepStrictEqual(set('metrics.val_acc >= 0.85'), ['base', 'wide']);
    assert.deepStrictEqual(set('metrics.val_acc <= 0.85'), ['live', 'wide']);
    assert.deepStrictEqual(set('metrics.val_acc != 0.85'), ['base', 'live']);
    assert.deepStrictEqual(set('metrics.val_acc IN (0.7, 0.95)'), ['base', 'live']);
    assert.deepStrictEqual(set('metrics.val_acc NOT IN (0.7, 0.95)'), ['wide']);
  });

  it('a metric with a slash in a backticked key', () => {
    assert.deepStrictEqual(set('metrics.`train/loss` < 0.25'), ['base', 'deep']);
  });

  it('IS NULL / IS NOT NULL on metrics, params and tags', () => {
    assert.deepStrictEqual(set('metrics.val_acc IS NULL'), ['deep']);
    assert.deepStrictEqual(set('metrics.val_acc IS NOT NULL'), ['base', 'live', 'wide']);
    assert.deepStrictEqual(set('params.optimizer is null'), ['live']);
    assert.deepStrictEqual(set('tags.stage IS NOT NULL'), ['base', 'wide']);
  });

  it('params compare as numbers when both sides are numbers, whether stored as number or string', () => {
    assert.deepStrictEqual(set('params.lr < 0.01'), ['wide']);
    assert.deepStrictEqual(set('params.lr = "0.01"'), ['base', 'live']);
    assert.deepStrictEqual(set('params.lr = 0.010'), ['base', 'live']);
    assert.deepStrictEqual(set('params.lr = "1e-3"'), ['wide']);
    assert.deepStrictEqual(set('params.epochs > 5'), ['base']);
    assert.deepStrictEqual(set('params.lr IN (0.1, "0.001")'), ['deep', 'wide']);
  });

  it('params compare as text otherwise: = is case-sensitive, LIKE too, ILIKE not', () => {
    assert.deepStrictEqual(set('params.optimizer = "adam"'), ['base']);
    assert.deepStrictEqual(set('params.optimizer != "adam"'), ['deep', 'wide']);
    assert.deepStrictEqual(set("params.optimizer LIKE 'A%'"), ['deep']);
    assert.deepStrictEqual(set("params.optimizer ILIKE 'a%'"), ['base', 'deep']);
    assert.deepStrictEqual(set("params.optimizer NOT IN ('sgd')"), ['base', 'deep']);
  });

  it('LIKE: _ matches one character, and \\% a literal percent', () => {
    assert.deepStrictEqual(set("params.optimizer LIKE 's_d'"), ['wide']);
    assert.deepStrictEqual(set("params.optimizer LIKE 'sg'"), []);
    assert.deepStrictEqual(set("attributes.name LIKE '%\\%%'"), []);
  });

  it('nested params by their dotted key', () => {
    assert.deepStrictEqual(set('params.model.hidden > 100'), ['wide']);
    assert.deepStrictEqual(set('params.model.act = "relu"'), ['base']);
  });

  it('a param with a space in a backticked key, and a boolean param', () => {
    assert.deepStrictEqual(set('params.`final accuracy` >= 0.9'), ['live']);
    assert.deepStrictEqual(set('params.use_bn = true'), ['live']);
  });

  it('tags as key:value, the user\'s edited tags replacing the logged ones', () => {
    assert.deepStrictEqual(set('tags.stage = "review"'), ['wide']);
    assert.deepStrictEqual(set('tags.stage = "draft"'), []);
    assert.deepStrictEqual(set('tags.stage != "final"'), ['wide']);
    assert.deepStrictEqual(set("tags.stage LIKE 'fin%'"), ['base']);
    assert.deepStrictEqual(set('tags.baseline IS NOT NULL'), ['base']);
    assert.deepStrictEqual(set('tags.baseline = ""'), ['base']);
  });

  it('status: MLflow names and synonyms map to Labbook statuses', () => {
    assert.deepStrictEqual(set('attributes.status = "FINISHED"'), ['base']);
    assert.deepStrictEqual(set('attributes.status = "Completed"'), ['base']);
    assert.deepStrictEqual(set('status = "succeeded"'), ['base']);
    assert.deepStrictEqual(set('attributes.status = "failed"'), ['wide']);
    assert.deepStrictEqual(set("attributes.status IN ('RUNNING', 'FAILED')"), ['deep', 'live', 'wide']);
    assert.deepStrictEqual(set("attributes.status != 'running'"), ['base', 'wide']);
  });

  it('status: a running run silent past the heartbeat timeout is killed (and "stopped" means killed)', () => {
    const later = now + 10_000;
    assert.deepStrictEqual(set('attributes.status = "KILLED"', { now: later }), ['deep', 'live']);
    assert.deepStrictEqual(set('attributes.status = "stopped"', { now: later }), ['deep', 'live']);
    assert.deepStrictEqual(set('attributes.status = "running"', { now: later }), []);
  });

  it('text attributes: name (as edited), experiment, run id, tracker, note', () => {
    assert.deepStrictEqual(set('attributes.run_name = "wide net"'), ['wide']);
    assert.deepStrictEqual(set("attributes.experiment = 'nlp'"), ['deep', 'live']);
    assert.deepStrictEqual(set("attributes.run_id IN ('base', 'deep')"), ['base', 'deep']);
    assert.deepStrictEqual(set("attributes.tracker = 'Labbook'").length, 4);
    assert.deepStrictEqual(set("attributes.source = 'mlflow'"), []);
    assert.deepStrictEqual(set("attributes.note ILIKE '%TOKENIZER%'"), ['deep']);
  });

  it('archived and deleted are true or false', () => {
    assert.deepStrictEqual(set('attributes.archived = true'), ['live']);
    assert.deepStrictEqual(set('attributes.archived = false'), ['base', 'deep', 'wide']);
    assert.deepStrictEqual(set('attributes.deleted = "false"').length, 4);
  });

  it('dates on start_time: ISO days and minutes in local time, epoch seconds and milliseconds', () => {
    const day = (offset: number) => {
      const d = new Date((T0 + offset * 86_400) * 1000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    };
    assert.deepStrictEqual(set(`attributes.start_time = "${day(1)}"`), ['wide']);
    assert.deepStrictEqual(set(`attributes.start_time > "${day(1)}"`), ['deep', 'live']);
    assert.deepStrictEqual(set(`attributes.start_time >= "${day(1)}"`), ['deep', 'live', 'wide']);
    assert.deepStrictEqual(set(`attributes.start_time < "${day(1)}"`), ['base']);
    assert.deepStrictEqual(set(`attributes.start_time <= "${day(1)}"`), ['base', 'wide']);
    assert.deepStrictEqual(set(`attributes.start_time != "${day(1)}"`), ['base', 'deep', 'live']);
    assert.deepStrictEqual(set(`attributes.start_time > ${T0 + 2 * 86_400}`), ['live']);
    assert.deepStrictEqual(set(`attributes.start_time >= ${(T0 + 2 * 86_400) * 1000}`), ['deep', 'live']);
    const utc = new Date((T0 + 86_400) * 1000).toISOString().slice(0, 16);
    assert.deepStrictEqual(set(`attributes.start_time = "${utc}Z"`), ['wide']);
  });

  it('end_time and duration (seconds, or "1h"-style text)', () => {
    assert.deepStrictEqual(set('attributes.end_time IS NULL'), ['deep', 'live']);
    assert.deepStrictEqual(set('attributes.duration >= "1h" and attributes.end_time IS NOT NULL'), ['base']);
    assert.deepStrictEqual(set('attributes.duration >= "1h"'), ['base', 'deep', 'live'], 'a running run lasts until its last activity');
    assert.deepStrictEqual(set('attributes.duration < 120'), ['wide']);
  });

  it('or, and, not and parentheses combine as written', () => {
    assert.deepStrictEqual(set('params.optimizer = "sgd" or metrics.val_acc > 0.9'), ['base', 'wide']);
    assert.deepStrictEqual(set('attributes.experiment = "vision" and (metrics.val_acc > 0.9 or params.lr < 0.005)'), ['base', 'wide']);
    assert.deepStrictEqual(set('attributes.experiment = "vision" and metrics.val_acc > 0.9 or params.lr = 0.1'), ['base', 'deep']);
    assert.deepStrictEqual(set('not metrics.val_acc > 0.8'), ['deep', 'live']);
  });

  it('order by a metric, descending and ascending, runs without it last', () => {
    assert.deepStrictEqual(find('order by metrics.val_acc desc'), ['base', 'wide', 'live', 'deep']);
    assert.deepStrictEqual(find('order by metrics.val_acc asc'), ['live', 'wide', 'base', 'deep']);
  });

  it('order by a param sorts numbers as numbers (string "0.001" included), then by a second key', () => {
    assert.deepStrictEqual(find('order by params.lr, attributes.run_name desc'), ['wide', 'live', 'base', 'deep']);
    assert.deepStrictEqual(find('params.optimizer IS NOT NULL order by params.optimizer'), ['deep', 'base', 'wide']);
  });

  it('order by a tag and by the status', () => {
    assert.deepStrictEqual(find('order by tags.stage desc'), ['wide', 'base', 'live', 'deep']);
    assert.deepStrictEqual(find("attributes.experiment = 'vision' order by attributes.status"), ['wide', 'base']);
  });

  it('free text matches names, notes and tags, each word, any case', () => {
    assert.deepStrictEqual(set('', { freeText: 'BASELINE' }), ['base']);
    assert.deepStrictEqual(set('', { freeText: 'tokenizer' }), ['deep']);
    assert.deepStrictEqual(set('', { freeText: 'review' }), ['wide']);
    assert.deepStrictEqual(set('', { freeText: 'stage net' }), ['wide']);
    assert.deepStrictEqual(set('', { freeText: '"ship it"' }), ['base']);
    assert.deepStrictEqual(set('metrics.val_acc > 0.9', { freeText: 'net' }), []);
  });

  it('returns a query error instead of throwing', () => {
    const r = searchRuns(ws.store, { query: 'metrics.val_acc > ' });
    assert.strictEqual(r.error?.message, "expected a value after '>' at column 17");
  });
});

describe('query language: runs imported from MLflow', () => {
  it('finds MLflow system tags (kept as tag.* params) and user tags (kept as key:value)', async () => {
    const { store } = await Store.open(await loadSql());
    store.transaction(() => {
      const id = store.createRun('mlflow:1/abc', 'exp', 'mlrun', 'mlruns/1/abc', 'mlflow');
      store.updateRun(id, { status: 'finished', startTime: 1_664_067_852.747 });
      store.setParams(id, { alpha: '0.5', 'tag.mlflow.user': 'alice', 'tag.team': 'nlp' }, true);
      store.setTags(id, ['team:nlp'], true);
    });
    const find = (query: string) => searchRuns(store, { query }).uids;
    assert.deepStrictEqual(find("tags.`mlflow.user` LIKE 'ali%'"), ['mlflow:1/abc']);
    assert.deepStrictEqual(find("tags.team = 'nlp' and attributes.source = 'MLflow'"), ['mlflow:1/abc']);
    assert.deepStrictEqual(find("params.alpha != '0.5'"), []);
    assert.deepStrictEqual(find('attributes.start_time >= 1664067852747'), ['mlflow:1/abc'], 'epoch milliseconds, as MLflow writes them');
    assert.deepStrictEqual(find('attributes.start_time > 1664067852747'), []);
  });
});

describe('query language: hostile values never become SQL', () => {
  let ws: Workspace;
  before(async () => {
    ws = await fixture();
  });

  const attacks = [
    `params.optimizer = "adam' OR '1'='1"`,
    `params.optimizer = 'x"; DROP TABLE runs; --'`,
    `attributes.run_name = "'); DELETE FROM runs; --"`,
    "params.`lr') OR 1=1 --` = 1",
    "tags.`stage' OR 1=1 --` = 'x'",
    "metrics.`val_acc) OR (1=1` > 0",
    `attributes.run_name LIKE "%' OR 1=1 --"`,
    "params.`x\"].y` = 1",
  ];
  for (const q of attacks) {
    it(`finds nothing and harms nothing: ${q}`, () => {
      const r = searchRuns(ws.store, { query: q });
      assert.ok(!r.error, r.error?.message);
      assert.deepStrictEqual(r.uids, []);
      assert.strictEqual(ws.store.listRuns().length, 4);
    });
  }

  it('no value from the query appears in the SQL text', () => {
    const marker = 'zq_marker_zq';
    const c = compileSearch({ query: `params.\`${marker}\` = "${marker}" and tags.${marker} LIKE '${marker}%' order by metrics.${marker}`, freeText: marker });
    assert.ok(!c.sql.includes(marker));
    assert.ok(c.params.some((p) => p === marker));
  });

  it('a free text attack is a plain word', () => {
    const r = searchRuns(ws.store, { freeText: `') OR 1=1; DROP TABLE runs; --` });
    assert.deepStrictEqual(r.uids, []);
    assert.strictEqual(ws.store.listRuns().length, 4);
  });

  it('a very long IN list and many conditions still run', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `'v${i}'`).join(', ');
    assert.deepStrictEqual(searchRuns(ws.store, { query: `params.optimizer IN (${values}, 'sgd')` }).uids, undefined);
    const ok = searchRuns(ws.store, { query: `params.optimizer IN (${Array.from({ length: 999 }, (_, i) => `'v${i}'`).join(', ')}, 'sgd')` });
    assert.deepStrictEqual(ok.uids, ['wide']);
    const many = Array.from({ length: 200 }, (_, i) => `metrics.m${i} > ${i}`).join(' or ');
    assert.deepStrictEqual(searchRuns(ws.store, { query: many }).uids, []);
    const nested = Array.from({ length: 200 }, (_, i) => `params.a.b.c.d.e${i} = "${i}"`).join(' or ');
    assert.deepStrictEqual(searchRuns(ws.store, { query: nested }).uids, []);
    const keys = Array.from({ length: 8 }, (_, i) => `params.k${i}.x desc`).join(', ');
    assert.strictEqual(searchRuns(ws.store, { query: `order by ${keys}` }).uids?.length, 4);
  });
});
