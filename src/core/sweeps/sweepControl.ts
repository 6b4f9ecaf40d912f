import * as path from 'path';
import { appendInside, openInsideIfExists } from '../safePath';
import { controlRecord } from './sweepState';

/** A sweep id Labbook puts into a terminal command or a path: letters, digits, `.`, `_`, `-`. */
export function isSafeSweepId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id);
}

/**
 * Appends a `stop` or `resume` record to a sweep's trial log (docs/sweep-format.md): one write of a
 * whole line with O_APPEND, on a fresh line when the log does not end in a newline (a writer died
 * mid-line). Only inside the workspace `root`, never through a link (safePath).
 * `folder`: the sweep's folder, relative to `root` (posix).
 */
export async function appendControlRecord(root: string, folder: string, type: 'stop' | 'resume', time: number, reason?: string): Promise<void> {
  const rel = path.join(...folder.split('/'), 'trials.jsonl');
  let fresh = false;
  const handle = await openInsideIfExists(root, rel);
  if (handle) {
    try {
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        fresh = last[0] !== 0x0a;
      }
    } finally {
      await handle.close();
    }
  }
  await appendInside(root, rel, `${fresh ? '\n' : ''}${controlRecord(type, time, reason)}`);
}
