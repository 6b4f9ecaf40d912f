import * as zlib from 'zlib';
import { crc32 as crc32Table } from '../codecs/crc';
import type { Blobs } from './blobs';

/**
 * One checksummed file of fixed-size records (a series' points, or one level of its pyramid), so
 * that a file damaged on disk is noticed when it is read instead of being drawn.
 *
 * Layout (format 2, little-endian):
 *
 *     header     32 bytes: "LBSR", format u32, kind u32 (0 points, k level k), record bytes u32,
 *                records per chunk u32, generation u32, series id f64
 *     segment 0  a table of K chunk trailers (records covered u32, CRC-32 u32), then the K × R records of those chunks
 *     segment 1  …
 *
 * Record i and each chunk's trailer sit at fixed places, whatever the file holds, and the records of
 * a segment are contiguous, so a read is one positioned read per segment straight into the result.
 * Appending writes the new records, then the trailers of the chunks they touch. A process killed
 * part-way leaves the old trailer (still right for the records the index counts) or the new one with
 * all its records. The CRC of a chunk covers its first `covered` records and starts from a seed made
 * of the expected header and the chunk's number, so a chunk or a whole file of another series (or of
 * another place in this one) fails it too. A reader needs every chunk it touches to cover at least
 * the records the index counts there; records past the count (written after the last save, or by a
 * rolled-back write) may be covered or not and are never returned.
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

/** Trailer tables kept at once (768 bytes each). */
const TABLES_MAX = 4096;

/**
 * What the files of a store keep between calls: headers already checked, the open chunk's trailer
 * of files being appended to, and the trailer tables of segments read lately, so that reading a
 * chunk is one positioned read and a full chunk's CRC is computed once a session (a full chunk
 * never changes; damage on disk is found by the first read of it in a session). Whatever is kept of
 * a file is forgotten when it is cut, removed or found damaged.
 */
export class RecordCache {
  readonly checked = new Set<string>();
  readonly tails = new Map<string, { covered: number; crc: number }>();
  /** By `<name> <epoch> <segment>`, least recently used first. */
  private readonly tables = new Map<string, Uint32Array>();
  /** Bumped when a file is forgotten, so that its tables still in `tables` are never used again. */
  private readonly epochs = new Map<string, number>();

  table(name: string, segment: number): Uint32Array | undefined {
    const key = `${name} ${this.epochs.get(name) ?? 0} ${segment}`;
    const t = this.tables.get(key);
    if (t) {
      this.tables.delete(key);
      this.tables.set(key, t);
    }
    return t;
  }

  setTable(name: string, segment: number, table: Uint32Array): void {
    if (this.tables.size >= TABLES_MAX) this.tables.delete(this.tables.keys().next().value as string);
    this.tables.set(`${name} ${this.epochs.get(name) ?? 0} ${segment}`, table);
  }

  forget(name: string): void {
    this.checked.delete(name);
    this.tails.delete(name);
    this.epochs.set(name, (this.epochs.get(name) ?? 0) + 1);
  }

  clear(): void {
    this.checked.clear();
    this.tails.clear();
    this.tables.clear();
    this.epochs.clear();
  }
}

/** Chunks per segment (their trailers make the segment's table). */
export const CHUNKS_PER_SEGMENT = 64;

const scratch = new Uint8Array(4);
const scratchView = new DataView(scratch.buffer);

export class RecordFile {
  readonly recordBytes: number;
  private readonly tableBytes = CHUNKS_PER_SEGMENT * TRAILER_BYTES;
  private readonly segmentBytes: number;
  private readonly header: Uint8Array;
  private readonly seed: number;

