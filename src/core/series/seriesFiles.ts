import type { Blobs } from './blobs';
import { appendsInOrder, packPoints, summarise, unpackPoints, type PackedPoints } from './packedPoints';
import {
  BLOCK_F64, FANOUT, MAX_LEVEL, POINT_F64, bucketFor, completeBlocks, foldLevel, readBuckets, type LevelSource, type RangePoints,
} from './pyramid';
import { RecordCache, RecordFile, windowed } from './recordFile';

/**
 * The points of every series, out of the sql.js index: per series one append-only file of points
 * (`<id>-<gen>.points`: step, value, wall time as three Float64 per point, in step order) and one
 * file per pyramid level (`<id>-<gen>.level<k>`, see pyramid.ts), kept up to date as points arrive.
 * Each is a checksummed record file (recordFile.ts): a read that meets a damaged file throws
 * `SeriesDamage` naming it, and never returns what the file holds instead of the points.
 *
 * The index row of a series says how many points are committed (`count`) and which generation of
 * files holds them (`gen`). A file may hold more than that (points appended after the last save of
 * the index, or by a rolled-back transaction): the excess is cut before the next write and never
 * read. Before the index is saved, `syncDirty` makes every written file durable, so a saved count
 * is always backed by data on disk. Points only ever go at the end; a batch that lands before the
 * end (steps out of order) writes a new generation, which the saved index does not name until the
 * next save, so a crash leaves the old generation whole.
 */

/** What the index knows of a series' files. */
export interface SeriesMeta { readonly id: number; readonly gen: number; readonly count: number; readonly lastStep: number | null }

/** The outcome of an insert: the series' new count and generation, and the summary of the points added. */
export interface Inserted {
  readonly added: number;
  readonly count: number;
  readonly gen: number;
  readonly firstStep: number | null;
  readonly lastStep: number | null;
  /** Value of the last stored point (NaN when it is NaN), after the insert. */
  readonly lastValue: number;
  /** Lowest and highest non-NaN value among the added points (NaN when there is none). */
  readonly min: number;
  readonly max: number;
  /** Steps of those (the earliest on ties). */
  readonly minStep: number;
  readonly maxStep: number;
  /** Lowest step among the added points. */
  readonly minAddedStep: number;
}

/** Records per checksummed chunk: 1.5 KB of points (single points are read a chunk at a time), 2.5 KB of pyramid blocks. */
export const POINTS_PER_CHUNK = 64;
export const BLOCKS_PER_CHUNK = 64;

export const pointsFile = (id: number, gen: number): string => `${id}-${gen}.points`;
export const levelFile = (id: number, gen: number, level: number): string => `${id}-${gen}.level${level}`;

/** `{id, gen}` of a file name written by this module, or undefined. */
export function parseSeriesFile(name: string): { id: number; gen: number } | undefined {
  const m = /^(\d{1,15})-(\d{1,9})\.(?:points|level\d)$/.exec(name);
  return m ? { id: Number(m[1]), gen: Number(m[2]) } : undefined;
}

/** Whether `name` is a series file of the first format (no checksums: `<id>-<gen>.pts`, `.l<k>`), which is never read. */
export const isFirstFormatFile = (name: string): boolean => /^\d{1,15}-\d{1,9}\.(?:pts|l\d)$/.test(name);

export class SeriesFiles {
  /** Files written since the last `syncDirty`. */
  private readonly dirty = new Set<string>();
  /** Points known to be in the files of `<id>-<gen>` with nothing after them (skips the cut before writing). */
  private readonly exact = new Map<string, number>();
  private readonly cache = new RecordCache();
  /** Record files used lately (their header and checksum seed made once), least recently used first. */
  private readonly recent = new Map<string, RecordFile>();

  constructor(readonly blobs: Blobs) {}

