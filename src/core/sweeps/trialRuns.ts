import type { RunRow } from '../store/store';
import type { SweepSummary } from './sweepState';

/**
 * Which run trains each trial of a folder's sweeps. The trial log names it once its agent linked it
 * (`{"t": "run"}`, or the id on `complete`); until then — a command-line agent links it only when the
 * command ends — the run is the newest one carrying the trial's `sweep:<id>` and `trial:<n>` tags,
 * as the agent itself finds it. Only runs in the index count.
 */
export interface TrialRuns {
  /** The run of trial `number` of sweep `sweep`, if known. */
  runOf(sweep: string, number: number): string | null;
  /**
   * Runs shown under their sweep instead of in their experiment's run list: trials' runs that are in
   * the sweep's own experiment (a trial run moved to another experiment stays listed there).
   */
  readonly underSweep: ReadonlySet<string>;
}

export function trialRuns(summaries: readonly SweepSummary[], rows: readonly RunRow[], tags: (uid: string) => readonly string[]): TrialRuns {
  const byUid = new Map(rows.map((r) => [r.uid, r]));
  const ids = new Set(summaries.map((s) => s.id));
  // `<sweep id>#<n>` → the newest run carrying both tags.
  const tagged = new Map<string, RunRow>();
  for (const run of rows) {
    let sweep: string | undefined;
    let trial: number | undefined;
    for (const tag of tags(run.uid)) {
      if (tag.startsWith('sweep:') && ids.has(tag.slice(6))) sweep = tag.slice(6);
      else if (/^trial:\d{1,9}$/.test(tag)) trial = Number(tag.slice(6));
    }
    if (sweep === undefined || trial === undefined) continue;
    const key = `${sweep}#${trial}`;
    const seen = tagged.get(key);
    if (!seen || (run.startTime ?? 0) > (seen.startTime ?? 0)) tagged.set(key, run);
  }
  const runs = new Map<string, string>();
  const underSweep = new Set<string>();
  for (const s of summaries) {
    for (const t of s.trials) {
      const uid = t.runId !== null && byUid.has(t.runId) ? t.runId : tagged.get(`${s.id}#${t.number}`)?.uid;
      if (uid === undefined) continue;
      runs.set(`${s.id}#${t.number}`, uid);
      if (byUid.get(uid)!.experiment === s.experiment) underSweep.add(uid);
    }
  }
  return { runOf: (sweep, number) => runs.get(`${sweep}#${number}`) ?? null, underSweep };
}
