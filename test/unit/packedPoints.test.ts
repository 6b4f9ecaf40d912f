import * as assert from 'assert';
import * as path from 'path';
import { MemoryBlobs } from '../../src/core/series/blobs';
import { appendsInOrder, PointBuffer, summarise, type PackedPoints } from '../../src/core/series/packedPoints';
import { BLOCK_F64, completeBlocks, MAX_LEVEL, POINT_F64 } from '../../src/core/series/pyramid';
import { CHUNKS_PER_SEGMENT, HEADER_BYTES, TRAILER_BYTES } from '../../src/core/series/recordFile';
import { BLOCKS_PER_CHUNK, POINTS_PER_CHUNK, SeriesFiles, type SeriesMeta } from '../../src/core/series/seriesFiles';
import { Indexer } from '../../src/core/ingest/indexer';
import { appendEvents, header, workspace } from './support/helpers';
import { prng as rng } from './support/prng';

/** The summary worked out the obvious way, from arrays. */
function bruteSummary(steps: number[], values: number[]) {
  let min = NaN, minStep = NaN, max = NaN, maxStep = NaN;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    if (Number.isNaN(min) || v < min) [min, minStep] = [v, steps[i]];
    if (Number.isNaN(max) || v > max) [max, maxStep] = [v, steps[i]];
  });
  return {
    rising: steps.every((s, i) => i === 0 || s > steps[i - 1]),
    nonFalling: steps.every((s, i) => i === 0 || s >= steps[i - 1]),
    lowestStep: Math.min(Infinity, ...steps),
    min, minStep, max, maxStep,
  };
}

const summaryOf = (p: PackedPoints) => ({ rising: p.rising, nonFalling: p.nonFalling, lowestStep: p.lowestStep, min: p.min, minStep: p.minStep, max: p.max, maxStep: p.maxStep });

/** The rule the series files applied before points came packed: every step after the last stored one (or not before it, keeping all). */
function oldInOrder(lastStep: number | null, steps: number[], keepAll: boolean): boolean {
  let prev = lastStep ?? -Infinity;
  for (const s of steps) {
    if (!(keepAll ? s >= prev : s > prev)) return false;
    prev = s;
  }
  return true;
}

function randomBatch(random: () => number): { steps: number[]; values: number[] } {
  const n = Math.floor(random() * 40);
  const base = Math.floor(random() * 100);
  const kind = random();
  const steps = Array.from({ length: n }, (_, i) => (kind < 0.4 ? base + i * 2 : kind < 0.6 ? base + Math.floor(i / 3) : base + Math.floor(random() * 50)));
  const values = steps.map(() => (random() < 0.1 ? NaN : random() < 0.2 ? 3 : Math.floor(random() * 10) - 5));
  return { steps, values };
}

describe('packed points (what ingest hands the series files)', () => {
  it('keeps, as points are pushed, the summary the series files used to work out in passes of their own', () => {
    const random = rng(21);
    const buffer = new PointBuffer(1);
    for (let b = 0; b < 400; b++) {
      const { steps, values } = randomBatch(random);
      buffer.clear();
      steps.forEach((s, i) => buffer.push(s, values[i], 1000 + s));
      const want = bruteSummary(steps, values);
      const label = `batch ${b}: ${steps.join(',')} / ${values.join(',')}`;
      assert.deepStrictEqual(summaryOf(buffer), want, label);
      assert.deepStrictEqual(summaryOf(summarise(buffer.pts)), want, `${label} (packed elsewhere)`);
      assert.deepStrictEqual([...buffer.pts], steps.flatMap((s, i) => [s, values[i], 1000 + s]), `${label}: the points as the points file holds them`);
    }
  });

  it('goes to the end of a series exactly when the old rule said so, first-wins or keeping every value', () => {
    const random = rng(8);
    for (let b = 0; b < 2000; b++) {
      const { steps, values } = randomBatch(random);
      const lastStep = random() < 0.2 ? null : Math.floor(random() * 120);
      const buffer = new PointBuffer();
      steps.forEach((s, i) => buffer.push(s, values[i], NaN));
      for (const keepAll of [false, true]) assert.strictEqual(appendsInOrder(lastStep, buffer, keepAll), oldInOrder(lastStep, steps, keepAll), `last ${lastStep}, keepAll ${keepAll}: ${steps.join(',')}`);
    }
  });
});

/** Memory blobs that count the bytes read. */
class CountingBlobs extends MemoryBlobs {
  bytesRead = 0;
  override read(name: string, pos: number, into: Uint8Array): number {
    const n = super.read(name, pos, into);
    this.bytesRead += n;
    return n;
  }
}

