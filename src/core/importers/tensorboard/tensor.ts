/** The value of a one-element numeric `tensorflow.TensorProto`, whatever its dtype and encoding. */
import { fieldKey, type ProtoReader, WireType } from '../../codecs/protobuf';

/** No value decoded (NaN is a legitimate value, so it cannot be the marker). */
export const NONE = Symbol('none');

// tensorflow/core/framework/{tensor,tensor_shape}.proto
const TENSOR_DTYPE = fieldKey(1, WireType.Varint);
const TENSOR_SHAPE = fieldKey(2, WireType.LengthDelimited);
const TENSOR_CONTENT = fieldKey(4, WireType.LengthDelimited);
const SHAPE_DIM = fieldKey(2, WireType.LengthDelimited);
const SHAPE_UNKNOWN_RANK = fieldKey(3, WireType.Varint);
const DIM_SIZE = fieldKey(1, WireType.Varint);

// tensorflow/core/framework/types.proto
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

/** TensorProto repeated value fields: float_val 5, double_val 6, int_val 7, int64_val 10, bool_val 11, half_val 13, uint32_val 16, uint64_val 17. */
const VALUE_FIELDS = new Set([5, 6, 7, 10, 11, 13, 16, 17]);
const VALUE_FIELD_OF_DTYPE = new Map<number, number>([
  [DT_FLOAT, 5],
  [DT_DOUBLE, 6],
  [DT_INT32, 7],
  [DT_INT16, 7],
  [DT_INT8, 7],
  [DT_UINT8, 7],
  [DT_UINT16, 7],
  [DT_INT64, 10],
  [DT_BOOL, 11],
  [DT_HALF, 13],
  [DT_BFLOAT16, 13],
  [DT_UINT32, 16],
  [DT_UINT64, 17],
]);

/** IEEE half precision bits to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/**
 * The value of a one-element numeric TensorProto at `[start, end)` of the reader's buffer, or NONE
 * (strings, several elements, unknown types). Restores the reader's position.
 */
export function scalarTensor(r: ProtoReader, start: number, end: number): number | typeof NONE {
  const outerPos = r.pos;
  const outerEnd = r.end;
  r.pos = start;
  r.end = end;
  let dtype = 0;
  let count = 1;
  let contentStart = -1;
  let contentLen = 0;
  let value: number | typeof NONE = NONE;
  let valueField = 0;
  try {
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === TENSOR_DTYPE) dtype = r.varint();
      else if (k === TENSOR_SHAPE) {
        const o = r.enter();
        for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
          if (k2 === SHAPE_DIM) {
            const o2 = r.enter();
            let size = 1;
            for (let k3 = r.next(); k3 !== 0; k3 = r.next()) {
              if (k3 === DIM_SIZE) size = r.varint();
              else r.skip();
            }
            r.leave(o2);
            count *= size;
          } else if (k2 === SHAPE_UNKNOWN_RANK) {
            if (r.bool()) count = -1;
          } else r.skip();
        }
        r.leave(o);
      } else if (k === TENSOR_CONTENT) {
        contentStart = r.bytesStart();
        contentLen = r.lastLength;
      } else if (VALUE_FIELDS.has(r.field) && value === NONE) {
        valueField = r.field;
        value = firstRepeated(r, valueField);
      } else r.skip();
    }
  } finally {
    r.pos = outerPos;
    r.end = outerEnd;
  }
  if (count !== 1) return NONE;
  if (contentStart >= 0 && contentLen > 0) return fromContent(r.buf, contentStart, contentLen, dtype);
  if (value === NONE || VALUE_FIELD_OF_DTYPE.get(dtype) !== valueField) return NONE;
  if (dtype === DT_HALF) return halfToNumber(value);
  if (dtype === DT_BFLOAT16) return bfloat16ToNumber(value);
  return value;
}

/** The first element of a repeated numeric field (the one whose key was just read), packed or not. */
function firstRepeated(r: ProtoReader, field: number): number | typeof NONE {
  const fixed = field === 5 ? 4 : field === 6 ? 8 : 0;
  const wire: number = r.wire;
  if (wire === WireType.LengthDelimited) {
    const start = r.bytesStart();
    const len = r.lastLength;
    if (len === 0) return NONE;
    if (fixed === 4) return len >= 4 ? r.buf.readFloatLE(start) : NONE;
    if (fixed === 8) return len >= 8 ? r.buf.readDoubleLE(start) : NONE;
    const pos = r.pos;
    const end = r.end;
    r.pos = start;
    r.end = start + len;
    const v = r.varint();
    r.pos = pos;
    r.end = end;
    return v;
  }
  if (fixed === 4 && wire === WireType.Fixed32) return r.float();
  if (fixed === 8 && wire === WireType.Fixed64) return r.double();
  if (fixed === 0 && wire === WireType.Varint) return r.varint();
  r.skip();
  return NONE;
}

function fromContent(buf: Buffer, start: number, len: number, dtype: number): number | typeof NONE {
  const need = (n: number): boolean => len >= n;
  switch (dtype) {
    case DT_FLOAT:
      return need(4) ? buf.readFloatLE(start) : NONE;
    case DT_DOUBLE:
      return need(8) ? buf.readDoubleLE(start) : NONE;
    case DT_INT32:
      return need(4) ? buf.readInt32LE(start) : NONE;
    case DT_UINT32:
      return need(4) ? buf.readUInt32LE(start) : NONE;
    case DT_INT64:
      return need(8) ? buf.readInt32LE(start + 4) * 4294967296 + buf.readUInt32LE(start) : NONE;
    case DT_UINT64:
      return need(8) ? buf.readUInt32LE(start + 4) * 4294967296 + buf.readUInt32LE(start) : NONE;
    case DT_INT16:
      return need(2) ? buf.readInt16LE(start) : NONE;
    case DT_UINT16:
      return need(2) ? buf.readUInt16LE(start) : NONE;
    case DT_INT8:
      return need(1) ? buf.readInt8(start) : NONE;
    case DT_UINT8:
      return need(1) ? buf.readUInt8(start) : NONE;
    case DT_BOOL:
      return need(1) ? (buf[start] ? 1 : 0) : NONE;
    case DT_HALF:
      return need(2) ? halfToNumber(buf.readUInt16LE(start)) : NONE;
    case DT_BFLOAT16:
      return need(2) ? bfloat16ToNumber(buf.readUInt16LE(start)) : NONE;
    default:
      return NONE;
  }
}
