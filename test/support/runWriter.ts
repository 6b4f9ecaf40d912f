import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';

/** Writes a run in the Labbook run log format (docs/run-log-format.md), one JSON line at a time. */
export interface RunWriterOptions {
  project?: string;
  name?: string;
  runId?: string;
  /** Folder name below the log root; default `run-<runId>`. */
  folder?: string;
  description?: string;
  tags?: string[];
  params?: Record<string, unknown>;
  /** Unix seconds of the header; default now. */
  time?: number;
}

export class RunWriter {
  readonly runId: string;
  readonly name: string;
  readonly project: string;
  readonly dir: string;
  readonly file: string;
  private clock: number;

  constructor(logRoot: string, opts: RunWriterOptions = {}) {
    this.runId = opts.runId ?? crypto.randomBytes(5).toString('hex');
    this.name = opts.name ?? this.runId;
    this.project = opts.project ?? 'default';
    this.dir = path.join(logRoot, opts.folder ?? `run-${this.runId}`);
    this.file = path.join(this.dir, 'events.jsonl');
    this.clock = opts.time ?? Date.now() / 1000;
    fs.mkdirSync(this.dir, { recursive: true });
    this.record({
      t: 'header',
      format: 'labbook-run',
      version: 1,
      run_id: this.runId,
      project: this.project,
      name: this.name,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
      time: this.clock,
    });
    if (opts.params) this.params(opts.params);
  }

  private now(): number {
    // Monotonic, even when called faster than the clock ticks.
    this.clock = Math.max(this.clock + 0.001, Date.now() / 1000);
    return Number(this.clock.toFixed(3));
  }

  /** Appends one record as a complete line. */
  record(obj: Record<string, unknown>): this {
    fs.appendFileSync(this.file, JSON.stringify(obj) + '\n');
    return this;
  }

  /** Appends raw text as is (for torn lines and bad input). */
  raw(text: string): this {
    fs.appendFileSync(this.file, text);
    return this;
  }

  params(values: Record<string, unknown>, reset = false): this {
    return this.record({ t: 'params', values, ...(reset ? { reset: true } : {}), time: this.now() });
  }

  metrics(step: number, values: Record<string, number | string>): this {
    return this.record({ t: 'metrics', step, time: this.now(), values });
  }

  /** Logs `count` steps starting at `from`, values from `fn(step)`. */
  series(from: number, count: number, fn: (step: number) => Record<string, number>): this {
    const lines: string[] = [];
    for (let s = from; s < from + count; s++) lines.push(JSON.stringify({ t: 'metrics', step: s, time: this.now(), values: fn(s) }));
    fs.appendFileSync(this.file, lines.join('\n') + '\n');
    return this;
  }

  heartbeat(): this {
    return this.record({ t: 'heartbeat', time: this.now() });
  }

  status(status: 'running' | 'finished' | 'failed' | 'killed', message?: string): this {
    return this.record({ t: 'status', status, time: this.now(), ...(message !== undefined ? { message } : {}) });
  }

  finish(): this {
    return this.status('finished');
  }
}

/** A pleasant, deterministic training curve for demos and tests. */
export function trainingCurve(step: number, seed = 1): Record<string, number> {
  const noise = Math.sin(step * 12.9898 * seed) * 0.02;
  const loss = 2.3 * Math.exp(-step / 25) + 0.1 + noise;
  const acc = 1 - 0.9 * Math.exp(-step / 20) - noise / 2;
  return { 'train/loss': Number(loss.toFixed(5)), 'train/acc': Number(acc.toFixed(5)) };
}
