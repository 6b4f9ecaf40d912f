import { applyWal } from '../codecs/sqliteWal';
import type { Problems } from '../problems';
import { openInsideIfExists } from '../safePath';
import { workspacePath } from './shared';

/**
 * The bytes of the SQLite database `bytes` read from `file` (absolute, inside `root`), with the
 * committed transactions of its `-wal` file applied when there is one: a program that still has the
 * database open (or crashed) keeps its newest changes there. A WAL that cannot be used is reported
 * and the main file is used alone.
 */
export async function withWal(root: string, file: string, bytes: Uint8Array, problems: Problems): Promise<Uint8Array> {
  const walFile = `${file}-wal`;
  const shown = workspacePath(root, walFile);
  let wal: Buffer;
  try {
    const handle = await openInsideIfExists(root, walFile);
    if (!handle) return applyWal(bytes, new Uint8Array(0)).bytes;
    try {
      wal = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (e) {
    problems.report(`${shown}: the write-ahead log could not be read (${(e as Error).message}); changes not yet checkpointed into the database are missing`);
    return applyWal(bytes, new Uint8Array(0)).bytes;
  }
  const result = applyWal(bytes, wal);
  if (result.ignoredBecause) problems.report(`${shown}: the write-ahead log is not used: ${result.ignoredBecause}; changes not yet checkpointed into the database are missing`);
  return result.bytes;
}
