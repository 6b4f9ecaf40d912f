/**
 * Applies an SQLite write-ahead log (`<db>-wal`) to a copy of its database, as SQLite does when it
 * opens a database in WAL mode. Programs that keep their database open (SwanLab, an MLflow server)
 * leave their newest transactions in the WAL until a checkpoint; a reader that only loads the main
 * file (sql.js cannot open the WAL beside it) misses them.
 *
 * WAL format (https://www.sqlite.org/fileformat2.html#walformat), all integers big-endian:
 *
 *     header  32 bytes: magic 0x377f0682 / 0x377f0683 (low bit: checksums over big-endian words),
 *             format version 3007000, page size, checkpoint sequence, salt-1, salt-2,
 *             checksum-1, checksum-2 (over the first 24 bytes)
 *     frame   24-byte header: page number, database size in pages after commit (non-zero only in
 *             the last frame of a transaction), salt-1, salt-2, checksum-1, checksum-2; then one page
 *
 * A frame is valid when its salts equal the header's and its checksum, cumulative from the
 * header's over the frame header's first 8 bytes and the page, matches. Frames are read until the
 * first invalid one; only those up to the last valid commit frame are applied (later frames belong
 * to a transaction that never committed). The copy is marked as a rollback-journal database
 * (header bytes 18 and 19 set to 1) so that an in-memory engine opens it without a `-shm` file.
 */

const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** What applying a WAL did. */
export interface WalResult {
  /** The database with the committed frames applied (a new buffer; the input is not changed). */
  readonly bytes: Uint8Array;
  /** Frames applied (0 when the WAL held no committed transaction or was not usable). */
  readonly framesApplied: number;
  /** Transactions applied. */
  readonly commits: number;
  /** Valid frames after the last commit, not applied (a transaction being written). */
  readonly uncommittedFrames: number;
  /** Why the WAL was not used at all, when it was not (bad header); undefined otherwise. */
  readonly ignoredBecause?: string;
}

/**
 * SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `s0`, `s1`. Words are
 * read big-endian when `bigEndian`, else little-endian. Returns the new pair.
 */
export function walChecksum(data: Uint8Array, bigEndian: boolean, s0 = 0, s1 = 0): [number, number] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i + 8 <= data.length; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

function validPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** Applies the committed frames of `wal` to a copy of `db` (either may be empty). */
export function applyWal(db: Uint8Array, wal: Uint8Array): WalResult {
  const unchanged = (ignoredBecause?: string): WalResult => ({ bytes: markRollback(db.slice()), framesApplied: 0, commits: 0, uncommittedFrames: 0, ignoredBecause });
  if (wal.length === 0) return unchanged();
  if (wal.length < WAL_HEADER) return unchanged(`shorter than its ${WAL_HEADER}-byte header`);
  const hv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = hv.getUint32(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return unchanged('not an SQLite write-ahead log (bad magic number)');
  const bigEndian = magic === MAGIC_BE;
  const version = hv.getUint32(4);
  if (version !== 3007000) return unchanged(`unknown WAL format version ${version}`);
  const pageSize = hv.getUint32(8);
  if (!validPageSize(pageSize)) return unchanged(`bad page size ${pageSize}`);
  const salt1 = hv.getUint32(16);
  const salt2 = hv.getUint32(20);
  let [s0, s1] = walChecksum(wal.subarray(0, 24), bigEndian);
  if (s0 !== hv.getUint32(24) || s1 !== hv.getUint32(28)) return unchanged('its header checksum does not match');

  // Scan the valid frames; remember where the last commit ends.
  const frameSize = FRAME_HEADER + pageSize;
  let committedFrames = 0;
  let committedSize = 0;
  let commits = 0;
  let validFrames = 0;
  for (let off = WAL_HEADER; off + frameSize <= wal.length; off += frameSize) {
    if (hv.getUint32(off + 8) !== salt1 || hv.getUint32(off + 12) !== salt2) break;
    const pageNo = hv.getUint32(off);
    if (pageNo === 0) break;
    [s0, s1] = walChecksum(wal.subarray(off, off + 8), bigEndian, s0, s1);
    [s0, s1] = walChecksum(wal.subarray(off + FRAME_HEADER, off + frameSize), bigEndian, s0, s1);
    if (s0 !== hv.getUint32(off + 16) || s1 !== hv.getUint32(off + 20)) break;
    validFrames++;
    const dbSize = hv.getUint32(off + 4);
    if (dbSize !== 0) {
      committedFrames = validFrames;
      committedSize = dbSize;
      commits++;
    }
  }
  if (committedFrames === 0) return { ...unchanged(), uncommittedFrames: validFrames };

  // Apply them in order (a later frame of the same page wins), then cut or extend to the committed size.
  const out = new Uint8Array(committedSize * pageSize);
  out.set(db.subarray(0, Math.min(db.length, out.length)));
  for (let i = 0; i < committedFrames; i++) {
    const off = WAL_HEADER + i * frameSize;
    const pageNo = hv.getUint32(off);
    if (pageNo > committedSize) continue; // a page beyond the end after a later commit shrank the file
    out.set(wal.subarray(off + FRAME_HEADER, off + frameSize), (pageNo - 1) * pageSize);
  }
  return { bytes: markRollback(out), framesApplied: committedFrames, commits, uncommittedFrames: validFrames - committedFrames };
}

/** Sets the file-format bytes of a WAL-mode database header (2, 2) to rollback-journal (1, 1). */
function markRollback(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return bytes;
}