  /** The points file of `<id>-<gen>`. */
  pointsOf(id: number, gen: number): RecordFile {
    return this.recordFile(pointsFile(id, gen), id, gen, 0);
  }

  /** The file of pyramid level `level` of `<id>-<gen>`. */
  levelOf(id: number, gen: number, level: number): RecordFile {
    return this.recordFile(levelFile(id, gen, level), id, gen, level);
  }

  private recordFile(name: string, id: number, gen: number, kind: number): RecordFile {
    let f = this.recent.get(name);
    if (f) {
      this.recent.delete(name);
    } else {
      f = new RecordFile(this.blobs, { name, id, gen, kind, recordF64: kind ? BLOCK_F64 : POINT_F64, perChunk: kind ? BLOCKS_PER_CHUNK : POINTS_PER_CHUNK }, this.cache);
      if (this.recent.size >= 512) this.recent.delete(this.recent.keys().next().value as string);
    }
    this.recent.set(name, f);
    return f;
  }

  /** Stored points of a series the index says hold `count`: whether its points file is long enough. */
  isWhole(meta: SeriesMeta): boolean {
    return meta.count === 0 || this.blobs.size(pointsFile(meta.id, meta.gen)) >= this.pointsOf(meta.id, meta.gen).bytesFor(meta.count);
  }

  /**
   * Stores points of a series. Without `keepAll` a step already stored keeps its first value (and a
   * step repeated in the batch too); with it every value is kept, later ones after earlier ones.
   * Steps in any order; the fast path is a batch at or after the last stored step.
   */
  insert(meta: SeriesMeta, steps: readonly number[], values: readonly number[], times: readonly (number | null)[], keepAll: boolean): Inserted {
    return this.insertPacked(meta, packPoints(steps, values, times), keepAll);
  }

  /** `insert` of points packed as the points file holds them (packedPoints.ts); they are only read during the call. */
  insertPacked(meta: SeriesMeta, batch: PackedPoints, keepAll: boolean): Inserted {
    if (appendsInOrder(meta.lastStep, batch, keepAll)) return this.appendSorted(meta, batch);
    const { steps, values, times } = unpackPoints(batch.pts);
    return this.merge(meta, steps, values, times, keepAll);
  }

  /**
   * Points `[from, to)` of a series, interleaved (step, value, time), every chunk read checked.
   * Throws `SeriesDamage` when its file is damaged (cut short, changed, or another series' file).
   */
  read(meta: SeriesMeta, from: number, to: number): Float64Array {
    from = Math.max(0, from);
    to = Math.min(meta.count, to);
    return this.pointsOf(meta.id, meta.gen).read(from, to, meta.count);
  }

