/**
 * The min/max level-of-detail pyramid of one series, as pure arithmetic over its stored points.
 *
 * Points are numbered 0…count-1 in storage order (by step). Level k ≥ 1 cuts them into aligned
 * blocks of `FANOUT^k` points; each block keeps its lowest point, its highest point and its first
 * NaN (so gaps stay visible), with their steps: five Float64 (`minX, minY, maxX, maxY, nanX`, NaN
 * where a block has none). Only complete blocks are stored, so a level only ever grows at its end;
 * a partial block is composed from the level below when read. Ties keep the earlier point.
 */

export const FANOUT = 16;
/** Levels stored: block sizes 16 … 16^7 (268 M points). */
export const MAX_LEVEL = 7;
/** Float64s per stored point (step, value, wall time) and per pyramid block. */
export const POINT_F64 = 3;
export const BLOCK_F64 = 5;

export const blockSize = (level: number): number => FANOUT ** level;

/** Complete blocks of `level` for a series of `count` points. */
export const completeBlocks = (count: number, level: number): number => Math.floor(count / blockSize(level));

/** Where the pyramid reads from: stored points and stored blocks, as interleaved Float64s. */
export interface LevelSource {
  readonly count: number;
  /** Points `[from, to)`: step, value, time for each. */
  points(from: number, to: number): Float64Array;
  /** Blocks `[from, to)` of `level` (all complete). */
  blocks(level: number, from: number, to: number): Float64Array;
}

/** An empty block (no point seen yet). */
export const emptyBlock = (): Float64Array => new Float64Array(BLOCK_F64).fill(NaN);

/** Folds the block at `src[o…]` into `acc` (which holds only earlier points). */
export function foldBlock(acc: Float64Array, src: Float64Array, o: number): void {
  const minX = src[o];
  if (!Number.isNaN(minX) && (Number.isNaN(acc[0]) || src[o + 1] < acc[1])) {
    acc[0] = minX;
    acc[1] = src[o + 1];
  }
  if (!Number.isNaN(src[o + 2]) && (Number.isNaN(acc[2]) || src[o + 3] > acc[3])) {
    acc[2] = src[o + 2];
    acc[3] = src[o + 3];
  }
  if (Number.isNaN(acc[4]) && !Number.isNaN(src[o + 4])) acc[4] = src[o + 4];
}

/** Folds points `pts[from…to)` (interleaved step, value, time) into `acc`. */
export function foldPoints(acc: Float64Array, pts: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const x = pts[i * POINT_F64];
    const y = pts[i * POINT_F64 + 1];
    if (Number.isNaN(y)) {
      if (Number.isNaN(acc[4])) acc[4] = x;
      continue;
    }
    if (Number.isNaN(acc[0]) || y < acc[1]) {
      acc[0] = x;
      acc[1] = y;
    }
    if (Number.isNaN(acc[2]) || y > acc[3]) {
      acc[2] = x;
      acc[3] = y;
    }
  }
}

/**
 * `blocks` consecutive blocks of `level`, built from the records of the level below them (points
 * for level 1, interleaved), `FANOUT` per block: `head` (fewer than `FANOUT`: the first records
 * under the first block, when they are kept apart), then `records`. Used to extend a level after
 * points were appended, from the records just made, without reading them back.
 */
export function foldLevel(level: number, records: Float64Array, blocks: number, head?: Float64Array): Float64Array {
  const out = new Float64Array(blocks * BLOCK_F64);
  const F = level === 1 ? POINT_F64 : BLOCK_F64;
  const headCount = head ? head.length / F : 0;
  if (blocks === 0 || headCount === 0) {
    foldBlocks(level, records, 0, out, 0, blocks);
    return out;
  }
  const first = new Float64Array(FANOUT * F);
  first.set(head!);
  first.set(records.subarray(0, (FANOUT - headCount) * F), head!.length);
  foldBlocks(level, first, 0, out, 0, 1);
  foldBlocks(level, records, FANOUT - headCount, out, 1, blocks - 1);
  return out;
}

