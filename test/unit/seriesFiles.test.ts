import * as assert from 'assert';
import * as path from 'path';
import { FileBlobs, MemoryBlobs, type Blobs } from '../../src/core/series/blobs';
import { BLOCK_F64, blockSize, bucketFor, completeBlocks, MAX_LEVEL } from '../../src/core/series/pyramid';
import { levelFile, pointsFile, SeriesFiles, type SeriesMeta } from '../../src/core/series/seriesFiles';
import { SeriesDamage } from '../../src/core/series/recordFile';
import { tempDir } from './support/helpers';
import { prng } from './support/prng';

/** The obvious model: every point in a list, sorted by step (stable), first-wins or keep-all. */
class Model {
  points: Array<{ x: number; y: number; t: number }> = [];
  private readonly seen = new Set<number>();
  insert(steps: number[], values: number[], keepAll: boolean): number {
    let added = 0;
    for (let i = 0; i < steps.length; i++) {
      if (!keepAll && this.seen.has(steps[i])) continue;
      this.seen.add(steps[i]);
      let at = this.points.length;
      while (at > 0 && this.points[at - 1].x > steps[i]) at--;
      this.points.splice(at, 0, { x: steps[i], y: values[i], t: 1000 + steps[i] });
      added++;
    }
    return added;
  }
}

/**
 * Brute force: points `[i0, i1)` of `pts` in aligned buckets of `bucket`, each giving its lowest, highest
 * (earliest on ties) and first NaN point, sorted by step (min, max, NaN on ties), min = max shown once.
 */
function bruteBuckets(pts: Model['points'], i0: number, i1: number, bucket: number): { steps: number[]; values: number[] } {
  const steps: number[] = [];
  const values: number[] = [];
  for (let m = Math.floor(i0 / bucket); m * bucket < i1; m++) {
    let min: { x: number; y: number } | undefined;
    let max: { x: number; y: number } | undefined;
    let nan: number | undefined;
    for (let i = Math.max(i0, m * bucket); i < Math.min(i1, (m + 1) * bucket); i++) {
      const p = pts[i];
      if (Number.isNaN(p.y)) {
        nan ??= p.x;
        continue;
      }
      if (!min || p.y < min.y) min = p;
      if (!max || p.y > max.y) max = p;
    }
    const picks: Array<[number, number]> = [];
    if (min) picks.push([min.x, min.y]);
    if (max && !(max.x === min!.x && max.y === min!.y)) picks.push([max.x, max.y]);
    if (nan !== undefined) picks.push([nan, NaN]);
    picks.sort((a, b) => a[0] - b[0]);
    for (const [x, y] of picks) {
      steps.push(x);
      values.push(y);
    }
  }
  return { steps, values };
}

interface Harness { files: SeriesFiles; meta: SeriesMeta; model: Model }

function harness(blobs: Blobs): Harness {
  return { files: new SeriesFiles(blobs), meta: { id: 7, gen: 0, count: 0, lastStep: null }, model: new Model() };
}

function insert(h: Harness, steps: number[], values: number[], keepAll: boolean): void {
  const r = h.files.insert(h.meta, steps, values, steps.map((s) => 1000 + s), keepAll);
  const expected = h.model.insert(steps, values, keepAll);
  assert.strictEqual(r.added, expected, 'points added');
  if (r.added) h.meta = { id: h.meta.id, gen: r.gen, count: r.count, lastStep: r.lastStep };
}

function assertStoredEqualsModel(h: Harness): void {
  const pts = h.files.read(h.meta, 0, h.meta.count);
  assert.strictEqual(h.meta.count, h.model.points.length);
  for (let i = 0; i < h.meta.count; i++) {
    const p = h.model.points[i];
    assert.ok(Object.is(pts[i * 3], p.x) && Object.is(pts[i * 3 + 1], p.y) && pts[i * 3 + 2] === p.t, `point ${i}: ${pts[i * 3]},${pts[i * 3 + 1]} vs ${p.x},${p.y}`);
  }
}

