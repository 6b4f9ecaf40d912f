// The process of a run on this machine: its start time (to tell a reused pid), and signals to it.
import * as fs from 'fs';
import { execFile } from 'child_process';
import { bootTime, parseElapsed, procStartTime } from '../core/organise/processCheck';

/** Start time (Unix seconds) of process `pid` on this machine, or undefined when it does not exist or cannot be known. */
export async function processStartTime(pid: number): Promise<number | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
  if (process.platform === 'linux') {
    try {
      const [stat, procStat] = await Promise.all([fs.promises.readFile(`/proc/${pid}/stat`, 'utf8'), fs.promises.readFile('/proc/stat', 'utf8')]);
      const boot = bootTime(procStat);
      return boot === undefined ? undefined : procStartTime(stat, boot, 100);
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  // macOS and the BSDs: how long the process has been running.
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'etime=', '-p', String(pid)], { timeout: 5000 }, (err, stdout) => {
      const elapsed = err ? undefined : parseElapsed(stdout);
      resolve(elapsed === undefined ? undefined : Date.now() / 1000 - elapsed);
    });
  });
}

/** Whether process `pid` still exists (signal 0; EPERM means it exists but is another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits up to `ms` for `pid` to end; true when it did. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!processExists(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return !processExists(pid);
}