/**
 * Blocks `[at, at + count)` of `out`, each folded from `FANOUT` records of `src` (from record
 * `from` on) as `foldPoints` and `foldBlock` fold them, with the block kept in local variables.
 */
function foldBlocks(level: number, src: Float64Array, from: number, out: Float64Array, at: number, count: number): void {
  if (level === 1) foldPointsToBlocks(src, from, out, at, count);
  else foldBlocksToBlocks(src, from, out, at, count);
}

function foldPointsToBlocks(src: Float64Array, from: number, out: Float64Array, at: number, count: number): void {
  for (let b = 0; b < count; b++) {
    let minX = NaN;
    let minY = NaN;
    let maxX = NaN;
    let maxY = NaN;
    let nanX = NaN;
    const end = (from + (b + 1) * FANOUT) * POINT_F64;
    for (let o = (from + b * FANOUT) * POINT_F64; o < end; o += POINT_F64) {
      const x = src[o];
      const y = src[o + 1];
      if (y !== y) {
        if (nanX !== nanX) nanX = x;
        continue;
      }
      if (minX !== minX || y < minY) {
        minX = x;
        minY = y;
      }
      if (maxX !== maxX || y > maxY) {
        maxX = x;
        maxY = y;
      }
    }
    const o = (at + b) * BLOCK_F64;
    out[o] = minX;
    out[o + 1] = minY;
    out[o + 2] = maxX;
    out[o + 3] = maxY;
    out[o + 4] = nanX;
  }
}

function foldBlocksToBlocks(src: Float64Array, from: number, out: Float64Array, at: number, count: number): void {
  for (let b = 0; b < count; b++) {
    let minX = NaN;
    let minY = NaN;
    let maxX = NaN;
    let maxY = NaN;
    let nanX = NaN;
    const end = (from + (b + 1) * FANOUT) * BLOCK_F64;
    for (let o = (from + b * FANOUT) * BLOCK_F64; o < end; o += BLOCK_F64) {
      const x = src[o];
      if (x === x && (minX !== minX || src[o + 1] < minY)) {
        minX = x;
        minY = src[o + 1];
      }
      const mx = src[o + 2];
      if (mx === mx && (maxX !== maxX || src[o + 3] > maxY)) {
        maxX = mx;
        maxY = src[o + 3];
      }
      if (nanX !== nanX) nanX = src[o + 4];
    }
    const o = (at + b) * BLOCK_F64;
    out[o] = minX;
    out[o + 1] = minY;
    out[o + 2] = maxX;
    out[o + 3] = maxY;
    out[o + 4] = nanX;
  }
}

/**
 * Folds points `[a, b)` into `acc` with as few reads as the pyramid allows: whole blocks of the
 * highest level up to `level` in the middle, the ragged edges from the levels below.
 */
export function foldRange(src: LevelSource, acc: Float64Array, a: number, b: number, level: number): void {
  if (b <= a) return;
  for (let k = Math.min(level, MAX_LEVEL); k >= 1; k--) {
    const size = blockSize(k);
    const ja = Math.ceil(a / size);
    const jb = Math.min(Math.floor(b / size), completeBlocks(src.count, k));
    if (ja >= jb) continue;
    foldRange(src, acc, a, ja * size, k - 1);
    const blocks = src.blocks(k, ja, jb);
    for (let j = 0; j < jb - ja; j++) foldBlock(acc, blocks, j * BLOCK_F64);
    foldRange(src, acc, jb * size, b, k - 1);
    return;
  }
  foldPoints(acc, src.points(a, b), 0, b - a);
}

/** What a range read returns: points to draw, and the bucket size (in points) they were reduced with; 1 means raw. */
export interface RangePoints {
  readonly steps: Float64Array;
  readonly values: Float64Array;
  /**
   * Wall time of each point (Unix seconds, NaN where unknown): exact for raw points; for buckets,
   * interpolated by step between stored points read at a few evenly spaced places of the range.
   */
  readonly times: Float64Array;
  /** Points per bucket: 1 when these are the raw points, else each bucket's min, max and first NaN. */
  readonly bucket: number;
}

