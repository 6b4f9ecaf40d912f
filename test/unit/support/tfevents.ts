// A tiny protobuf / TFRecord writer, to craft TensorBoard event files (and the protobuf records of
// W&B logs) in tests and benchmarks.
import { maskedCrc32c } from '../../../src/core/codecs/crc';

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
export const key = (field: number, wire: number): Buffer => varint(field * 8 + wire);
export const vField = (field: number, n: number | bigint): Buffer => Buffer.concat([key(field, 0), varint(n)]);
export const lField = (field: number, payload: Buffer | string): Buffer => {
  const b = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([key(field, 2), varint(b.length), b]);
};
export const f32Field = (field: number, x: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return Buffer.concat([key(field, 5), b]);
};
export const f64Field = (field: number, x: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return Buffer.concat([key(field, 1), b]);
};

export interface EventSpec {
  wall?: number;
  step?: number;
  fileVersion?: string;
  values?: Buffer[];
}
export function event(e: EventSpec): Buffer {
  const parts: Buffer[] = [];
  if (e.wall !== undefined) parts.push(f64Field(1, e.wall));
  if (e.step) parts.push(vField(2, e.step));
  if (e.fileVersion) parts.push(lField(3, e.fileVersion));
  if (e.values) parts.push(lField(5, Buffer.concat(e.values.map((v) => lField(1, v)))));
  return Buffer.concat(parts);
}
export const metadata = (plugin: string): Buffer => lField(9, lField(1, lField(1, plugin)));
export function simple(tag: string, v: number, plugin?: string): Buffer {
  return Buffer.concat([lField(1, tag), f32Field(2, v), ...(plugin ? [metadata(plugin)] : [])]);
}
export function tensorValue(tag: string, tensor: Buffer, plugin?: string): Buffer {
  return Buffer.concat([lField(1, tag), ...(plugin ? [metadata(plugin)] : []), lField(8, tensor)]);
}
export function shape(dims: number[]): Buffer {
  return lField(2, Buffer.concat(dims.map((d) => lField(2, vField(1, d)))));
}
export function tfrecord(data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(data.length, 0);
  head.writeUInt32LE(0, 4);
  head.writeUInt32LE(maskedCrc32c(head, 0, 8), 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([head, data, tail]);
}
export const fileVersionEvent = (wall: number): Buffer => tfrecord(event({ wall, fileVersion: 'brain.Event:2' }));
export const scalarEvents = (tag: string, points: Array<[number, number]>, wall = 1_700_000_000): Buffer[] =>
  points.map(([step, v]) => tfrecord(event({ wall: wall + step, step, values: [simple(tag, v)] })));

/** A TF1 / PyTorch image summary: `Summary.Value.image` with the encoded image bytes. */
export function imageValue(tag: string, encoded: Buffer, width: number, height: number): Buffer {
  return Buffer.concat([lField(1, tag), lField(4, Buffer.concat([vField(1, height), vField(2, width), vField(3, 3), lField(4, encoded)]))]);
}
/** A TF2 `tf.summary.image`: a DT_STRING tensor `[width, height, image…]` of the images plugin. */
export function imageTensorValue(tag: string, encoded: Buffer[], width: number, height: number): Buffer {
  const tensor = Buffer.concat([vField(1, 7), shape([encoded.length + 2]), lField(8, String(width)), lField(8, String(height)), ...encoded.map((e) => lField(8, e))]);
  return tensorValue(tag, tensor, 'images');
}
