import * as zlib from 'zlib';
import { crc32 as crc32Table } from '../codecs/crc';
import type { Blobs } from './blobs';

/**
 * One checksummed file of fixed-size records (a series' points, or one level of its pyramid), so
 * that a file damaged on disk is noticed when it is read instead of being drawn.
 *
 * Layout (format 2, little-endian):
 *
 *     header   32 bytes: "LBSR", format u32, kind u32 (0 points, k level k), record bytes u32,
 *              records per chunk u32, generation u32, series id f64
 *     chunk 0  R records, then its trailer: records covered u32, CRC-32 u32
 *     chunk 1  …
 *
 * Record i sits at a fixed place (chunk ⌊i / R⌋, slot i mod R), and so does each chunk's trailer,
 * whatever the chunk holds: appending writes the new records, then the trailer of each chunk they
 * touch, in one positioned write in file order. A process killed part-way leaves the old trailer
 * (still right for the records the index counts) or the new one with all its records. The CRC of a
 * chunk covers its first `covered` records and starts from a seed made of the expected header and
 * the chunk's number, so a chunk or a whole file of another series (or of another place in this
 * one) fails it too. A reader needs every chunk it touches to cover at least the records the index
 * counts there; records past the count (written after the last save, or by a rolled-back write)
 * may be covered or not and are never returned.
 */

export const FORMAT_VERSION = 2;
export const HEADER_BYTES = 32;
export const TRAILER_BYTES = 8;
const MAGIC = 0x5253424c; // "LBSR"

