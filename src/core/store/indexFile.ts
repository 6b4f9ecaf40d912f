import * as fs from 'fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { migrate } from './schema';
import { formatBytes, type IndexLimits } from './indexLimits';
import { readChecksums, readFileChecked, type IndexChecksum } from './persistence';

/** Largest index without a checksum file that is loaded (after SQLite's quick check, about a second at this size) instead of rebuilt. */
export const LEGACY_CHECK_MAX_BYTES = 32e6;

/** Reads and checks the index file: a database, nothing (no file yet), or why it is unusable. */
export async function loadIndexFile(SQL: SqlJsStatic, file: string, limits: IndexLimits): Promise<{ db?: Database; sum?: IndexChecksum; bad?: string }> {
  let st: fs.Stats;
  try {
    st = await fs.promises.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  if (st.isSymbolicLink()) return { bad: 'it is a link; Labbook neither reads nor writes through links' };
  if (!st.isFile()) return { bad: 'it is not a file' };
  if (st.size === 0) return {};
  if (st.size > limits.openMaxBytes) return { bad: `it is ${formatBytes(st.size)}, larger than sql.js can load (${formatBytes(limits.openMaxBytes)})` };
  const sums = await readChecksums(file);
  // Written by a Labbook from before checksums (or its checksum file was deleted): a small one is checked
  // once and kept, a large one is rebuilt rather than checked while the extension starts.
  if (!sums && st.size > LEGACY_CHECK_MAX_BYTES) return { bad: `it has no checksum file and is too large (${formatBytes(st.size)}) to check while Labbook starts` };
  // A checksum file lists the versions a save may have left; none of this size means damage, and the file is not even read.
  if (sums && !sums.some((s) => s.size === st.size)) return { bad: sums.length ? 'its size does not match its checksum file' : 'its checksum file is damaged' };
  const { bytes, crc32 } = await readFileChecked(file);
  const sum = sums?.find((s) => s.size === bytes.length && s.crc32 === crc32);
  if (sums && !sum) return { bad: 'its checksum does not match: the file was damaged after it was saved' };
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    if (!sums) {
      // No checksum (see above): check its structure once; the next save adds a checksum.
      const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
      if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    }
    migrate(db);
    return { db, sum };
  } catch (e) {
    db?.close();
    return { bad: (e as Error).message };
  }
}

/** Whether another running process (another window on the same folder) has index `file` open. */
export async function heldByOtherProcess(file: string): Promise<boolean> {
  const holder = await fs.promises.readFile(`${file}.open`, { encoding: 'utf8', flag: fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) }).then((t) => t.slice(0, 20), () => undefined);
  return holder !== undefined && isOtherLiveProcess(Number.parseInt(holder, 10));
}

/** Marks index `file` as open by a process; returns whether the mark was already there (the last process did not close it). */
export async function markOpen(file: string): Promise<boolean> {
  const mark = `${file}.open`;
  const holder = await fs.promises.readFile(mark, { encoding: 'utf8', flag: fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) }).then((t) => t.slice(0, 20), () => undefined);
  // A mark left by a process that is still running (another window on the same folder) is no unclean shutdown.
  const existed = holder !== undefined && !isOtherLiveProcess(Number.parseInt(holder, 10));
  try {
    const handle = await fs.promises.open(mark, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
  } catch {
    // No folder yet, a read-only folder or a link there: nothing to mark.
  }
  return existed;
}

function isOtherLiveProcess(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the open mark of index `file` (a clean close). */
export function markClosed(file: string): void {
  try {
    fs.rmSync(`${file}.open`, { force: true });
  } catch {
    // Read-only or gone: the next open runs a deferred check, which is harmless.
  }
}
