/**
 * The sweep lock that Node and Python agents both take around "read the trial log, suggest, append"
 * (docs/sweep-format.md, "The lock"). Node has no `lockf`, so the lock is a file created with
 * `O_CREAT | O_EXCL` (`lock.held`) that names its owner:
 *
 *   {"host": "gpu-2", "pid": 4121, "time": 1763892900.2, "token": "5f0c…"}
 *
 * A holder removes it when done, only if it still holds its own token. A waiter treats the lock as
 * stale when its owner is a process of this host that no longer exists, or when it is older than
 * `STALE_SECONDS` (far longer than a suggestion takes). Breaking a stale lock happens under a second,
 * short-lived lock (`lock.break`, a directory made with `mkdir`), and only if the stale owner's file
 * is still the one that was judged stale, so two waiters never both break and both hold.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const HELD = 'lock.held';
export const BREAKING = 'lock.break';
export const STALE_SECONDS = 60;

export interface LockOwner {
  host?: unknown;
  pid?: unknown;
  time?: unknown;
  token?: unknown;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** What the held-lock file says, and its modification time; undefined when there is none. */
function readOwner(file: string): { owner: LockOwner | null; text: string; mtime: number } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const mtime = fs.statSync(file).mtimeMs / 1000;
    let owner: LockOwner | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object') owner = parsed as LockOwner;
    } catch {
      owner = null; // being written, or its writer died between creating and writing it
    }
    return { owner, text, mtime };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Whether a held lock is stale: its owner died on this host, or it is older than `STALE_SECONDS`. */
export function isStale(owner: LockOwner | null, mtime: number, now: number, host = os.hostname()): boolean {
  const since = owner && typeof owner.time === 'number' ? owner.time : mtime;
  if (now - since > STALE_SECONDS) return true;
  return !!owner && owner.host === host && typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 && owner.pid !== process.pid && processGone(owner.pid);
}

/** Removes the held lock if it is stale and still the same file that was judged stale. */
function breakIfStale(folder: string, seen: { text: string; mtime: number }): void {
  const breaking = path.join(folder, BREAKING);
  try {
    fs.mkdirSync(breaking);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      // A breaker that died leaves its directory; it is stale after the same time.
      if (Date.now() / 1000 - fs.statSync(breaking).mtimeMs / 1000 > STALE_SECONDS) fs.rmdirSync(breaking);
    } catch {
      // another waiter removed it first
    }
    return;
  }
  try {
    const file = path.join(folder, HELD);
    const now = readOwner(file);
    if (now && now.text === seen.text && now.mtime === seen.mtime && isStale(now.owner, now.mtime, Date.now() / 1000)) fs.unlinkSync(file);
  } finally {
    fs.rmdirSync(breaking);
  }
}

/** Takes the sweep folder's lock, waiting (without blocking the event loop) while another agent holds it. */
export async function acquire(folder: string): Promise<() => void> {
  const file = path.join(folder, HELD);
  const token = randomBytes(12).toString('hex');
  let wait = 2;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, JSON.stringify({ host: os.hostname(), pid: process.pid, time: Date.now() / 1000, token }));
      } finally {
        fs.closeSync(fd);
      }
      return () => release(file, token);
    }
    const seen = readOwner(file);
    if (seen && isStale(seen.owner, seen.mtime, Date.now() / 1000)) breakIfStale(folder, seen);
    else {
      await sleep(wait * (0.5 + Math.random()));
      wait = Math.min(wait * 2, 50);
    }
  }
}

function release(file: string, token: string): void {
  const now = readOwner(file);
  if (now?.owner?.token === token) fs.unlinkSync(file);
}
