// Ingest reads most metrics lines from their bytes without JSON.parse (core/format/metricsLine.ts).
// Whatever a log holds, the index it builds must equal the one the line-by-line parser builds.
import * as assert from 'assert';
import { RecordApplier, type FileContext } from '../../src/core/ingest/applyRecords';
import { emptyChanges, type IngestChanges } from '../../src/core/ingest/changes';
import { ProblemList } from '../../src/core/problems';
import { Store } from '../../src/core/store/store';
import { loadSql } from '../unit/support/helpers';
import { HEADER, ingestWorkspace, writeRaw } from './support/runLogs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** A log mixing what the SDKs write with what a hostile or broken writer leaves, as bytes. */
function hostileLog(seed: number, lines: number, binary: boolean): Buffer {
  const r = rng(seed);
  const keys = ['loss', 'acc', 'lr', 'val/loss'];
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(HEADER)}\n`)];
  let step = 0;
  for (let i = 0; i < lines; i++) {
    const x = r();
    const values: Record<string, number> = {};
    for (const k of keys) if (r() < 0.8) values[k] = Math.round((r() - 0.3) * 1e6) / 1e4;
    if (!Object.keys(values).length) values.loss = 1;
    step = x < 0.9 ? step + 1 : Math.floor(r() * step); // some steps repeat: the first value wins
    const time = 1_700_000_000 + step * 0.25;
    let line: string;
    const y = r();
    if (y < 0.7) line = JSON.stringify({ t: 'metrics', step, time, values });
    else if (y < 0.75) line = JSON.stringify({ step, t: 'metrics', time, values }); // another field order: the parser's
    else if (y < 0.78) line = JSON.stringify({ t: 'metrics', step, values: { ...values, loss: 'NaN', acc: 'Infinity' } });
    else if (y < 0.8) line = `{"t": "metrics", "step": ${step}, "time": ${time}, "values": {"loss": NaN, "acc": ${values.acc ?? 1}}}`;
    else if (y < 0.815) line = JSON.stringify({ t: 'metrics', step, values: { ...values, '7': 2 } }); // listed first by JSON.parse
    else if (y < 0.83) line = JSON.stringify({ t: 'metrics', step, values: { ...values, 'ключ': 3 } });
    else if (y < 0.85) line = JSON.stringify({ t: 'metrics', step: step + 0.5, values });
    else if (y < 0.86) line = JSON.stringify({ t: 'metrics', step, values }).slice(0, 20); // torn
    else if (y < 0.87) line = `${JSON.stringify({ t: 'metrics', step, values })}\r`;
    else if (y < 0.88) line = JSON.stringify({ t: 'params', values: { lr: r() } });
    else if (y < 0.89) line = '';
    else if (y < 0.9) line = `{"t":"metrics","step":${step},"values":{"loss":1,"loss":2}}`;
    else line = JSON.stringify({ t: 'metrics', step, time, values: { ...values, extra: 1e400 } }).replace('"extra":null', '"extra":1e400');
    parts.push(Buffer.from(`${line}\n`));
    // Bytes that are not UTF-8, in a metrics line and in a key.
    if (binary && r() < 0.002) parts.push(Buffer.concat([Buffer.from(`{"t":"metrics","step":${step},"values":{"k`), Buffer.from([0xff, 0xfe]), Buffer.from('":1}}\n')]));
  }
  parts.push(Buffer.from(`${JSON.stringify({ t: 'status', status: 'finished', time: 1_700_000_999 })}\n`));
  return Buffer.concat(parts);
}

interface Snapshot { runs: unknown; series: unknown; points: unknown; problems: string[]; changes: unknown }

function snapshot(store: Store, problems: string[], changes: IngestChanges): Snapshot {
  const runs = store.listRuns().map(({ lastActivity, ...r }) => ({ ...r, lastActivity: lastActivity === null ? null : 'set' }));
  const series = runs.flatMap((r) => store.listSeries(r.id));
  const points = series.map((s) => store.getPoints(s.id));
  return { runs, series, points, problems: problems.filter((m) => !/not UTF-8/.test(m)).map((m) => m.replace(/^[^:]*:/, '')), changes: [...changes.points].map(([uid, m]) => [uid, [...m]]) };
}

describe('hostile ingest: the metrics fast path builds the index the parser builds', () => {
  for (const [seed, chunkBytes, binary] of [[1, undefined, false], [2, 997, false], [3, undefined, true], [4, 61, true]] as const) {
    it(`seed ${seed}, ${chunkBytes ?? 'default'}-byte chunks${binary ? ', with bytes that are not UTF-8' : ''}`, async () => {
      const bytes = hostileLog(seed, chunkBytes !== undefined && chunkBytes < 100 ? 800 : 3000, binary);
      const ws = await ingestWorkspace({ chunkBytes });
      writeRaw(ws.eventsFile('r1'), bytes);
      const changes = await ws.indexer.sync();
      const fast = snapshot(ws.store, ws.problems.messages, changes);

      // The reference: every line decoded and given to the parser, one chunk.
      const { store } = await Store.open(await loadSql());
      const problems = new ProblemList();
      const applier = new RecordApplier(store, problems);
      const ctx: FileContext = { rel: 'labbook/r1/events.jsonl', folder: 'labbook/r1', runId: undefined, uid: undefined, series: new Map(), messages: 0 };
      const lines = bytes.toString('utf8').split('\n').slice(0, -1);
      const refChanges = emptyChanges();
      store.transaction(() => applier.applyLines(ctx, lines, 1, refChanges));
      applier.reportHidden(ctx);
      const reference = snapshot(store, problems.messages, refChanges);
      store.close();

      assert.ok((fast.points as unknown[]).length >= 4, 'the log has its series');
      assert.deepStrictEqual(fast.series, reference.series);
      assert.deepStrictEqual(fast.points, reference.points);
      assert.deepStrictEqual(fast.runs, reference.runs);
      assert.deepStrictEqual(fast.changes, reference.changes);
      // Lines that are not UTF-8 are reported by the tailer, ahead of the rest (not part of this comparison).
      if (!binary) assert.deepStrictEqual(fast.problems, reference.problems);
      ws.store.close();
    });
  }
});