/**
 * The bucket size for `n` points drawn `width` pixels wide: a multiple of a stored block size, large
 * enough that the aligned buckets covering the range are at most `width`.
 */
export function bucketFor(n: number, width: number): { bucket: number; level: number } {
  const target = Math.ceil(n / Math.max(1, width - 1));
  let level = 0;
  while (level < MAX_LEVEL && blockSize(level + 1) <= target) level++;
  const size = blockSize(level);
  return { bucket: Math.ceil(target / size) * size, level };
}

/**
 * Points `[i0, i1)` reduced to aligned buckets of `bucket` points (bucket boundaries at multiples of
 * `bucket`, clipped to the range): each bucket gives its lowest and highest point and its first NaN,
 * in step order (ties: min, then max, then NaN). Equal to reducing the raw points bucket by bucket.
 */
export function readBuckets(src: LevelSource, i0: number, i1: number, bucket: number, level: number): { steps: Float64Array; values: Float64Array } {
  const first = Math.floor(i0 / bucket);
  const last = Math.ceil(i1 / bucket);
  const steps = new Float64Array((last - first) * 3);
  const values = new Float64Array((last - first) * 3);
  let n = 0;
  const acc = emptyBlock();
  const size = blockSize(level);
  // Whole buckets inside the range and inside the stored blocks come from one read of the level.
  const innerFrom = Math.ceil(i0 / bucket);
  const innerTo = level === 0 ? innerFrom : Math.max(innerFrom, Math.min(Math.floor(i1 / bucket), Math.floor(completeBlocks(src.count, level) * size / bucket)));
  const perBucket = bucket / size;
  const inner = innerTo > innerFrom ? src.blocks(level, innerFrom * perBucket, innerTo * perBucket) : undefined;
  for (let m = first; m < last; m++) {
    acc.fill(NaN);
    if (inner && m >= innerFrom && m < innerTo) {
      const base = (m - innerFrom) * perBucket;
      for (let c = 0; c < perBucket; c++) foldBlock(acc, inner, (base + c) * BLOCK_F64);
    } else {
      foldRange(src, acc, Math.max(i0, m * bucket), Math.min(i1, (m + 1) * bucket), level);
    }
    n = emitBucket(acc, steps, values, n);
  }
  return { steps: steps.slice(0, n), values: values.slice(0, n) };
}

/** Appends a bucket's min, max and first NaN in step order (ties: min, max, NaN); returns the new length. */
export function emitBucket(acc: Float64Array, steps: Float64Array, values: Float64Array, n: number): number {
  const hasMin = !Number.isNaN(acc[0]);
  const hasMax = !Number.isNaN(acc[2]) && !(acc[2] === acc[0] && acc[3] === acc[1]);
  const hasNan = !Number.isNaN(acc[4]);
  // Min before max unless max is strictly earlier; the NaN mark goes after every point at or before its step.
  let ax = acc[0], ay = acc[1], bx = acc[2], by = acc[3];
  if (hasMin && hasMax && bx < ax) {
    [ax, ay, bx, by] = [bx, by, ax, ay];
  }
  const put = (x: number, y: number) => {
    steps[n] = x;
    values[n] = y;
    n++;
  };
  let nanDone = !hasNan;
  const nanX = acc[4];
  if (hasMin || hasMax) {
    const [x1, y1] = hasMin ? [ax, ay] : [bx, by];
    if (!nanDone && nanX < x1) { put(nanX, NaN); nanDone = true; }
    put(x1, y1);
    if (hasMin && hasMax) {
      if (!nanDone && nanX < bx) { put(nanX, NaN); nanDone = true; }
      put(bx, by);
    }
  }
  if (!nanDone) put(nanX, NaN);
  return n;
}
