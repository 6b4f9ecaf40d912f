/**
 * `backup.swanlab` framing: a `:SWL` header, then LevelDB-style blocks of records (the framing W&B's
 * `.wandb` files use too), each payload one JSON record of the run.
 */
import { crc32 } from '../../codecs/crc';

const BLOCK_SIZE = 32 * 1024;
const HEADER_SIZE = 7;
const FILE_MAGIC = ':SWL';


/** One payload of a `backup.swanlab` file, with the byte offset of its first record. */
export interface SwanlabRecord {
  readonly offset: number;
  readonly data: Buffer;
}


/**
 * Splits a `backup.swanlab` file into its payloads. A damaged record (bad checksum, impossible
 * length or type) is reported through `onProblem` with its byte offset, and reading goes on at the
 * next block. A record cut off at the end of the file (a run still writing) is left out silently
 * (`truncated` says so).
 */
export function readSwanlabFrames(buf: Buffer, onProblem?: (offset: number, message: string) => void): { records: SwanlabRecord[]; truncated: boolean } {
  const records: SwanlabRecord[] = [];
  if (buf.length < HEADER_SIZE || buf.toString('latin1', 0, 4) !== FILE_MAGIC) {
    onProblem?.(0, `not a SwanLab backup file (no "${FILE_MAGIC}" header)`);
    return { records, truncated: false };
  }
  let pos = HEADER_SIZE;
  let parts: Buffer[] = [];
  let partsOffset = 0;
  let truncated = false;
  /** Just skipped damage: the pieces of a split record that follow are expected, not reported. */
  let resynced = false;
  while (pos < buf.length) {
    const left = BLOCK_SIZE - (pos % BLOCK_SIZE);
    if (left < HEADER_SIZE) {
      pos += left; // zero padding at the end of a block
      continue;
    }
    if (pos + HEADER_SIZE > buf.length) {
      truncated = true;
      break;
    }
    const crc = buf.readUInt32LE(pos);
    const len = buf.readUInt16LE(pos + 4);
    const type = buf[pos + 6];
    if (crc === 0 && len === 0 && type === 0) {
      pos += left; // a zeroed rest of block
      continue;
    }
    const start = pos + HEADER_SIZE;
    const end = start + len;
    if (end > buf.length && type >= 1 && type <= 4 && len <= left - HEADER_SIZE) {
      truncated = true;
      break;
    }
    const bad =
      type < 1 || type > 4 ? `unknown record type ${type}` :
      len > left - HEADER_SIZE ? `record length ${len} runs past its block` :
      crc32(buf, start, end, crc32(buf, pos + 6, pos + 7)) !== crc ? 'bad checksum' :
      undefined;
    if (bad) {
      onProblem?.(pos, `${bad}; skipped to the next block`);
      parts = [];
      resynced = true;
      pos += left;
      continue;
    }
    const data = buf.subarray(start, end);
    if (type === 1) {
      if (parts.length > 0) onProblem?.(partsOffset, 'a split record was not finished; skipped');
      parts = [];
      resynced = false;
      records.push({ offset: pos, data });
    } else if (type === 2) {
      if (parts.length > 0) onProblem?.(partsOffset, 'a split record was not finished; skipped');
      parts = [data];
      partsOffset = pos;
      resynced = false;
    } else if (parts.length === 0) {
      if (!resynced) onProblem?.(pos, 'the middle or end of a split record without its start; skipped');
    } else if (type === 3) {
      parts.push(data);
    } else {
      parts.push(data);
      records.push({ offset: partsOffset, data: Buffer.concat(parts) });
      parts = [];
    }
    pos = end;
  }
  if (parts.length > 0) truncated = true;
  return { records, truncated };
}