function appendAll(files: SeriesFiles, batches: number[][], values: (step: number) => number): SeriesMeta {
  let meta: SeriesMeta = { id: 3, gen: 0, count: 0, lastStep: null };
  for (const steps of batches) {
    const r = files.insert(meta, steps, steps.map(values), steps.map((s) => 5000 + s), false);
    meta = { id: meta.id, gen: r.gen, count: r.count, lastStep: r.lastStep };
  }
  return meta;
}

describe('pyramid extended while points are appended', () => {
  const value = (s: number) => (s % 97 === 13 ? NaN : Math.sin(s / 50) * 10 + ((s * 7919) % 13));

  it('builds the blocks of the points just appended from them: an append reads at most one chunk of each file', () => {
    const blobs = new CountingBlobs();
    const files = new SeriesFiles(blobs);
    let meta: SeriesMeta = { id: 3, gen: 0, count: 0, lastStep: null };
    const random = rng(2);
    // At most, per file: its header, one trailer table and the chunk holding the records before the new ones under their first block.
    const pointsFile = HEADER_BYTES + CHUNKS_PER_SEGMENT * TRAILER_BYTES + POINTS_PER_CHUNK * POINT_F64 * 8;
    const levelFile = HEADER_BYTES + CHUNKS_PER_SEGMENT * TRAILER_BYTES + BLOCKS_PER_CHUNK * BLOCK_F64 * 8;
    const bound = pointsFile + MAX_LEVEL * levelFile;
    for (let b = 0; b < 40; b++) {
      const n = 3000 + Math.floor(random() * 3000);
      const steps = Array.from({ length: n }, (_, i) => meta.count + i);
      blobs.bytesRead = 0;
      const r = files.insert(meta, steps, steps.map(value), steps.map(() => null), false);
      meta = { id: meta.id, gen: r.gen, count: r.count, lastStep: r.lastStep };
      assert.ok(blobs.bytesRead <= bound, `append ${b} of ${n} points read ${blobs.bytesRead} bytes (at most ${bound}; the points are ${n * 24})`);
    }
  });

  it('gives the same blocks at every level whatever the batches the points came in', () => {
    const random = rng(17);
    const total = 70_000;
    const ragged: number[][] = [];
    for (let s = 0; s < total;) {
      const n = Math.min(total - s, 1 + Math.floor(random() ** 2 * 5000));
      ragged.push(Array.from({ length: n }, (_, i) => s + i));
      s += n;
    }
    const whole = new SeriesFiles(new MemoryBlobs());
    const wholeMeta = appendAll(whole, [Array.from({ length: total }, (_, i) => i)], value);
    const pieces = new SeriesFiles(new MemoryBlobs());
    const piecesMeta = appendAll(pieces, ragged, value);
    assert.strictEqual(piecesMeta.count, total);
    for (let k = 1; k <= MAX_LEVEL; k++) {
      const blocks = completeBlocks(total, k);
      if (blocks === 0) break;
      const a = whole.levelOf(wholeMeta.id, wholeMeta.gen, k).read(0, blocks, blocks);
      const b = pieces.levelOf(piecesMeta.id, piecesMeta.gen, k).read(0, blocks, blocks);
      assert.ok(a.every((x, i) => Object.is(x, b[i])), `level ${k}: ${ragged.length} batches give the blocks of one`);
    }
  });
});

describe('ingest reuses its point buffers between chunks', () => {
  it('never carries a point of one chunk into another series, whatever metrics the chunks hold', async () => {
    const ws = await workspace();
    const indexer = new Indexer(ws.store, ws.root, 'labbook', ws.problems, { chunkBytes: 300 });
    const lines: object[] = [header('r')];
    const want = new Map<string, number[]>();
    const random = rng(4);
    for (let step = 0; step < 400; step++) {
      // Runs of lines with different metrics, so that a buffer freed by one series is taken by another.
      const keys = ['a', 'b', 'c', 'd'].filter((_, i) => ((step >> 4) + i) % 3 !== 0 || random() < 0.1);
      const values: Record<string, number> = {};
      for (const k of keys) {
        values[k] = step * 10 + 'abcd'.indexOf(k);
        want.set(k, [...(want.get(k) ?? []), step]);
      }
      lines.push({ t: 'metrics', step, time: 1_700_000_000 + step, values });
    }
    appendEvents(path.join(ws.logRoot, 'r', 'events.jsonl'), lines);
    await indexer.sync();
    assert.deepStrictEqual(ws.problems.messages, []);
    const run = ws.store.getRun('r')!;
    for (const s of ws.store.listSeries(run.id)) {
      const p = ws.store.getPoints(s.id);
      assert.deepStrictEqual(p.steps, want.get(s.key), `steps of ${s.key}`);
      assert.deepStrictEqual(p.values, p.steps.map((step) => step * 10 + 'abcd'.indexOf(s.key)), `values of ${s.key}`);
      assert.deepStrictEqual(p.times, p.steps.map((step) => 1_700_000_000 + step), `times of ${s.key}`);
    }
  });
});
