/**
 * The LevelDB log format: 32 KiB blocks (counted from the start of the file) of chunks
 * `crc32 (4) | length (2) | type (1) | data`, type FULL=1, FIRST=2, MIDDLE=3, LAST=4; the checksum is
 * zlib's CRC-32 of the type byte and the data, masked as LevelDB does or not (W&B does not mask it).
 * W&B's `.wandb` files and SwanLab's `backup.swanlab` files are framed this way.
 */
import { crc32, maskCrc } from './crc';

export const LEVELDB_BLOCK = 32768;
const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

export interface LogProblem {
  /** Absolute file offset of the chunk. */
  readonly offset: number;
  readonly message: string;
}

/** What was wrong at a reported offset, for readers that word it their own way. */
export type LogDamage =
  | { readonly kind: 'type'; readonly type: number }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'checksum' }
  | { readonly kind: 'unfinished' }
  | { readonly kind: 'orphan' };

export interface LogScan {
  /** Absolute offset where the next read should start: the first chunk of the first incomplete record. */
  readonly nextOffset: number;
  /** Whether the scan ended while skipping the remains of a corrupt record (pass back in). */
  readonly recovering: boolean;
}

function chunkCrcOk(buf: Buffer, start: number, end: number, stored: number): boolean {
  const c = crc32(buf, start, end);
  return c === stored || maskCrc(c) === stored;
}

/**
 * Walks the LevelDB-log chunks of `buf`, whose first byte is at absolute file offset `base` (at a
 * record start or a block boundary, never inside the file header), calling `onRecord` with each
 * complete record. A chunk that fails its checksum or framing is reported and the rest of its block is
 * skipped (as LevelDB does); chunks of a record broken that way are dropped silently. An incomplete
 * chunk or record at the end of the buffer is left for the next read, without a report.
 */
export function scanLevelDbLog(
  buf: Buffer,
  base: number,
  onRecord: (data: Buffer, offset: number) => void,
  onProblem: (offset: number, message: string, damage: LogDamage) => void,
  recovering = false,
): LogScan {
  const fileEnd = base + buf.length;
  let p = base;
  let parts: Buffer[] | null = null;
  let partsStart = -1;
  for (;;) {
    const blockEnd = (Math.floor(p / LEVELDB_BLOCK) + 1) * LEVELDB_BLOCK;
    if (blockEnd - p < CHUNK_HEADER) {
      // Block trailer (zeros): the next chunk starts in the next block.
      if (fileEnd < blockEnd) break;
      p = blockEnd;
      continue;
    }
    if (fileEnd - p < CHUNK_HEADER) break;
    const i = p - base;
    const stored = buf.readUInt32LE(i);
    const len = buf.readUInt16LE(i + 4);
    const type = buf[i + 6];
    if (stored === 0 && len === 0 && type === 0) {
      // Zero-filled rest of a block (preallocated or padded): skip to the next block.
      if (fileEnd < blockEnd) break;
      p = blockEnd;
      continue;
    }
    if (p + CHUNK_HEADER + len > blockEnd || type < FULL || type > LAST) {
      if (type < FULL || type > LAST) onProblem(p, `unknown chunk type ${type}; rest of the block skipped`, { kind: 'type', type });
      else onProblem(p, 'chunk runs past its block; rest of the block skipped', { kind: 'length', length: len });
      parts = null;
      recovering = true;
      p = blockEnd;
      continue;
    }
    if (p + CHUNK_HEADER + len > fileEnd) break; // Torn: still being written.
    if (!chunkCrcOk(buf, i + 6, i + CHUNK_HEADER + len, stored)) {
      onProblem(p, 'chunk checksum mismatch; rest of the block skipped', { kind: 'checksum' });
      parts = null;
      recovering = true;
      p = blockEnd;
      continue;
    }
    const data = buf.subarray(i + CHUNK_HEADER, i + CHUNK_HEADER + len);
    if (type === FULL || type === FIRST) {
      if (parts) onProblem(partsStart, 'record not finished before the next one; dropped', { kind: 'unfinished' });
      recovering = false;
      if (type === FULL) {
        parts = null;
        onRecord(data, p);
      } else {
        parts = [data];
        partsStart = p;
      }
    } else if (!parts) {
      if (!recovering) onProblem(p, `${type === MIDDLE ? 'middle' : 'last'} chunk without a first chunk; skipped`, { kind: 'orphan' });
    } else {
      parts.push(data);
      if (type === LAST) {
        onRecord(Buffer.concat(parts), partsStart);
        parts = null;
      }
    }
    p += CHUNK_HEADER + len;
  }
  return { nextOffset: parts ? partsStart : p, recovering };
}
