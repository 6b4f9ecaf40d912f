/**
 * Points packed the way a series' points file holds them: step, value, wall time as three Float64
 * per point (NaN where a value or a time is missing), with what storing them needs to know of them
 * (whether their steps rise, their lowest and highest value) worked out as they are gathered, so
 * that a batch goes to the file as it is, without another pass over it. Ingest gathers points in a
 * `PointBuffer`; other callers pack arrays with `packPoints`.
 */
import { POINT_F64 } from './pyramid';

/** A batch of packed points and its summary. */
export interface PackedPoints {
  /** step, value, time per point. */
  readonly pts: Float64Array;
  /** Every step is above the one before it. */
  readonly rising: boolean;
  /** No step is below the one before it. */
  readonly nonFalling: boolean;
  /** Lowest step (Infinity when there is none). */
  readonly lowestStep: number;
  /** Lowest and highest value that is not NaN (NaN when there is none), and the step of its first point. */
  readonly min: number;
  readonly minStep: number;
  readonly max: number;
  readonly maxStep: number;
}

/** A growable buffer of packed points that keeps their summary; `clear` keeps its memory for the next batch. */
export class PointBuffer implements PackedPoints {
  private data: Float64Array;
  /** Points held. */
  length = 0;
  rising = true;
  nonFalling = true;
  lowestStep = Infinity;
  min = NaN;
  minStep = NaN;
  max = NaN;
  maxStep = NaN;
  private lastStep = -Infinity;

  constructor(capacity = 256) {
    this.data = new Float64Array(Math.max(1, capacity) * POINT_F64);
  }

  /** Bytes held, used or not. */
  get byteLength(): number {
    return this.data.byteLength;
  }

  /** The points held (a view: valid until the next `push` or `clear`). */
  get pts(): Float64Array {
    return this.data.subarray(0, this.length * POINT_F64);
  }

  push(step: number, value: number, time: number): void {
    const o = this.length * POINT_F64;
    if (o === this.data.length) this.grow();
    const d = this.data;
    d[o] = step;
    d[o + 1] = value;
    d[o + 2] = time;
    this.length++;
    if (!(step > this.lastStep)) {
      this.rising = false;
      if (!(step >= this.lastStep)) this.nonFalling = false;
    }
    this.lastStep = step;
    if (step < this.lowestStep) this.lowestStep = step;
    if (Number.isNaN(value)) return;
    if (!(value >= this.min)) {
      this.min = value;
      this.minStep = step;
    }
    if (!(value <= this.max)) {
      this.max = value;
      this.maxStep = step;
    }
  }

  clear(): void {
    this.length = 0;
    this.rising = true;
    this.nonFalling = true;
    this.lowestStep = Infinity;
    this.min = NaN;
    this.minStep = NaN;
    this.max = NaN;
    this.maxStep = NaN;
    this.lastStep = -Infinity;
  }

  private grow(): void {
    const bigger = new Float64Array(this.data.length * 2);
    bigger.set(this.data);
    this.data = bigger;
  }
}

/** Points given as arrays, packed (a missing time becomes NaN), with their summary. */
export function packPoints(steps: readonly number[], values: readonly number[], times: readonly (number | null)[]): PackedPoints {
  const b = new PointBuffer(steps.length);
  for (let i = 0; i < steps.length; i++) b.push(steps[i], values[i], times[i] ?? NaN);
  return b;
}

/** Points already packed (copied), with their summary. */
export function summarise(pts: Float64Array): PackedPoints {
  const n = pts.length / POINT_F64;
  const b = new PointBuffer(n);
  for (let i = 0; i < n; i++) b.push(pts[i * POINT_F64], pts[i * POINT_F64 + 1], pts[i * POINT_F64 + 2]);
  return b;
}

/**
 * Whether a batch can go after the stored points as it is: its steps rise, from above `lastStep`
 * (or, keeping every value at a step with `keepAll`, never fall, from `lastStep` on).
 */
export function appendsInOrder(lastStep: number | null, batch: PackedPoints, keepAll: boolean): boolean {
  if (batch.pts.length === 0) return true;
  const first = batch.pts[0];
  const from = lastStep ?? -Infinity;
  return keepAll ? batch.nonFalling && first >= from : batch.rising && first > from;
}

/** Packed points as arrays (for the path that merges a batch out of order). */
export function unpackPoints(pts: Float64Array): { steps: number[]; values: number[]; times: number[] } {
  const n = pts.length / POINT_F64;
  const steps = new Array<number>(n);
  const values = new Array<number>(n);
  const times = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    steps[i] = pts[i * POINT_F64];
    values[i] = pts[i * POINT_F64 + 1];
    times[i] = pts[i * POINT_F64 + 2];
  }
  return { steps, values, times };
}
