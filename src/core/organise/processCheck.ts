/**
 * Whether a pid is still the process of a run, before Labbook signals it. A run's header names the
 * machine and the pid that writes it; by the time a user presses Stop, that process may have ended
 * and the pid been given to another program. A pid is signalled only when:
 * - the run says it is running and names this machine and a pid,
 * - a process with that pid exists, and
 * - that process started before the run last wrote (its latest record or heartbeat): the process
 *   that writes a run started before its writes, while a reused pid belongs to a process started
 *   after the run's own process ended, so after its last write. This also holds for a resumed run,
 *   whose new process started after the header. Clock granularity is allowed for.
 */

/** Seconds of slack between a process's start and its run's header time (clock ticks, rounding). */
export const START_SLACK_SECONDS = 2;

export interface RunProcessFacts {
  readonly status: string;
  readonly source: string;
  readonly host?: string | null;
  readonly pid?: number | null;
  /** The run's start (header time), Unix seconds. */
  readonly startTime: number | null;
  /** The run's last write (record, heartbeat), Unix seconds. */
  readonly lastActivity: number | null;
}

export type SignalDecision = { readonly ok: true; readonly pid: number } | { readonly ok: false; readonly reason: string };

/**
 * Decides whether `run`'s process may be signalled. `processStart` is the start time of the
 * process with the run's pid on this machine (Unix seconds), or undefined when no such process exists
 * or its start time cannot be known.
 */
export function canSignal(run: RunProcessFacts, thisHost: string, processStart: number | undefined | null): SignalDecision {
  if (run.source !== 'labbook') return { ok: false, reason: 'it was written by another tracker; Labbook does not know its process' };
  if (run.status !== 'running') return { ok: false, reason: `it is not running (${run.status})` };
  if (!run.host || !run.pid) return { ok: false, reason: 'its log does not say which process writes it (no host and pid in its header)' };
  if (run.host !== thisHost) return { ok: false, reason: `it runs on ${run.host}, not on this machine (${thisHost})` };
  if (!Number.isSafeInteger(run.pid) || run.pid <= 1) return { ok: false, reason: `its pid ${run.pid} is not one Labbook signals` };
  if (processStart === undefined || processStart === null) return { ok: false, reason: `process ${run.pid} is not running on this machine (or cannot be inspected)` };
  const lastWrite = run.lastActivity ?? run.startTime;
  if (lastWrite === null) return { ok: false, reason: 'its log has no time to check the process against' };
  if (processStart > lastWrite + START_SLACK_SECONDS) {
    return { ok: false, reason: `process ${run.pid} started after the run last wrote: the pid now belongs to another program` };
  }
  return { ok: true, pid: run.pid };
}

/**
 * The start time (Unix seconds) of a process from Linux `/proc/<pid>/stat` (field 22, clock ticks
 * since boot), the boot time (`btime` of `/proc/stat`) and the clock tick rate. The command name
 * in field 2 may hold spaces and parentheses: fields are counted after its last `)`.
 */
export function procStartTime(statText: string, bootSeconds: number, ticksPerSecond = 100): number | undefined {
  const close = statText.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = statText.slice(close + 2).trim().split(/\s+/);
  // After ")" come field 3 (state) onwards: field 22 is at index 22 - 3.
  const ticks = Number(fields[19]);
  if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return undefined;
  return bootSeconds + ticks / ticksPerSecond;
}

/** `btime` (boot time, Unix seconds) from the text of `/proc/stat`. */
export function bootTime(procStat: string): number | undefined {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m ? Number(m[1]) : undefined;
}

/** Seconds from `ps -o etime=` (`[[dd-]hh:]mm:ss`), or undefined when it is not that. */
export function parseElapsed(text: string): number | undefined {
  const m = /^\s*(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s);
}
