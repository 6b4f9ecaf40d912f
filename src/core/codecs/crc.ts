/**
 * CRC-32 checksums for the binary logs of other trackers, table-driven (slicing-by-8), no dependencies.
 *
 * - CRC-32C (Castagnoli), masked as TensorFlow/LevelDB do: TFRecord framing of TensorBoard event files.
 * - CRC-32 (IEEE, as zlib): the LevelDB-style log of W&B `.wandb` files (wandb writes it unmasked).
 */

const CASTAGNOLI = 0x82f63b78;
const IEEE = 0xedb88320;

function makeTables(poly: number): Uint32Array {
  const t = new Uint32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + i];
      t[k * 256 + i] = ((prev >>> 8) ^ t[prev & 0xff]) >>> 0;
    }
  }
  return t;
}

let castagnoliTable: Uint32Array | undefined;
let ieeeTable: Uint32Array | undefined;

function update(t: Uint32Array, seed: number, buf: Uint8Array, start: number, end: number): number {
  let c = ~seed;
  let i = start;
  while (end - i >= 8) {
    const a = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + buf[i + 4]] ^
      t[512 + buf[i + 5]] ^
      t[256 + buf[i + 6]] ^
      t[buf[i + 7]];
    i += 8;
  }
  while (i < end) c = t[(c ^ buf[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32C of `buf[start, end)`; `seed` is the CRC of the bytes before (0 to start). */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  castagnoliTable ??= makeTables(CASTAGNOLI);
  return update(castagnoliTable, seed, buf, start, end);
}

/** CRC-32 (IEEE 802.3, the zlib one) of `buf[start, end)`; `seed` is the CRC of the bytes before (0 to start). */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  ieeeTable ??= makeTables(IEEE);
  return update(ieeeTable, seed, buf, start, end);
}

/** The masking TensorFlow and LevelDB apply to a stored CRC (so that CRCs of data holding CRCs stay useful). */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Masked CRC-32C of `buf[start, end)`: the checksum TFRecord framing stores. */
export function maskedCrc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return maskCrc(crc32c(buf, start, end));
}