  constructor(private readonly blobs: Blobs, readonly layout: RecordLayout, private readonly cache: RecordCache) {
    this.recordBytes = layout.recordF64 * 8;
    this.segmentBytes = this.tableBytes + CHUNKS_PER_SEGMENT * layout.perChunk * this.recordBytes;
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

  /** Where the trailer of chunk `c` is. */
  private trailerPos(c: number): number {
    return HEADER_BYTES + Math.floor(c / CHUNKS_PER_SEGMENT) * this.segmentBytes + (c % CHUNKS_PER_SEGMENT) * TRAILER_BYTES;
  }

  /** Where record `i` is. */
  private recordPos(i: number): number {
    const perSegment = CHUNKS_PER_SEGMENT * this.layout.perChunk;
    return HEADER_BYTES + Math.floor(i / perSegment) * this.segmentBytes + this.tableBytes + (i % perSegment) * this.recordBytes;
  }

  /** Bytes the file holds at least when it has `count` records: through the last of them. */
  bytesFor(count: number): number {
    return count === 0 ? 0 : this.recordPos(count - 1) + this.recordBytes;
  }

  private chunkSeed(c: number): number {
    scratchView.setUint32(0, c, true);
    return crc32(scratch, this.seed);
  }

  private damage(detail: string): SeriesDamage {
    this.cache.forget(this.name);
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

  /**
   * The trailer table of segment `s`: (covered, crc) per chunk (a missing trailer reads as covering
   * nothing), then per chunk whether this session found it whole and full (its CRC is not computed again).
   */
  private table(s: number): Uint32Array {
    let t = this.cache.table(this.name, s);
    if (!t) {
      t = new Uint32Array(CHUNKS_PER_SEGMENT * 3);
      this.blobs.read(this.name, this.trailerPos(s * CHUNKS_PER_SEGMENT), new Uint8Array(t.buffer, 0, CHUNKS_PER_SEGMENT * TRAILER_BYTES));
      this.cache.setTable(this.name, s, t);
    }
    return t;
  }

  /** The trailer of chunk `c`: [covered, crc]. */
  private trailer(c: number): [number, number] {
    const t = this.table(Math.floor(c / CHUNKS_PER_SEGMENT));
    const j = (c % CHUNKS_PER_SEGMENT) * 2;
    return [t[j], t[j + 1]];
  }

  /**
   * Throws unless chunk `c`, whose records (`got` bytes of them read) start at `bytes[o…]`, covers at
   * least `need` records that are all there and match its checksum.
   */
  private checkChunk(bytes: Uint8Array, o: number, got: number, c: number, need: number, covered: number, crc: number, checked = false): void {
    const R = this.layout.perChunk;
    if (covered < need || covered > R) throw this.damage(`chunk ${c} holds ${covered} records where ${need} were written (records ${c * R}–${c * R + need - 1})`);
    if (got < covered * this.recordBytes) throw this.damage(`the file is cut short inside chunk ${c} (records ${c * R}–${c * R + need - 1})`);
    if (!checked && crc32(bytes.subarray(o, o + covered * this.recordBytes), this.chunkSeed(c)) !== crc) {
      throw this.damage(`chunk ${c} fails its checksum (records ${c * R}–${c * R + covered - 1})`);
    }
  }

  /**
   * Records `[from, to)` of a file the index says holds `count`, interleaved, every chunk they touch
   * checked (read whole, one positioned read per segment); throws SeriesDamage.
   */
  read(from: number, to: number, count: number): Float64Array {
    const F = this.layout.recordF64;
    if (to <= from) return new Float64Array(0);
    const { first, records } = this.readChunks(from, to, count);
    return records.subarray((from - first) * F, (to - first) * F);
  }

  /**
   * The whole chunks holding records `[from, to)` (`to` > `from`), checked: `records` holds records
   * `first…` up to the end of those chunks or `count`, whichever comes first.
   */
  readChunks(from: number, to: number, count: number): { first: number; records: Float64Array } {
    const F = this.layout.recordF64;
    const R = this.layout.perChunk;
    if (to > count) throw new Error(`read past the last record (${to} > ${count})`);
    this.checkHeader();
    const c0 = Math.floor(from / R);
    const c1 = Math.floor((to - 1) / R);
    const first = c0 * R;
    const out = new Float64Array((c1 - c0 + 1) * R * F);
    const bytes = new Uint8Array(out.buffer);
    const perSegment = CHUNKS_PER_SEGMENT * R;
    for (let i = first; i < (c1 + 1) * R;) {
      const end = Math.min((c1 + 1) * R, (Math.floor(i / perSegment) + 1) * perSegment);
      const o = (i - first) * this.recordBytes;
      const got = this.blobs.read(this.name, this.recordPos(i), bytes.subarray(o, (end - first) * this.recordBytes));
      const table = this.table(Math.floor(i / perSegment));
      for (let c = i / R; c < end / R; c++) {
        const k = (c % CHUNKS_PER_SEGMENT) * 2;
        const v = 2 * CHUNKS_PER_SEGMENT + (c % CHUNKS_PER_SEGMENT);
        const at = (c * R - i) * this.recordBytes;
        this.checkChunk(bytes, o + at, Math.max(0, got - at), c, Math.min(R, count - c * R), table[k], table[k + 1], table[v] === 1);
        // A full chunk never changes again: its CRC is computed once a session.
        if (table[k] === R) table[v] = 1;
      }
      i = end;
    }
    return { first, records: out.subarray(0, (Math.min(count, (c1 + 1) * R) - first) * F) };
  }

  /**
   * Appends records (interleaved Float64s) after the first `count`, which the file holds exactly
   * (see `cut`): for each segment, the records in one write, then the trailers of their chunks.
   */
  append(count: number, data: Float64Array): void {
    const F = this.layout.recordF64;
    const R = this.layout.perChunk;
    const m = data.length / F;
    if (m === 0) return;
    if (count === 0) this.blobs.write(this.name, 0, this.header);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const end = count + m;
    const perSegment = CHUNKS_PER_SEGMENT * R;
    // The chunk being filled: what its trailer covers so far.
    let tail = count % R === 0 ? { covered: 0, crc: 0 } : this.openTail(count);
    for (let i = count; i < end;) {
      const segEnd = Math.min(end, (Math.floor(i / perSegment) + 1) * perSegment);
      this.blobs.write(this.name, this.recordPos(i), bytes.subarray((i - count) * this.recordBytes, (segEnd - count) * this.recordBytes));
      const c0 = Math.floor(i / R);
      if (i % R === 0) tail = { covered: 0, crc: this.chunkSeed(c0) };
      const c1 = Math.floor((segEnd - 1) / R);
      const table = new Uint32Array((c1 - c0 + 1) * 2);
      for (let c = c0; c <= c1; c++) {
        const a = Math.max(i, c * R);
        const b = Math.min(segEnd, (c + 1) * R);
        const crc = crc32(bytes.subarray((a - count) * this.recordBytes, (b - count) * this.recordBytes), c === c0 ? tail.crc : this.chunkSeed(c));
        const covered = (c === c0 ? tail.covered : 0) + (b - a);
        table[(c - c0) * 2] = covered;
        table[(c - c0) * 2 + 1] = crc;
        tail = { covered, crc };
      }
      this.blobs.write(this.name, this.trailerPos(c0), new Uint8Array(table.buffer));
      const cached = this.cache.table(this.name, Math.floor(c0 / CHUNKS_PER_SEGMENT));
      if (cached) {
        cached.set(table, (c0 % CHUNKS_PER_SEGMENT) * 2);
        cached.fill(0, 2 * CHUNKS_PER_SEGMENT + (c0 % CHUNKS_PER_SEGMENT), 2 * CHUNKS_PER_SEGMENT + (c1 % CHUNKS_PER_SEGMENT) + 1);
      }
      i = segEnd;
    }
    if (end % R === 0) this.cache.tails.delete(this.name);
    else this.cache.tails.set(this.name, tail);
  }

  /** The trailer of the chunk holding record `count` (not its first), which must cover exactly the records before it. */
  private openTail(count: number): { covered: number; crc: number } {
    const R = this.layout.perChunk;
    const want = count % R;
    const cached = this.cache.tails.get(this.name);
    if (cached && cached.covered === want) return cached;
    const c = Math.floor(count / R);
    const [covered, crc] = this.trailer(c);
    if (covered !== want) throw this.damage(`chunk ${c} holds ${covered} records where ${want} were written`);
    return { covered, crc };
  }

  /**
   * Makes the file hold exactly its first `count` records (what the index counts): the trailer of
   * their last chunk is made to cover exactly them (after checking the records it covered), then
   * anything after them is cut. Throws SeriesDamage when those records are not whole.
   */
  cut(count: number): void {
    const R = this.layout.perChunk;
    this.cache.forget(this.name);
    if (count === 0) {
      this.blobs.truncate(this.name, 0);
      return;
    }
    this.checkHeader();
    const c = Math.floor((count - 1) / R);
    const need = count - c * R;
    const [covered, crc] = this.trailer(c);
    const bytes = new Uint8Array(R * this.recordBytes);
    const got = this.blobs.read(this.name, this.recordPos(c * R), bytes);
    this.checkChunk(bytes, 0, got, c, need, covered, crc);
    let tail = { covered, crc };
    if (covered > need) {
      tail = { covered: need, crc: crc32(bytes.subarray(0, need * this.recordBytes), this.chunkSeed(c)) };
      this.blobs.write(this.name, this.trailerPos(c), new Uint8Array(new Uint32Array([tail.covered, tail.crc]).buffer));
      this.cache.forget(this.name);
    }
    // Trailers of later chunks in this segment (written after the count) are left: they are never read.
    this.blobs.truncate(this.name, this.bytesFor(count));
    if (need < R) this.cache.tails.set(this.name, tail);
  }
}

/**
 * Reads of `file` (holding `count` records) that keep the chunks last read, so that the many small
 * nearby reads of one range read (its buckets and ragged edges) read and check each chunk once.
 */
export function windowed(file: RecordFile, count: number): (from: number, to: number) => Float64Array {
  const F = file.layout.recordF64;
  let first = 0;
  let records: Float64Array = new Float64Array(0);
  return (from, to) => {
    if (to <= from) return new Float64Array(0);
    if (from < first || to > first + records.length / F) ({ first, records } = file.readChunks(from, to, count));
    return records.subarray((from - first) * F, (to - first) * F);
  };
}