  /** Index of the first stored point whose step is ≥ `x` (or > `x` with `after`): a binary search reading one chunk per probe. */
  search(meta: SeriesMeta, x: number, after = false): number {
    const file = this.pointsOf(meta.id, meta.gen);
    let chunk = -1;
    let pts: Float64Array = new Float64Array(0);
    const stepAt = (i: number): number => {
      const c = Math.floor(i / POINTS_PER_CHUNK);
      if (c !== chunk) {
        pts = file.read(c * POINTS_PER_CHUNK, Math.min(meta.count, (c + 1) * POINTS_PER_CHUNK), meta.count);
        chunk = c;
      }
      return pts[(i - c * POINTS_PER_CHUNK) * POINT_F64];
    };
    let lo = 0;
    let hi = meta.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const step = stepAt(mid);
      if (after ? step <= x : step < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The points with steps in `[x0, x1]`, for a chart `width` pixels wide: the raw points when there
   * are at most 2 × width of them, else at most `width` buckets, each giving its lowest and highest
   * point (and its first NaN), read from the pyramid level that fits.
   */
  range(meta: SeriesMeta, x0: number, x1: number, width: number, edges = false): RangePoints {
    // The whole series (the usual first view) needs no search.
    let i0 = x0 === -Infinity ? 0 : this.search(meta, x0);
    let i1 = meta.lastStep !== null && x1 >= meta.lastStep ? meta.count : this.search(meta, x1, true);
    // With `edges`, one point more on each side, so that a zoomed line reaches the sides of the view.
    if (edges) {
      i0 = Math.max(0, i0 - 1);
      i1 = Math.min(meta.count, i1 + 1);
    }
    const n = Math.max(0, i1 - i0);
    if (n <= 2 * width) {
      const pts = this.read(meta, i0, i1);
      const m = pts.length / POINT_F64;
      const steps = new Float64Array(m);
      const values = new Float64Array(m);
      const times = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        steps[i] = pts[i * 3];
        values[i] = pts[i * 3 + 1];
        times[i] = pts[i * 3 + 2];
      }
      return { steps, values, times, bucket: 1 };
    }
    const { bucket, level } = bucketFor(n, width);
    const reduced = this.withEnds(meta, i0, i1, readBuckets(this.source(meta), i0, i1, bucket, level));
    return { ...reduced, times: this.timesAt(meta, i0, i1, reduced.steps), bucket };
  }

  /**
   * Buckets with the range's first and last stored points added where the buckets' extremes are not
   * already them, so that a reduced line spans its range (two positioned reads).
   */
  private withEnds(meta: SeriesMeta, i0: number, i1: number, r: { steps: Float64Array; values: Float64Array }): { steps: Float64Array; values: Float64Array } {
    const head = this.read(meta, i0, i0 + 1);
    const tail = this.read(meta, i1 - 1, i1);
    const addHead = head.length === POINT_F64 && !(r.steps.length && r.steps[0] === head[0]);
    const addTail = tail.length === POINT_F64 && !(r.steps.length && r.steps[r.steps.length - 1] === tail[0]);
    if (!addHead && !addTail) return r;
    const n = r.steps.length + Number(addHead) + Number(addTail);
    const steps = new Float64Array(n);
    const values = new Float64Array(n);
    const at = Number(addHead);
    steps.set(r.steps, at);
    values.set(r.values, at);
    if (addHead) [steps[0], values[0]] = [head[0], head[1]];
    if (addTail) [steps[n - 1], values[n - 1]] = [tail[0], tail[1]];
    return { steps, values };
  }

  /**
   * Wall times for the steps of a reduced range, interpolated by step between stored points read at
   * up to 65 evenly spaced places of points `[i0, i1)` (one positioned read each), and no more than
   * one place per two buckets of a short line (a compare of 100 runs draws each line with a few dozen
   * points: 65 reads a line would cost more than its buckets).
   */
  private timesAt(meta: SeriesMeta, i0: number, i1: number, steps: Float64Array): Float64Array {
    const anchors = Math.min(65, i1 - i0, Math.max(2, Math.ceil(steps.length / 4) + 1));
    const ax: number[] = [];
    const at: number[] = [];
    for (let j = 0; j < anchors; j++) {
      const i = anchors === 1 ? i0 : i0 + Math.round((j * (i1 - 1 - i0)) / (anchors - 1));
      const p = this.read(meta, i, i + 1);
      if (p.length < POINT_F64 || (ax.length && p[0] <= ax[ax.length - 1])) continue;
      ax.push(p[0]);
      at.push(p[2]);
    }
    const out = new Float64Array(steps.length).fill(NaN);
    let k = 0;
    for (let i = 0; i < steps.length; i++) {
      const x = steps[i];
      while (k + 1 < ax.length && ax[k + 1] < x) k++;
      if (!ax.length) break;
      if (k + 1 >= ax.length || x <= ax[k]) {
        if (x === ax[k]) out[i] = at[k];
        else if (k + 1 >= ax.length && x === ax[ax.length - 1]) out[i] = at[ax.length - 1];
        continue;
      }
      const f = (x - ax[k]) / (ax[k + 1] - ax[k]);
      out[i] = at[k] + f * (at[k + 1] - at[k]);
    }
    return out;
  }

  /** Forgets the files of a series (every level). */
  remove(id: number, gen: number): void {
    for (const name of [pointsFile(id, gen), ...Array.from({ length: MAX_LEVEL }, (_, k) => levelFile(id, gen, k + 1))]) {
      this.blobs.remove(name);
      this.recent.delete(name);
      this.cache.forget(name);
    }
    this.exact.delete(`${id}-${gen}`);
  }

  /** Makes every file written since the last call durable. Call right before the index is exported. */
  syncDirty(): void {
    const names = [...this.dirty];
    this.dirty.clear();
    this.blobs.sync(names);
  }

  clear(): void {
    this.blobs.clear();
    this.dirty.clear();
    this.exact.clear();
    this.cache.clear();
  }

  // ---- internals ----

  /** Reads through the checked files of `<id>-<gen>` holding `count` points (the pyramid's view of them). */
  private source(meta: { id: number; gen: number; count: number }): LevelSource {
    const levels: Array<(from: number, to: number) => Float64Array> = [];
    const reader = (level: number) => (levels[level] ??= level === 0
      ? windowed(this.pointsOf(meta.id, meta.gen), meta.count)
      : windowed(this.levelOf(meta.id, meta.gen, level), completeBlocks(meta.count, level)));
    return {
      count: meta.count,
      points: (from, to) => reader(0)(from, to),
      blocks: (level, from, to) => reader(level)(from, to),
    };
  }

  /**
   * Makes the files of `meta` hold exactly the committed points and their complete blocks (what a
   * rolled-back write or a killed process left after them is cut), checking the last chunk of each.
   */
  private cut(meta: SeriesMeta): void {
    const key = `${meta.id}-${meta.gen}`;
    if (this.exact.get(key) === meta.count) return;
    this.exact.delete(key);
    this.pointsOf(meta.id, meta.gen).cut(meta.count);
    for (let k = 1; k <= MAX_LEVEL; k++) this.levelOf(meta.id, meta.gen, k).cut(completeBlocks(meta.count, k));
    this.exact.set(key, meta.count);
  }

  private append(file: RecordFile, count: number, data: Float64Array): void {
    file.append(count, data);
    this.dirty.add(file.name);
  }

  /** Appends points already in order after the stored ones, then the pyramid blocks they complete. */
  private appendSorted(meta: SeriesMeta, batch: PackedPoints): Inserted {
    const { pts } = batch;
    const n = pts.length / POINT_F64;
    if (n === 0) return this.unchanged(meta);
    this.cut(meta);
    const key = `${meta.id}-${meta.gen}`;
    // Until the pyramid is extended too, the files are not exactly these points: a failure in between cuts again.
    this.exact.delete(key);
    this.append(this.pointsOf(meta.id, meta.gen), meta.count, pts);
    const count = meta.count + n;
    this.extendLevels(meta.id, meta.gen, meta.count, count, pts);
    this.exact.set(key, count);
    const firstStep = meta.count === 0 ? pts[0] : null;
    const { min, max, minStep, maxStep, lowestStep } = batch;
    return { added: n, count, gen: meta.gen, firstStep, lastStep: pts[(n - 1) * 3], lastValue: pts[(n - 1) * 3 + 1], min, max, minStep, maxStep, minAddedStep: lowestStep };
  }

  /**
   * Appends the pyramid blocks that points `[from, to)` (`pts`, just appended) complete, built from them in memory
   * level by level: of the stored records only those under their first block (fewer than `FANOUT` per level) are read.
   */
  private extendLevels(id: number, gen: number, from: number, to: number, pts: Float64Array): void {
    let records = pts; // records `start…` of the level below, in memory
    let start = from;
    for (let k = 1; k <= MAX_LEVEL; k++) {
      const have = completeBlocks(from, k);
      const need = completeBlocks(to, k);
      if (need === have) break;
      const below = k === 1 ? this.pointsOf(id, gen) : this.levelOf(id, gen, k - 1);
      const head = have * FANOUT < start ? below.read(have * FANOUT, start, start) : undefined;
      const blocks = foldLevel(k, records, need - have, head);
      this.append(this.levelOf(id, gen, k), have, blocks);
      records = blocks;
      start = have;
    }
  }

  private unchanged(meta: SeriesMeta): Inserted {
    const last = meta.count ? this.read(meta, meta.count - 1, meta.count) : undefined;
    return { added: 0, count: meta.count, gen: meta.gen, firstStep: null, lastStep: meta.lastStep, lastValue: last ? last[1] : NaN, min: NaN, max: NaN, minStep: NaN, maxStep: NaN, minAddedStep: Infinity };
  }

  /** The slow path: a batch out of order or reaching before the last stored step. */
  private merge(meta: SeriesMeta, steps: readonly number[], values: readonly number[], times: readonly (number | null)[], keepAll: boolean): Inserted {
    const order = Array.from(steps.keys()).sort((a, b) => steps[a] - steps[b] || a - b);
    const lowest = steps[order[0]];
    const p = keepAll ? this.search(meta, lowest, true) : this.search(meta, lowest);
    const tail = this.read(meta, p, meta.count);
    const tailN = meta.count - p;
    const out = new Float64Array((tailN + steps.length) * POINT_F64);
    let o = 0;
    let t = 0;
    let lastTaken = -Infinity;
    let insertedBeforeEnd = false;
    let min = NaN;
    let max = NaN;
    let minAt = NaN;
    let maxAt = NaN;
    const push = (x: number, y: number, w: number) => {
      out[o * 3] = x;
      out[o * 3 + 1] = y;
      out[o * 3 + 2] = w;
      o++;
      lastTaken = x;
    };
    for (const i of order) {
      const x = steps[i];
      while (t < tailN && (keepAll ? tail[t * 3] <= x : tail[t * 3] < x)) {
        push(tail[t * 3], tail[t * 3 + 1], tail[t * 3 + 2]);
        t++;
      }
      if (!keepAll && ((t < tailN && tail[t * 3] === x) || lastTaken === x)) continue;
      if (t < tailN) insertedBeforeEnd = true;
      const v = values[i];
      if (!Number.isNaN(v) && !(v >= min)) {
        min = v;
        minAt = x;
      }
      if (!Number.isNaN(v) && !(v <= max)) {
        max = v;
        maxAt = x;
      }
      push(x, v, times[i] ?? NaN);
    }
    for (; t < tailN; t++) push(tail[t * 3], tail[t * 3 + 1], tail[t * 3 + 2]);
    const added = o - tailN;
    if (added === 0) return this.unchanged(meta);
    if (!insertedBeforeEnd) {
      return { ...this.appendSorted(meta, summarise(out.subarray(tailN * 3, o * 3))), firstStep: meta.count === 0 ? out[0] : null };
    }
    // A new generation: the points before `p`, then the merged tail; the old files stay until the index stops naming them.
    const gen = meta.gen + 1;
    this.remove(meta.id, gen);
    const head = this.read(meta, 0, p);
    const all = new Float64Array(head.length + o * 3);
    all.set(head);
    all.set(out.subarray(0, o * 3), head.length);
    this.append(this.pointsOf(meta.id, gen), 0, all);
    const count = p + o;
    this.extendLevels(meta.id, gen, 0, count, all);
    this.exact.set(`${meta.id}-${gen}`, count);
    const firstStep = p === 0 ? out[0] : head[0];
    return { added, count, gen, firstStep, lastStep: out[(o - 1) * 3], lastValue: out[(o - 1) * 3 + 1], min, max, minStep: minAt, maxStep: maxAt, minAddedStep: lowest };
  }
}
