/**
 * What a sweep's trial log says (docs/sweep-format.md), folded record by record: each trial's
 * params, status, objective value and run, and whether the sweep is stopped. Pure: the reader
 * (sweepReader.ts) hands records in as they are appended.
 */

export type TrialStatus = 'running' | 'completed' | 'failed' | 'pruned' | 'abandoned';
export const TRIAL_STATUSES: readonly TrialStatus[] = ['running', 'completed', 'failed', 'pruned', 'abandoned'];

export type Goal = 'maximize' | 'minimize';

/** The parts of `sweep.json` Labbook shows. */
export interface SweepDefinition {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly strategy: string;
  readonly metric: string;
  readonly goal: Goal;
  readonly maxTrials: number | null;
  /** Parameter names, in the order of the definition. */
  readonly parameters: readonly string[];
  readonly heartbeatTimeout: number;
  readonly command: readonly string[];
  readonly created: number | null;
}

export interface Trial {
  readonly number: number;
  params: Record<string, unknown>;
  status: TrialStatus;
  value: number | null;
  runId: string | null;
  agent: string | null;
  /** Seconds since the epoch of its last record. */
  lastSeen: number;
  started: number;
  retryOf: number | null;
}

/** Most trials one sweep holds in memory; records of trials past it are counted, not kept. */
export const MAX_TRIALS = 100_000;

export class TrialLog {
  readonly trials = new Map<number, Trial>();
  stopped = false;
  /** Records that named a trial never suggested, or had no usable fields. */
  ignored = 0;

  /** Applies one parsed record; returns a reason when the record is not one a trial log holds. */
  apply(rec: Record<string, unknown>): string | undefined {
    const t = rec.t;
    if (t === 'stop' || t === 'resume') {
      this.stopped = t === 'stop';
      return undefined;
    }
    if (typeof t !== 'string') return 'a record without a "t" (its type)';
    const n = rec.trial;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return `a "${t.slice(0, 40)}" record without a trial number`;
    const when = finite(rec.time) ?? 0;
    if (t === 'suggest') {
      if (!this.trials.has(n) && this.trials.size >= MAX_TRIALS) {
        this.ignored++;
        return undefined;
      }
      const params = isObject(rec.params) ? rec.params : {};
      this.trials.set(n, {
        number: n, params, status: 'running', value: null, runId: null, agent: typeof rec.agent === 'string' ? rec.agent : null,
        lastSeen: when, started: when, retryOf: typeof rec.retry_of === 'number' ? rec.retry_of : null,
      });
      return undefined;
    }
    const trial = this.trials.get(n);
    if (!trial) {
      this.ignored++;
      return undefined;
    }
    trial.lastSeen = Math.max(trial.lastSeen, when);
    if (t === 'run') {
      if (typeof rec.run_id === 'string') trial.runId = rec.run_id;
    } else if (trial.status !== 'running') {
      // A trial's first ending record wins.
    } else if (t === 'complete') {
      trial.status = 'completed';
      trial.value = finite(rec.value);
      if (typeof rec.run_id === 'string') trial.runId = rec.run_id;
    } else if (t === 'fail' || t === 'prune' || t === 'abandon') {
      trial.status = t === 'fail' ? 'failed' : t === 'prune' ? 'pruned' : 'abandoned';
      if (t === 'prune') trial.value = finite(rec.value);
    } else if (t !== 'heartbeat' && t !== 'report') {
      return `an unknown record type "${t.slice(0, 40)}"`;
    }
    return undefined;
  }
}

/** A sweep as the tree and its panel show it: its definition (less what only the reader needs) and its trials at a moment. */
export interface SweepSummary extends Omit<SweepDefinition, 'heartbeatTimeout' | 'created'> {
  /** Workspace-relative folder of the sweep. */
  readonly folder: string;
  readonly counts: Readonly<Record<TrialStatus, number>>;
  /** `12 / 50` (or `12` without a maximum): trials that ended (completed, failed, pruned) of the maximum. */
  readonly progress: string;
  readonly finished: number;
  readonly best: { readonly trial: number; readonly value: number; readonly params: Record<string, unknown>; readonly runId: string | null } | null;
  /** Agents (host:pid) of running trials heard from within the heartbeat timeout. */
  readonly agents: readonly string[];
  readonly stopped: boolean;
  /** `running`, `stopped`, `done` or `waiting`. */
  readonly state: 'running' | 'stopped' | 'done' | 'waiting';
  readonly trials: readonly TrialRow[];
}