function assertRangeEqualsBrute(h: Harness, x0: number, x1: number, width: number): void {
  const got = h.files.range(h.meta, x0, x1, width);
  const pts = h.model.points;
  const i0 = pts.findIndex((p) => p.x >= x0) < 0 ? pts.length : pts.findIndex((p) => p.x >= x0);
  let i1 = pts.length;
  while (i1 > 0 && pts[i1 - 1].x > x1) i1--;
  const n = Math.max(0, i1 - i0);
  const label = `range [${x0}, ${x1}] at ${width} px over ${n} points`;
  if (n <= 2 * width) {
    assert.strictEqual(got.bucket, 1, `${label}: raw points when they fit`);
    assert.deepStrictEqual([...got.steps], pts.slice(i0, i1).map((p) => p.x), label);
    assert.deepStrictEqual([...got.values], pts.slice(i0, i1).map((p) => p.y), label);
    return;
  }
  assert.strictEqual(got.bucket, bucketFor(n, width).bucket, label);
  const want = bruteBuckets(pts, i0, i1, got.bucket);
  // The range's first and last points are drawn too, so that the line spans it.
  if (want.steps[0] !== pts[i0].x) {
    want.steps.unshift(pts[i0].x);
    want.values.unshift(pts[i0].y);
  }
  if (want.steps[want.steps.length - 1] !== pts[i1 - 1].x) {
    want.steps.push(pts[i1 - 1].x);
    want.values.push(pts[i1 - 1].y);
  }
  assert.deepStrictEqual([...got.steps], want.steps, `${label}: steps`);
  assert.deepStrictEqual([...got.values], want.values, `${label}: values`);
  // The budget: at most `width` buckets, so at most 2 × width drawn extremes and the two ends (plus one NaN mark per bucket with a gap).
  const buckets = Math.ceil(i1 / got.bucket) - Math.floor(i0 / got.bucket);
  assert.ok(buckets <= width, `${label}: ${buckets} buckets`);
  assert.ok(got.values.filter((v) => !Number.isNaN(v)).length <= 2 * width + 2, `${label}: within budget`);
}

