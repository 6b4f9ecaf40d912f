// The processes of this machine, for status.ts: a running run whose process is gone is killed.
// Plain Node (no editor API), so the index worker checks processes the same way as the host.
import * as os from 'os';
import type { LocalProcesses } from './status';

/** Signal 0 checks that a process exists without touching it; EPERM means it exists (another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export const localProcesses: LocalProcesses = { host: os.hostname(), isAlive };