const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (zlib's) of `data`, continuing from `seed`: native when Node has it. */
export const crc32 = (data: Uint8Array, seed = 0): number => (nativeCrc ? nativeCrc(data, seed) : crc32Table(data, 0, data.length, seed));

/** A series file that fails its checks: which file, and what is wrong with it. */
export class SeriesDamage extends Error {
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** Which series file and how its records are laid out. */
export interface RecordLayout {
  readonly name: string;
  readonly id: number;
  readonly gen: number;
  /** 0 for points, k for pyramid level k. */
  readonly kind: number;
  /** Float64s per record. */
  readonly recordF64: number;
  /** Records per chunk. */
  readonly perChunk: number;
}

/** What a caller may keep between calls: headers already checked, and the open chunk's trailer of files being appended to. */
export interface RecordCache {
  readonly checked: Set<string>;
  readonly tails: Map<string, { covered: number; crc: number }>;
}

const scratch = new Uint8Array(4);
const scratchView = new DataView(scratch.buffer);

export class RecordFile {
  readonly recordBytes: number;
  readonly chunkBytes: number;
  private readonly header: Uint8Array;
  private readonly seed: number;

  constructor(private readonly blobs: Blobs, readonly layout: RecordLayout, private readonly cache: RecordCache) {
    this.recordBytes = layout.recordF64 * 8;
    this.chunkBytes = layout.perChunk * this.recordBytes + TRAILER_BYTES;
    this.header = new Uint8Array(HEADER_BYTES);
    const h = new DataView(this.header.buffer);
    h.setUint32(0, MAGIC, true);
    h.setUint32(4, FORMAT_VERSION, true);
    h.setUint32(8, layout.kind, true);
    h.setUint32(12, this.recordBytes, true);
    h.setUint32(16, layout.perChunk, true);
    h.setUint32(20, layout.gen, true);
    h.setFloat64(24, layout.id, true);
    this.seed = crc32(this.header);
  }

  get name(): string {
    return this.layout.name;
  }

  chunkPos(c: number): number {
    return HEADER_BYTES + c * this.chunkBytes;
  }

  /** Bytes the file holds at least when it has `count` records: through the trailer of the chunk of the last one. */
  bytesFor(count: number): number {
    return count === 0 ? 0 : this.chunkPos(Math.ceil(count / this.layout.perChunk));
  }

  private chunkSeed(c: number): number {
    scratchView.setUint32(0, c, true);
    return crc32(scratch, this.seed);
  }

  private damage(detail: string): SeriesDamage {
    this.cache.checked.delete(this.name);
    this.cache.tails.delete(this.name);
    return new SeriesDamage(this.name, detail);
  }

  /** Throws unless the file starts with this series' header. */
  private checkHeader(): void {
    if (this.cache.checked.has(this.name)) return;
    const got = new Uint8Array(HEADER_BYTES);
    const n = this.blobs.read(this.name, 0, got);
    if (n < HEADER_BYTES) throw this.damage(n === 0 ? 'the file is missing or empty' : `the file is cut short (${n} bytes)`);
    const have = new DataView(got.buffer);
    if (have.getUint32(0, true) !== MAGIC) throw this.damage('it is not a Labbook series file (its first bytes are wrong)');
    if (have.getUint32(4, true) !== FORMAT_VERSION) throw this.damage(`it is in format ${have.getUint32(4, true)}, not ${FORMAT_VERSION}`);
    if (have.getFloat64(24, true) !== this.layout.id || have.getUint32(20, true) !== this.layout.gen || have.getUint32(8, true) !== this.layout.kind) {
      throw this.damage(`it holds another series' data (series ${have.getFloat64(24, true)}, generation ${have.getUint32(20, true)}, ${have.getUint32(8, true) ? `level ${have.getUint32(8, true)}` : 'points'})`);
    }
    for (let i = 12; i < 20; i++) if (got[i] !== this.header[i]) throw this.damage('its header is damaged');
    if (this.cache.checked.size > 200_000) this.cache.checked.clear();
    this.cache.checked.add(this.name);
  }

  /** Throws unless chunk `c` (its bytes at `buf[o…]`) covers at least `need` records and matches its checksum; returns how many it covers. */
  private checkChunk(buf: Uint8Array, view: DataView, o: number, c: number, need: number): number {
    const t = o + this.chunkBytes - TRAILER_BYTES;
    const covered = view.getUint32(t, true);
    if (covered < need || covered > this.layout.perChunk) {
      throw this.damage(`chunk ${c} holds ${covered} records where ${need} were written (records ${c * this.layout.perChunk}–${c * this.layout.perChunk + need - 1})`);
    }
    if (crc32(buf.subarray(o, o + covered * this.recordBytes), this.chunkSeed(c)) !== view.getUint32(t + 4, true)) {
      throw this.damage(`chunk ${c} fails its checksum (records ${c * this.layout.perChunk}–${c * this.layout.perChunk + covered - 1})`);
    }
    return covered;
  }

  /** Records `[from, to)` of a file the index says holds `count`, interleaved, each chunk checked; throws SeriesDamage. */
  read(from: number, to: number, count: number): Float64Array {
    const F = this.layout.recordF64;
    const R = this.layout.perChunk;
    const out = new Float64Array(Math.max(0, to - from) * F);
    if (to <= from) return out;
    if (to > count) throw new Error(`read past the last record (${to} > ${count})`);
    this.checkHeader();
    const c0 = Math.floor(from / R);
    const c1 = Math.floor((to - 1) / R);
    const buf = new Uint8Array((c1 - c0 + 1) * this.chunkBytes);
    const got = this.blobs.read(this.name, this.chunkPos(c0), buf);
    const records = new Float64Array(buf.buffer);
    const view = new DataView(buf.buffer);
    const perChunkF64 = this.chunkBytes / 8;
    for (let c = c0; c <= c1; c++) {
      const o = (c - c0) * this.chunkBytes;
      if (got < o + this.chunkBytes) throw this.damage(`the file is cut short: it ends at byte ${this.chunkPos(c0) + got}, inside chunk ${c} of the ${count} records written`);
      this.checkChunk(buf, view, o, c, Math.min(R, count - c * R));
      const a = Math.max(from, c * R);
      const b = Math.min(to, (c + 1) * R);
      const src = (c - c0) * perChunkF64 + (a - c * R) * F;
      out.set(records.subarray(src, src + (b - a) * F), (a - from) * F);
    }
    return out;
  }

  /**
   * Appends records (interleaved Float64s) after the first `count`, which the file holds exactly
   * (see `cut`): the records, then the trailers of the chunks they fill, in one write.
   */
  append(count: number, data: Float64Array): void {
    const F = this.layout.recordF64;
    const R = this.layout.perChunk;
    const m = data.length / F;
    if (m === 0) return;
    if (count === 0) this.blobs.write(this.name, 0, this.header);
    const c0 = Math.floor(count / R);
    const end = count + m;
    const c1 = Math.floor((end - 1) / R);
    const start = this.chunkPos(c0) + (count - c0 * R) * this.recordBytes;
    const buf = new Uint8Array(this.chunkPos(c1 + 1) - start);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const view = new DataView(buf.buffer);
    let crc = count % R === 0 ? this.chunkSeed(c0) : this.openTail(count).crc;
    let covered = count - c0 * R;
    for (let c = c0, i = count; c <= c1; c++) {
      const upto = Math.min(end, (c + 1) * R);
      const part = bytes.subarray((i - count) * this.recordBytes, (upto - count) * this.recordBytes);
      const at = this.chunkPos(c) + (i - c * R) * this.recordBytes - start;
      buf.set(part, at);
      crc = crc32(part, crc);
      covered += upto - i;
      view.setUint32(this.chunkPos(c + 1) - TRAILER_BYTES - start, covered, true);
      view.setUint32(this.chunkPos(c + 1) - TRAILER_BYTES - start + 4, crc, true);
      i = upto;
      if (c < c1) {
        crc = this.chunkSeed(c + 1);
        covered = 0;
      }
    }
    this.blobs.write(this.name, start, buf);
    if (end % R === 0) this.cache.tails.delete(this.name);
    else this.cache.tails.set(this.name, { covered, crc });
  }

  /** The trailer of the chunk holding record `count` (not its first), which must cover exactly the records before it. */
  private openTail(count: number): { covered: number; crc: number } {
    const R = this.layout.perChunk;
    const want = count % R;
    const cached = this.cache.tails.get(this.name);
    if (cached && cached.covered === want) return cached;
    const t = new Uint8Array(TRAILER_BYTES);
    const c = Math.floor(count / R);
    this.blobs.read(this.name, this.chunkPos(c + 1) - TRAILER_BYTES, t);
    const v = new DataView(t.buffer);
    if (v.getUint32(0, true) !== want) throw this.damage(`chunk ${c} holds ${v.getUint32(0, true)} records where ${want} were written`);
    return { covered: want, crc: v.getUint32(4, true) };
  }

  /**
   * Makes the file hold exactly its first `count` records (what the index counts): anything after
   * them is cut, and the trailer of their last chunk is made to cover exactly them, after checking
   * the records it covered. Throws SeriesDamage when those records are not whole.
   */
  cut(count: number): void {
    const R = this.layout.perChunk;
    this.cache.tails.delete(this.name);
    this.blobs.truncate(this.name, this.bytesFor(count));
    if (count === 0) return;
    this.checkHeader();
    const c = Math.floor((count - 1) / R);
    const need = count - c * R;
    const buf = new Uint8Array(this.chunkBytes);
    const got = this.blobs.read(this.name, this.chunkPos(c), buf);
    if (got < this.chunkBytes) throw this.damage(`the file is cut short: it ends at byte ${this.chunkPos(c) + got}, inside chunk ${c} of the ${count} records written`);
    const covered = this.checkChunk(buf, new DataView(buf.buffer), 0, c, need);
    if (covered === need) {
      if (need < R) this.cache.tails.set(this.name, { covered, crc: new DataView(buf.buffer).getUint32(this.chunkBytes - 4, true) });
      return;
    }
    const trailer = new Uint8Array(TRAILER_BYTES);
    const v = new DataView(trailer.buffer);
    const crc = crc32(buf.subarray(0, need * this.recordBytes), this.chunkSeed(c));
    v.setUint32(0, need, true);
    v.setUint32(4, crc, true);
    this.blobs.write(this.name, this.chunkPos(c + 1) - TRAILER_BYTES, trailer);
    this.cache.tails.set(this.name, { covered: need, crc });
  }
}
