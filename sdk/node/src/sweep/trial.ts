/** One suggested set of parameters of a sweep; complete it with the objective's value. */
import { appendRecord } from './store';

export const HEARTBEAT_SECONDS = 10;

/** What a trial needs of its sweep. */
export interface TrialSweep {
  readonly id: string;
  readonly folder: string;
  readonly objective: string;
}

export class Trial {
  readonly id: string;
  readonly params: Record<string, unknown>;
  done = false;
  runId: string | null = null;
  private beat: NodeJS.Timeout | undefined;

  constructor(readonly sweep: TrialSweep, readonly number: number, params: Record<string, unknown>, readonly retryOf: number | null = null) {
    this.id = `${sweep.id}-${number}`;
    this.params = { ...params };
  }

  /** Appends a heartbeat every `HEARTBEAT_SECONDS` until the trial ends (without keeping Node alive). */
  startHeartbeat(): this {
    this.beat = setInterval(() => {
      try {
        appendRecord(this.sweep.folder, { t: 'heartbeat', trial: this.number, time: Date.now() / 1000 });
      } catch {
        // the next beat tries again
      }
    }, HEARTBEAT_SECONDS * 1000);
    this.beat.unref();
    return this;
  }

  private end(record: Record<string, unknown>): void {
    if (this.done) throw new Error(`trial ${this.id} is already ended`);
    this.done = true;
    if (this.beat) clearInterval(this.beat);
    Object.assign(record, { trial: this.number, time: Date.now() / 1000 });
    if (this.runId && !('run_id' in record)) record.run_id = this.runId;
    appendRecord(this.sweep.folder, record);
  }

  /** Links the Labbook run that trains this trial. */
  setRun(runId: string): void {
    this.runId = runId;
    appendRecord(this.sweep.folder, { t: 'run', trial: this.number, run_id: runId, time: Date.now() / 1000 });
  }

  /** Ends the trial with its result: the objective's value, or metrics that include it. */
  complete(metrics: Record<string, unknown> | number, value?: number): void {
    let all: Record<string, unknown>;
    if (typeof metrics === 'number') {
      all = { [this.sweep.objective]: metrics };
      value ??= metrics;
    } else all = { ...metrics };
    const objective = value ?? all[this.sweep.objective];
    if (typeof objective !== 'number' || !Number.isFinite(objective)) throw new Error(`trial ${this.id}: the objective '${this.sweep.objective}' needs a finite number, got ${JSON.stringify(objective) ?? String(objective)}`);
    const clean: Record<string, number> = {};
    for (const [k, v] of Object.entries(all)) if (typeof v === 'number' && Number.isFinite(v)) clean[k] = v;
    this.end({ t: 'complete', value: objective, metrics: clean });
  }

  /** Ends the trial without a value. */
  fail(reason?: unknown): void {
    this.end({ t: 'fail', reason: reason === undefined || reason === null ? null : String(reason).slice(0, 4000) });
  }

  /** Records an intermediate value of the objective (read by Python agents' early termination). */
  report(step: number, value: number): void {
    if (!Number.isFinite(value)) return;
    appendRecord(this.sweep.folder, { t: 'report', trial: this.number, step: Math.trunc(step), value, time: Date.now() / 1000 });
  }
}
