/**
 * TFRecord framing of TensorBoard event files: uint64 length, masked CRC-32C of the length, data,
 * masked CRC-32C of the data. A torn last record (a writer still at work) is left for the next read.
 */
import { maskedCrc32c } from '../../codecs/crc';

/** Records longer than this are taken as a corrupt length even when its checksum matches. */
const MAX_RECORD_BYTES = 0x7fffffff;

export interface TfRecordProblem {
  /** Offset of the record in the buffer given. */
  readonly offset: number;
  readonly message: string;
}

export interface TfRecordScan {
  /** Where the next read should start: after the last complete record, or at a torn / unreadable one. */
  readonly nextOffset: number;
  /** True when a corrupt length made the rest of the buffer unreadable. */
  readonly stopped: boolean;
  /** Bytes from `nextOffset` needed to complete the torn record there (0 if none is pending). */
  readonly need: number;
}

/**
 * Walks the TFRecords in `buf` from `offset`, calling `onRecord(start, end)` with the data span of
 * each intact record. A record whose data checksum fails is reported and skipped; a length whose
 * checksum fails stops the walk (nothing after it can be framed). A torn last record ends the walk
 * without a report.
 */
export function scanTfRecords(buf: Buffer, offset: number, onRecord: (start: number, end: number) => void, onProblem: (offset: number, message: string) => void): TfRecordScan {
  const n = buf.length;
  let p = offset;
  for (;;) {
    const left = n - p;
    if (left < 12) return { nextOffset: p, stopped: false, need: left > 0 ? 12 : 0 };
    if (maskedCrc32c(buf, p, p + 8) !== buf.readUInt32LE(p + 8)) {
      onProblem(p, 'record length checksum mismatch; the rest of the file cannot be read');
      return { nextOffset: p, stopped: true, need: 0 };
    }
    const len = buf.readUInt32LE(p);
    if (buf.readUInt32LE(p + 4) !== 0 || len > MAX_RECORD_BYTES) {
      onProblem(p, 'record length too large; the rest of the file cannot be read');
      return { nextOffset: p, stopped: true, need: 0 };
    }
    const total = len + 16;
    if (left < total) return { nextOffset: p, stopped: false, need: total };
    const start = p + 12;
    const end = start + len;
    if (maskedCrc32c(buf, start, end) !== buf.readUInt32LE(end)) onProblem(p, 'record data checksum mismatch; record skipped');
    else onRecord(start, end);
    p += total;
  }
}

export interface TfRecordsResult {
  /** Data of the intact records (views on `buf`). */
  readonly records: Buffer[];
  readonly nextOffset: number;
  readonly problems: TfRecordProblem[];
  readonly stopped: boolean;
}

/** `scanTfRecords` collecting into arrays. */
export function readTfRecords(buf: Buffer, offset = 0): TfRecordsResult {
  const records: Buffer[] = [];
  const problems: TfRecordProblem[] = [];
  const scan = scanTfRecords(
    buf,
    offset,
    (s, e) => records.push(buf.subarray(s, e)),
    (o, message) => problems.push({ offset: o, message }),
  );
  return { records, nextOffset: scan.nextOffset, problems, stopped: scan.stopped };
}
