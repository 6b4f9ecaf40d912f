/**
 * A minimal protocol-buffers wire-format reader, enough to pull known fields out of the messages other
 * trackers write (TensorBoard `Event`, W&B `Record`) without a schema compiler or dependency.
 *
 * One `ProtoReader` walks one buffer in place: `next()` reads a field key, then one of the value
 * methods (or `skip()`) consumes its value. Sub-messages are read with `enter()` / `leave()`, which
 * only move offsets, so decoding allocates nothing but the strings and numbers asked for.
 * Malformed or truncated input throws a `ProtoError`.
 */

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

export class ProtoError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'ProtoError';
  }
}

const TWO_32 = 4294967296;

/** The key `ProtoReader.next()` returns for a field number and wire type. */
export function fieldKey(field: number, wire: WireType): number {
  return field * 8 + wire;
}

export class ProtoReader {
  buf: Buffer;
  pos: number;
  end: number;
  /** Field number and wire type of the field whose key `next()` read last. */
  field = 0;
  wire = 0;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** Points the reader at `buf[start, end)`. */
  reset(buf: Buffer, start = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.field = 0;
    this.wire = 0;
    return this;
  }

  /**
   * Reads the next field key and returns it (`field * 8 + wire type`, compare with `fieldKey()`),
   * or 0 at the end of the current message. `field` and `wire` are set too.
   */
  next(): number {
    if (this.pos >= this.end) return 0;
    const key = this.varint();
    this.field = Math.floor(key / 8);
    this.wire = key & 7;
    if (this.field === 0) throw new ProtoError('field number 0', this.pos);
    return key;
  }

  /**
   * A varint as a JS number: exact up to 2^53; a negative int64 (ten-byte two's complement) comes back negative.
   * Use for int32/int64/uint32/uint64/enum/bool.
   */
  varint(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p >= end) throw new ProtoError('truncated varint', p);
    let byte = b[p++];
    if (byte < 0x80) {
      this.pos = p;
      return byte;
    }
    let lo = byte & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= end) throw new ProtoError('truncated varint', p);
      byte = b[p++];
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return lo;
      }
    }
    // Bits 28..31 of lo and 0..2 of hi come from the fifth byte.
    if (p >= end) throw new ProtoError('truncated varint', p);
    byte = b[p++];
    lo = (lo | ((byte & 0x0f) << 28)) >>> 0;
    let hi = (byte & 0x7f) >>> 4;
    if (byte >= 0x80) {
      let shift = 3;
      for (;;) {
        if (p >= end) throw new ProtoError('truncated varint', p);
        if (shift > 31) throw new ProtoError('varint longer than 10 bytes', p);
        byte = b[p++];
        hi = (hi | ((byte & 0x7f) << shift)) >>> 0;
        if (byte < 0x80) break;
        shift += 7;
      }
    }
    this.pos = p;
    if (hi & 0x80000000) {
      // Negative int64: -(~value + 1).
      const nlo = ~lo >>> 0;
      const nhi = ~hi >>> 0;
      return -(nhi * TWO_32 + nlo + 1);
    }
    return hi * TWO_32 + lo;
  }

  /** A zigzag-encoded (sint32/sint64) varint. */
  svarint(): number {
    const v = this.varint();
    // Exact for magnitudes up to 2^52.
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  fixed32(): number {
    const p = this.need(4);
    return this.buf.readUInt32LE(p);
  }

  sfixed32(): number {
    const p = this.need(4);
    return this.buf.readInt32LE(p);
  }

  float(): number {
    const p = this.need(4);
    return this.buf.readFloatLE(p);
  }

  double(): number {
    const p = this.need(8);
    return this.buf.readDoubleLE(p);
  }

  /** fixed64/sfixed64 as a number (exact up to 2^53). */
  fixed64(signed = false): number {
    const p = this.need(8);
    const lo = this.buf.readUInt32LE(p);
    const hi = signed ? this.buf.readInt32LE(p + 4) : this.buf.readUInt32LE(p + 4);
    return hi * TWO_32 + lo;
  }

  /**
   * Reads the length of a length-delimited value and returns where its bytes start; they end at the
   * returned start + `this.lastLength`. The reader is moved past them.
   */
  bytesStart(): number {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new ProtoError('length-delimited field runs past its message', start);
    this.pos = start + len;
    this.lastLength = len;
    return start;
  }
  lastLength = 0;

  /** A length-delimited value as a view on the buffer (no copy). */
  bytes(): Buffer {
    const start = this.bytesStart();
    return this.buf.subarray(start, start + this.lastLength);
  }

  string(): string {
    const start = this.bytesStart();
    return this.buf.toString('utf8', start, start + this.lastLength);
  }

  /** Enters a length-delimited sub-message; returns the outer end, to give back to `leave()`. */
  enter(): number {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new ProtoError('sub-message runs past its parent', start);
    const outer = this.end;
    this.end = start + len;
    return outer;
  }

  /** Leaves the sub-message entered by `enter()`, skipping what was not read of it. */
  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }

  /** Skips the value of the field whose key was just read. */
  skip(): void {
    switch (this.wire) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.need(8);
        return;
      case WireType.LengthDelimited:
        this.bytesStart();
        return;
      case WireType.Fixed32:
        this.need(4);
        return;
      case WireType.StartGroup: {
        const group = this.field;
        for (;;) {
          const key = this.next();
          if (key === 0) throw new ProtoError('unterminated group', this.pos);
          if (key === fieldKey(group, WireType.EndGroup)) return;
          if ((key & 7) === WireType.EndGroup) throw new ProtoError('mismatched end group', this.pos);
          this.skip();
        }
      }
      default:
        throw new ProtoError(`invalid wire type ${this.wire}`, this.pos);
    }
  }

  /** Reserves `n` bytes at the current position and returns where they start. */
  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new ProtoError('truncated fixed-width value', p);
    this.pos = p + n;
    return p;
  }
}
