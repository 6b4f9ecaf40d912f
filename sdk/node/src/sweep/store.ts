/**
 * A sweep on disk, as the Python SDK writes it (docs/sweep-format.md): `<log root>/_sweeps/<id>/`
 * with `sweep.json` (the definition, written once through a temporary file and a rename) and
 * `trials.jsonl` (the append-only trial log); and what that log says about each trial.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SWEEPS_DIR = '_sweeps';
export const DEFINITION = 'sweep.json';
export const TRIALS = 'trials.jsonl';
export const FORMAT = 'labbook-sweep';
export const FORMAT_VERSION = 1;

export type Goal = 'maximize' | 'minimize';
export type Strategy = 'grid' | 'random' | 'bayesian';
export type TrialStatus = 'running' | 'completed' | 'failed' | 'pruned' | 'abandoned';
export type SweepRecord = Record<string, unknown> & { t: string };

/** `sweep.json`. */
export interface SweepDefinition {
  format: string;
  version: number;
  id: string;
  name: string;
  experiment: string;
  strategy: Strategy;
  parameters: Record<string, unknown>;
  objective: { metric: string; goal: Goal };
  max_trials: number | null;
  seed: unknown;
  early_terminate: unknown;
  engine: string;
  heartbeat_timeout: number;
  max_retries: number;
  command: string[] | null;
  created: number;
  [key: string]: unknown;
}

export function agentName(): string {
  return `${os.hostname()}:${process.pid}`;
}

export function writeDefinition(folder: string, definition: SweepDefinition): void {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, DEFINITION);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(definition, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readDefinition(folder: string): SweepDefinition {
  const file = path.join(folder, DEFINITION);
  const d: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (d === null || typeof d !== 'object' || (d as { format?: unknown }).format !== FORMAT) throw new Error(`${file} is not a Labbook sweep definition`);
  return d as SweepDefinition;
}

/** Appends one record as a whole line with a single `O_APPEND` write, never through a link; a log
 * whose last line was torn by a writer that died gets a newline first. */
export function appendRecord(folder: string, record: Record<string, unknown>): void {
  const file = path.join(folder, TRIALS);
  let line = `${JSON.stringify(record)}\n`;
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = fs.openSync(file, 'r');
      try {
        fs.readSync(rfd, last, 0, 1, size - 1);
      } finally {
        fs.closeSync(rfd);
      }
      if (last[0] !== 0x0a) line = `\n${line}`;
    }
    const data = Buffer.from(line, 'utf8');
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
  } finally {
    fs.closeSync(fd);
  }
}

/** The trial log's records, skipping a torn or damaged line. */
export function readRecords(folder: string): SweepRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(folder, TRIALS), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: SweepRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec: unknown = JSON.parse(line);
      if (rec !== null && typeof rec === 'object' && !Array.isArray(rec) && typeof (rec as { t?: unknown }).t === 'string') out.push(rec as SweepRecord);
    } catch {
      // a line torn by a writer that died
    }
  }
  return out;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export class TrialState {
  params: Record<string, unknown> = {};
  status: TrialStatus = 'running';
  value: number | null = null;
  metrics: Record<string, unknown> = {};
  lastSeen = 0;
  started = 0;
  retryOf: number | null = null;
  gridIndex: number | null = null;
  agent: string | null = null;
  runId: string | null = null;
  reason: string | null = null;
  constructor(readonly number: number) {}
}

/** What the trial log says: every trial's state, and whether the sweep is stopped (as Python's `SweepState`). */
export class SweepState {
  readonly trials = new Map<number, TrialState>();
  stopped = false;
  readonly retried = new Set<number>();

  constructor(records: readonly SweepRecord[]) {
    for (const rec of records) {
      if (rec.t === 'stop' || rec.t === 'resume') {
        this.stopped = rec.t === 'stop';
        continue;
      }
      const n = rec.trial;
      if (typeof n !== 'number' || !Number.isInteger(n)) continue;
      const when = isFiniteNumber(rec.time) ? rec.time : 0;
      if (rec.t === 'suggest') {
        const s = new TrialState(n);
        this.trials.set(n, s);
        s.params = rec.params !== null && typeof rec.params === 'object' ? (rec.params as Record<string, unknown>) : {};
        s.lastSeen = s.started = when;
        s.retryOf = Number.isInteger(rec.retry_of) ? (rec.retry_of as number) : null;
        s.gridIndex = Number.isInteger(rec.grid_index) ? (rec.grid_index as number) : null;
        s.agent = typeof rec.agent === 'string' ? rec.agent : null;
        if (s.retryOf !== null) this.retried.add(s.retryOf);
        continue;
      }
      const s = this.trials.get(n);
      if (!s) continue;
      s.lastSeen = Math.max(s.lastSeen, when);
      if (rec.t === 'run') s.runId = typeof rec.run_id === 'string' ? rec.run_id : null;
      else if (s.status !== 'running') continue;
      else if (rec.t === 'complete') {
        s.status = 'completed';
        s.value = isFiniteNumber(rec.value) ? rec.value : null;
        s.metrics = rec.metrics !== null && typeof rec.metrics === 'object' ? (rec.metrics as Record<string, unknown>) : {};
        if (typeof rec.run_id === 'string') s.runId = rec.run_id;
      } else if (rec.t === 'fail' || rec.t === 'prune' || rec.t === 'abandon') {
        s.status = rec.t === 'fail' ? 'failed' : rec.t === 'prune' ? 'pruned' : 'abandoned';
        s.reason = typeof rec.reason === 'string' ? rec.reason : null;
        if (rec.t === 'prune' && isFiniteNumber(rec.value)) s.value = rec.value;
      }
    }
  }

  ordered(): TrialState[] {
    return [...this.trials.keys()].sort((a, b) => a - b).map((n) => this.trials.get(n) as TrialState);
  }

  nextNumber(): number {
    let next = 0;
    for (const n of this.trials.keys()) next = Math.max(next, n + 1);
    return next;
  }
}