export interface TrialRow {
  readonly number: number;
  readonly params: Record<string, unknown>;
  /** `running` only while its agent is heard from; a silent one shows `abandoned`, as agents will mark it. */
  readonly status: TrialStatus;
  readonly value: number | null;
  readonly runId: string | null;
}

/** The summary of a sweep at `now` (seconds since the epoch). */
export function summarize(def: SweepDefinition, log: TrialLog, folder: string, now: number): SweepSummary {
  const counts: Record<TrialStatus, number> = { running: 0, completed: 0, failed: 0, pruned: 0, abandoned: 0 };
  const agents = new Set<string>();
  const rows: TrialRow[] = [];
  let best: SweepSummary['best'] = null;
  for (const trial of [...log.trials.values()].sort((a, b) => a.number - b.number)) {
    const alive = trial.status === 'running' && now - trial.lastSeen <= def.heartbeatTimeout;
    const status: TrialStatus = trial.status === 'running' && !alive ? 'abandoned' : trial.status;
    counts[status]++;
    if (alive) agents.add(trial.agent ?? `trial ${trial.number}`);
    if (trial.status === 'completed' && trial.value !== null && (best === null || better(def.goal, trial.value, best.value))) {
      best = { trial: trial.number, value: trial.value, params: trial.params, runId: trial.runId };
    }
    rows.push({ number: trial.number, params: trial.params, status, value: trial.value, runId: trial.runId });
  }
  const finished = counts.completed + counts.failed + counts.pruned;
  const done = def.maxTrials !== null && finished >= def.maxTrials;
  return {
    id: def.id, name: def.name, experiment: def.experiment, strategy: def.strategy, metric: def.metric, goal: def.goal,
    maxTrials: def.maxTrials, parameters: def.parameters, command: def.command, folder, counts,
    progress: def.maxTrials === null ? `${finished}` : `${finished} / ${def.maxTrials}`, finished, best,
    agents: [...agents].sort(), stopped: log.stopped,
    state: log.stopped ? 'stopped' : done ? 'done' : agents.size ? 'running' : 'waiting',
    trials: rows,
  };
}

export function better(goal: Goal, a: number, b: number): boolean {
  return goal === 'maximize' ? a > b : a < b;
}

/** Reads `sweep.json`'s object; throws an Error naming what is wrong. */
export function parseDefinition(value: unknown, folderName: string): SweepDefinition {
  if (!isObject(value)) throw new Error('not a JSON object');
  if (value.format !== undefined && value.format !== 'labbook-sweep') throw new Error(`"format" is ${JSON.stringify(value.format)}, not "labbook-sweep"`);
  const id = typeof value.id === 'string' && value.id ? value.id : folderName;
  const objective = isObject(value.objective) ? value.objective : {};
  const metric = typeof objective.metric === 'string' ? objective.metric : '';
  if (!metric) throw new Error('no "objective.metric"');
  const goal: Goal = objective.goal === 'minimize' ? 'minimize' : 'maximize';
  const max = value.max_trials;
  const timeout = finite(value.heartbeat_timeout);
  return {
    id,
    name: typeof value.name === 'string' && value.name ? value.name : id,
    experiment: typeof value.experiment === 'string' && value.experiment ? value.experiment : 'default',
    strategy: typeof value.strategy === 'string' ? value.strategy : 'random',
    metric,
    goal,
    maxTrials: typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : null,
    parameters: isObject(value.parameters) ? Object.keys(value.parameters) : [],
    heartbeatTimeout: timeout !== null && timeout > 0 ? timeout : 120,
    command: Array.isArray(value.command) ? value.command.filter((c): c is string => typeof c === 'string') : [],
    created: finite(value.created),
  };
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The line that stops or resumes a sweep (`reason` optional), with its newline. */
export function controlRecord(type: 'stop' | 'resume', time: number, reason?: string): string {
  return `${JSON.stringify(reason === undefined ? { t: type, time } : { t: type, time, reason })}\n`;
}