for (const [label, make] of [['in memory', () => new MemoryBlobs()], ['on disk', () => new FileBlobs(path.join(tempDir('labbook-series-'), 's'))]] as const) {
  describe(`series files and their pyramid (${label})`, () => {
    it('stores appended points in order and every range read equals a brute-force reduction of the raw points', function () {
      this.timeout(60_000);
      const random = prng(11);
      const h = harness(make());
      let step = 0;
      while (h.meta.count < 70_000) {
        const n = 1 + Math.floor(random() ** 3 * 9000);
        const steps: number[] = [];
        const values: number[] = [];
        for (let i = 0; i < n; i++) {
          steps.push(step++);
          const r = random();
          values.push(r < 0.002 ? NaN : r < 0.004 ? (random() < 0.5 ? -1e6 : 1e6) : Math.sin(step / 300) + r);
        }
        insert(h, steps, values, false);
      }
      assertStoredEqualsModel(h);
      for (let q = 0; q < 60; q++) {
        const a = Math.floor(random() * step);
        const b = a + Math.floor(random() ** 2 * (step - a + 50));
        const width = 1 + Math.floor(random() * 3000);
        assertRangeEqualsBrute(h, a - 0.5, b, width);
      }
      assertRangeEqualsBrute(h, -Infinity, Infinity, 2000);
      assertRangeEqualsBrute(h, -Infinity, Infinity, 7);
    });

    it('keeps every bucket\'s min and max in each stored level (blocks equal the raw points under them)', () => {
      const random = prng(5);
      const h = harness(make());
      const steps = Array.from({ length: 20_000 }, (_, i) => i * 2);
      insert(h, steps, steps.map(() => (random() < 0.01 ? NaN : random() * 100 - 50)), false);
      const pts = h.model.points;
      for (let k = 1; k <= MAX_LEVEL && completeBlocks(h.meta.count, k) > 0; k++) {
        const blocks = completeBlocks(h.meta.count, k);
        const file = h.files.levelOf(h.meta.id, h.meta.gen, k);
        const stored = file.read(0, blocks, blocks);
        assert.strictEqual(h.files.blobs.size(levelFile(h.meta.id, h.meta.gen, k)), file.bytesFor(blocks), `level ${k} holds exactly its complete blocks`);
        for (let j = 0; j < blocks; j++) {
          const under = pts.slice(j * blockSize(k), (j + 1) * blockSize(k));
          const real = under.filter((p) => !Number.isNaN(p.y));
          const min = real.reduce((a, p) => (p.y < a.y ? p : a));
          const max = real.reduce((a, p) => (p.y > a.y ? p : a));
          const nan = under.find((p) => Number.isNaN(p.y));
          const o = j * BLOCK_F64;
          assert.deepStrictEqual([...stored.subarray(o, o + BLOCK_F64)], [min.x, min.y, max.x, max.y, nan ? nan.x : NaN], `level ${k} block ${j}`);
        }
      }
    });

    it('keeps the first value at a step (Labbook\'s rule) or every value (MLflow\'s), whatever order batches arrive in', function () {
      this.timeout(30_000);
      for (const keepAll of [false, true]) {
        const random = prng(keepAll ? 3 : 4);
        const h = harness(make());
        for (let b = 0; b < 120; b++) {
          const n = 1 + Math.floor(random() * 200);
          const base = Math.floor(random() * 6000);
          const steps = Array.from({ length: n }, () => base + Math.floor(random() * 400));
          if (random() < 0.5) steps.sort((x, y) => x - y);
          insert(h, steps, steps.map(() => random()), keepAll);
          if (b % 20 === 0) assertStoredEqualsModel(h);
        }
        assertStoredEqualsModel(h);
        for (let q = 0; q < 20; q++) {
          const a = Math.floor(random() * 6400);
          assertRangeEqualsBrute(h, a, a + Math.floor(random() * 6400), 1 + Math.floor(random() * 500));
        }
      }
    });

    it('ignores whatever a rolled-back write left after the committed points, and cuts it before the next write', () => {
      const h = harness(make());
      insert(h, [0, 1, 2], [1, 2, 3], false);
      const committed = h.meta;
      // A transaction that wrote 40 points and was rolled back: the index still says 3.
      h.files.insert(committed, Array.from({ length: 40 }, (_, i) => 3 + i), new Array<number>(40).fill(9), new Array<number | null>(40).fill(null), false);
      assert.deepStrictEqual([...h.files.range(committed, -Infinity, Infinity, 100).values], [1, 2, 3]);
      h.meta = committed;
      insert(h, [3, 4], [4, 5], false);
      assertStoredEqualsModel(h);
      assert.strictEqual(h.files.blobs.size(levelFile(7, 0, 1)), 0, 'no block from the rolled-back points');
    });

    it('draws a reduced range from its first point to its last, so a long run\'s chart spans all of its steps', () => {
      const h = harness(make());
      // A sine without spikes: the extremes of the first and last buckets lie inside them, not at their ends.
      const steps = Array.from({ length: 100_000 }, (_, i) => i);
      insert(h, steps, steps.map((i) => Math.sin(i / 37)), false);
      for (const [x0, x1] of [[-Infinity, Infinity], [1234.5, 87_654], [10, 99_999]]) {
        const r = h.files.range(h.meta, x0, x1, 400);
        assert.ok(r.bucket > 1, 'reduced');
        const first = steps.find((s) => s >= x0)!;
        const last = [...steps].reverse().find((s) => s <= x1)!;
        assert.deepStrictEqual([r.steps[0], r.values[0]], [first, Math.sin(first / 37)], `[${x0}, ${x1}] starts at its first point`);
        assert.deepStrictEqual([r.steps[r.steps.length - 1], r.values[r.values.length - 1]], [last, Math.sin(last / 37)], `[${x0}, ${x1}] ends at its last point`);
        assert.strictEqual(r.times[0], 1000 + first, 'the first point keeps its own time');
      }
    });

    it('never makes up points when a file was cut short behind its back: every read of it fails, naming the file', () => {
      for (const [file, cut] of [[pointsFile(7, 0), 24 * 10], [levelFile(7, 0, 1), 40 * 2]] as const) {
        const h = harness(make());
        const steps = Array.from({ length: 300 }, (_, i) => i);
        insert(h, steps, steps.map((i) => i + 1), false);
        h.files.blobs.truncate(file, cut);
        const damaged = (e: unknown) => e instanceof SeriesDamage && e.file === file && /cut short/.test(e.detail);
        if (file.endsWith('.points')) assert.throws(() => h.files.read(h.meta, 0, 300), damaged);
        for (const width of [3, 20]) assert.throws(() => h.files.range(h.meta, -Infinity, Infinity, width), damaged, `${file} at ${width} px`);
      }
    });
  });
}
