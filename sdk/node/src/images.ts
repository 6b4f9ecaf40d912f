// Images for logImage: encoded files as they are, raw pixels as PNG.
import * as fs from 'fs';
import * as zlib from 'zlib';

/** Raw 8-bit pixels, row by row, `channels` samples a pixel (1 grey, 3 RGB, 4 RGBA). */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels?: 1 | 3 | 4;
  readonly data: ArrayLike<number>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(kind: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(payload.length, 0);
  head.write(kind, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), payload])), 0);
  return Buffer.concat([head, payload, crc]);
}

/** PNG bytes of raw 8-bit pixels (values are clipped to 0..255). */
export function encodePng(image: RawImage): Buffer {
  const { width, height } = image;
  const channels = image.channels ?? 4;
  if (![1, 3, 4].includes(channels)) throw new RangeError(`labbook.logImage: channels must be 1, 3 or 4, not ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new RangeError(`labbook.logImage: bad size ${width}×${height}`);
  if (image.data.length !== width * height * channels) throw new RangeError(`labbook.logImage: ${width}×${height}×${channels} needs ${width * height * channels} samples, got ${image.data.length}`);
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < stride; i++) {
      const v = Number(image.data[y * stride + i]);
      raw[y * (stride + 1) + 1 + i] = v !== v || v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = { 1: 0, 3: 2, 4: 6 }[channels];
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** 'png', 'jpg', 'gif', 'webp' or 'bmp' from an encoded image's first bytes, or undefined. */
export function imageExtension(b: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((x, j) => b[i + j] === x);
  if (b.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (b.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'jpg';
  if (b.length >= 6 && at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (b.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (b.length >= 14 && at(0, 0x42, 0x4d)) return 'bmp';
  return undefined;
}

export function imageBytes(image: string | Uint8Array | RawImage): { data: Buffer; ext: string } {
  let data: Buffer;
  if (typeof image === 'string') data = fs.readFileSync(image);
  else if (image instanceof Uint8Array) data = Buffer.from(image);
  else return { data: encodePng(image), ext: 'png' };
  const ext = imageExtension(data);
  if (!ext) throw new Error(`labbook.logImage: ${typeof image === 'string' ? JSON.stringify(image) : 'the bytes'} are not a PNG, JPEG, GIF, WebP or BMP image`);
  return { data, ext };
}
