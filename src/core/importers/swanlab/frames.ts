/**
 * `backup.swanlab` framing: a 7-byte `:SWL` header, then the LevelDB log format (the framing W&B's
 * `.wandb` files use too), each record one payload of the run.
 */
import { type LogDamage, scanLevelDbLog } from '../../codecs/leveldbLog';

const HEADER_SIZE = 7;
const FILE_MAGIC = ':SWL';

/** One payload of a `backup.swanlab` file, with the byte offset of its first record. */
export interface SwanlabRecord {
  readonly offset: number;
  readonly data: Buffer;
}

/** How SwanLab's reader words damage in its backup file. */
function damageMessage(d: LogDamage): string {
  switch (d.kind) {
    case 'type':
      return `unknown record type ${d.type}; skipped to the next block`;
    case 'length':
      return `record length ${d.length} runs past its block; skipped to the next block`;
    case 'checksum':
      return 'bad checksum; skipped to the next block';
    case 'unfinished':
      return 'a split record was not finished; skipped';
    case 'orphan':
      return 'the middle or end of a split record without its start; skipped';
  }
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
  const scan = scanLevelDbLog(
    buf.subarray(HEADER_SIZE),
    HEADER_SIZE,
    (data, offset) => records.push({ offset, data }),
    (offset, _message, damage) => onProblem?.(offset, damageMessage(damage)),
  );
  // What is left after the last whole record is a record still being written, unless it is block padding.
  const truncated = buf.subarray(scan.nextOffset).some((b) => b !== 0);
  return { records, truncated };
}
