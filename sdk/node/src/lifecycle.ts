// The runs of this process and how they end with it: the current run, the open runs, and the exit,
// uncaught-exception and signal hooks that finish them.
import type { Run } from './run';
import { statusForExitCode } from './exitStatus';
import type { FinalStatus } from './options';

const openRuns = new Set<Run>();
let current: Run | undefined;
/** Ids of runs whose final status could not be written. */
const unsavedRuns: string[] = [];

/** The current run (made by `startRun`), or undefined. */
export function currentRun(): Run | undefined {
  return current;
}

export function setCurrentRun(run: Run | undefined): void {
  current = run;
}

/** A run started: it is finished when the process ends, unless it is finished first. */
export function opened(run: Run, handleSignals: boolean): void {
  openRuns.add(run);
  installHooks(handleSignals);
}

/** A run finished: it is no longer open, nor the current run. */
export function closed(run: Run): void {
  openRuns.delete(run);
  if (current === run) current = undefined;
}

/** A run's final status could not be written: the process exits with 1. */
export function unsaved(runId: string): void {
  unsavedRuns.push(runId);
  if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
}

let hooksInstalled = false;
const signalHandlers = new Map<NodeJS.Signals, () => void>();

export function finishAll(status: FinalStatus, message?: string): void {
  for (const r of [...openRuns]) {
    try {
      r.finish(status, message);
    } catch {
      /* keep going */
    }
  }
}

export function installHooks(handleSignals: boolean): void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.on('exit', (code) => finishAll(...statusForExitCode(code)));
    process.on('uncaughtExceptionMonitor', (err) => {
      if (process.listenerCount('uncaughtException') > 0) return; // the program handles it
      finishAll('failed', err instanceof Error ? err.stack ?? String(err) : `Uncaught ${String(err)}`);
    });
  }
  if (!handleSignals) return;
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const sig of signals) {
    if (signalHandlers.has(sig) || process.listenerCount(sig) > 0) continue; // the program handles it
    const handler = () => {
      if (process.listenerCount(sig) > 1) return; // the program added its own handler since
      finishAll('killed', `killed by ${sig}`);
      process.removeListener(sig, handler);
      signalHandlers.delete(sig);
      process.kill(process.pid, sig); // die of the signal, as without Labbook
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
}
