import type { RunStatusValue } from './format/records';
import { IMPORTED_SILENCE_SECONDS } from './importers/contract';
import { importerOf } from './importers/registry';

export { IMPORTED_SILENCE_SECONDS };

export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 120;

/**
 * The status a user should see: a run that says `running` but has shown no activity for longer
 * than the heartbeat timeout has most likely died without a word (SIGKILL, power loss): it is `killed`.
 */
export function effectiveStatus(
  status: RunStatusValue,
  lastActivity: number | null,
  nowSeconds: number,
  timeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  source = 'labbook',
): RunStatusValue {
  if (status !== 'running') return status;
  if (lastActivity === null) return status;
  if (nowSeconds - lastActivity <= timeoutSeconds) return 'running';
  // What a quiet run became is the tracker's rule (DVCLive writes no end marker: its run simply ended).
  return importerOf(source)?.silence.then ?? 'killed';
}

/** This machine's name and a way to ask whether a process on it still exists (`process.kill(pid, 0)`). */
export interface LocalProcesses {
  readonly host: string;
  isAlive(pid: number): boolean;
}

/**
 * Whether a run that says `running` has lost its process: Labbook runs record where they run (header
 * `host` and `pid`); when that is this machine and the process no longer exists, the run died without
 * a word (Ctrl-C in a synchronous loop, SIGKILL, a crash) and is killed now, not after the heartbeat
 * timeout. Runs on other machines, and other trackers' runs, wait for the timeout.
 */
export function processGone(run: { status: RunStatusValue; source: string; host?: string | null; pid?: number | null }, local: LocalProcesses | undefined): boolean {
  if (!local || run.status !== 'running' || run.source !== 'labbook') return false;
  if (!run.host || run.host !== local.host || !run.pid) return false;
  return !local.isAlive(run.pid);
}

/** `effectiveStatus` of a run row, with its process looked at when `local` is given. */
export function runStatus(
  run: { status: RunStatusValue; lastActivity: number | null; source: string; host?: string | null; pid?: number | null },
  nowSeconds: number,
  configuredTimeoutSeconds: number,
  local?: LocalProcesses,
): RunStatusValue {
  if (processGone(run, local)) return 'killed';
  return effectiveStatus(run.status, run.lastActivity, nowSeconds, silenceTimeout(run.source, configuredTimeoutSeconds), run.source);
}

/** How long a run of `source` may be silent and still be running: another tracker's rule, never below the configured timeout. */
export function silenceTimeout(source: string, configuredSeconds: number): number {
  if (source === 'labbook') return configuredSeconds;
  return Math.max(configuredSeconds, importerOf(source)?.silence.seconds ?? IMPORTED_SILENCE_SECONDS);
}

/** The name users know a run's source by (`W&B`, `Labbook`); an unknown source as it is. */
export function sourceLabel(source: string): string {
  return source === 'labbook' ? 'Labbook' : (importerOf(source)?.label ?? source);
}
