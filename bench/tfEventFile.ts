// A TensorBoard event file written as PyTorch's SummaryWriter writes scalars: a version event, then one
// scalar event per tag and step, each a TFRecord with masked CRC-32C checksums. Used by the benches that
// import big TensorBoard runs.
import * as fs from 'fs';
import { maskedCrc32c } from '../src/core/codecs/crc';

/** Writes `file` with `tags` × `steps` scalar events, wall time 1,700,000,000 + step / 100, values from `value`. */
export function writeScalarEvents(file: string, tags: readonly string[], steps: number, value: (step: number, tag: number) => number): void {
  const fd = fs.openSync(file, 'w');
  const buf = Buffer.alloc(8 << 20);
  let n = 0;
  const record = (data: Buffer): void => {
    if (n + data.length + 16 > buf.length) {
      fs.writeSync(fd, buf, 0, n);
      n = 0;
    }
    buf.writeUInt32LE(data.length, n);
    buf.writeUInt32LE(0, n + 4);
    buf.writeUInt32LE(maskedCrc32c(buf, n, n + 8), n + 8);
    data.copy(buf, n + 12);
    buf.writeUInt32LE(maskedCrc32c(data), n + 12 + data.length);
    n += data.length + 16;
  };
  const version = Buffer.from('brain.Event:2');
  const head = Buffer.alloc(9);
  head[0] = 0x09;
  head.writeDoubleLE(1_700_000_000, 1);
  record(Buffer.concat([head, Buffer.from([0x1a, version.length]), version]));
  const names = tags.map((t) => Buffer.from(t));
  // Lengths below are written as one-byte varints.
  if (names.some((b) => b.length > 100)) throw new Error('tag names of over 100 bytes are not written by this bench');
  const ev = Buffer.alloc(64 + Math.max(0, ...names.map((b) => b.length)));
  for (let step = 0; step < steps; step++) {
    for (let k = 0; k < names.length; k++) {
      // Event { wall_time = 1; step = 2; summary = 5 { value = 1 { tag = 1; simple_value = 2 } } }
      let o = 0;
      ev[o++] = 0x09;
      ev.writeDoubleLE(1_700_000_000 + step * 0.01, o);
      o += 8;
      if (step > 0) {
        ev[o++] = 0x10;
        for (let s = step; ; s >>>= 7) {
          if (s < 0x80) {
            ev[o++] = s;
            break;
          }
          ev[o++] = (s & 0x7f) | 0x80;
        }
      }
      const valueLen = 2 + names[k].length + 5;
      ev[o++] = 0x2a;
      ev[o++] = valueLen + 2;
      ev[o++] = 0x0a;
      ev[o++] = valueLen;
      ev[o++] = 0x0a;
      ev[o++] = names[k].length;
      names[k].copy(ev, o);
      o += names[k].length;
      ev[o++] = 0x15;
      ev.writeFloatLE(value(step, k), o);
      o += 4;
      record(ev.subarray(0, o));
    }
  }
  fs.writeSync(fd, buf, 0, n);
  fs.closeSync(fd);
}
