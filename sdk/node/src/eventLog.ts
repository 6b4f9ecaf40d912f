// A run's events.jsonl as it is written: records are buffered as complete lines and appended by
// size and by time (from the timers, and from log calls when the timers are late because a loop
// never yields); metrics are checked and turned into lines here, with the rules for steps.
import * as fs from 'fs';
import { LineWriter } from './lineWriter';
import { KeySteps } from './runState';
import { MAX_BUFFER_CHARS, maxPendingBytes, type FinalStatus } from './options';
import { checkStep, metricNumber, numberText, warn } from './values';

/** Where console output is copied: flushed with the log. */
export interface FlushedSink {
  write(text: string): void;
  flush(): void;
  close(): void;
}

export class EventLog {
  /** True once the run ended: nothing more is appended. */
  finished = false;
  /** Console output copied to console.log, flushed with the log. */
  consoleSink: FlushedSink | undefined;
  /** Metric name -> the steps it has values at. */
  readonly steps = new Map<string, KeySteps>();
  /** Records given up on while writes failed. */
  lost = 0;
  private fd: number | undefined;
  private buf: string[] = [];
  private bufChars = 0;
  private readonly keyJson = new Map<string, string>();
  private readonly texts: string[] = [];
  private readonly writer: LineWriter;
  private dropping = false;
  private readonly maxPending = maxPendingBytes();
  private nextFlushMs: number;
  private nextBeatMs: number;

  constructor(
    private readonly runId: string,
    readonly eventsPath: string,
    private readonly flushEveryMs: number,
    private readonly beatEveryMs: number,
    startMs: number,
  ) {
    this.fd = fs.openSync(eventsPath, 'a');
    this.writer = new LineWriter(eventsPath, warn);
    this.nextFlushMs = startMs + flushEveryMs;
    this.nextBeatMs = startMs + beatEveryMs;
  }

  /** The last write error while lines still wait, else undefined. */
  get writeError(): Error | undefined {
    return this.writer.error as Error | undefined;
  }

  checkOpen(what: string): void {
    if (this.finished) throw new Error(`labbook: ${what} on run ${this.runId}, which is already finished`);
  }

  append(line: string, flush = false): void {
    if (this.fd === undefined || this.finished) throw new Error(`labbook: run ${this.runId} is finished`);
    if (this.writer.failing && !this.keep(line)) return;
    this.buf.push(line);
    this.bufChars += line.length;
    // while writes fail, the flush timer retries: no write attempt per record
    if ((flush || this.bufChars > MAX_BUFFER_CHARS) && !this.writer.failing) this.flush();
  }

  /** False (and the line counted as lost) when writes fail and memory holds enough. */
  private keep(line: string): boolean {
    if (!this.writer.failing || line.startsWith('{"t":"status"')) return true;
    if (!this.dropping && this.bufChars + line.length <= this.maxPending) return true;
    this.dropping = true; // until the lines kept are written: what is kept has no gap
    this.lost++;
    return false;
  }

  record(rec: Record<string, unknown>, flush = true): void {
    this.append(JSON.stringify(rec) + '\n', flush);
  }

  /** Writes everything logged so far to disk now. */
  flush(): void {
    this.nextFlushMs = Date.now() + this.flushEveryMs;
    if (this.buf.length && this.fd !== undefined) {
      const written = this.writer.write(this.fd, this.buf);
      if (written === this.buf.length) {
        this.buf = [];
        this.bufChars = 0;
      } else {
        for (const line of this.buf.splice(0, written)) this.bufChars -= line.length;
      }
      if (!this.writer.failing) this.dropping = false;
    }
    this.consoleSink?.flush();
  }

  flushQuietly(): void {
    try {
      this.flush();
    } catch {
      /* never throw from a timer */
    }
  }

  beat(ms: number): void {
    this.nextBeatMs = ms + this.beatEveryMs;
    if (!this.finished) this.append(`{"t":"heartbeat","time":${numberText(ms / 1000)}}\n`);
  }

  /** What the timers do, done from a log call when they are late (a loop that never yields). */
  private catchUp(ms: number): void {
    if (ms >= this.nextBeatMs) this.beat(ms);
    if (ms >= this.nextFlushMs && !this.writer.failing) {
      this.nextFlushMs = ms + this.flushEveryMs;
      this.flushQuietly();
    }
  }

  /** Metrics at `step`, or each at its own next step; see `Run.logMetrics`. */
  logMetrics(values: Record<string, unknown>, step: number | undefined, warnDropped: boolean): void {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TypeError('labbook.logMetrics expects an object of metric name -> number');
    if (step !== undefined && step !== null) step = checkStep(step);
    else step = undefined;
    // Every value is checked before anything is recorded: a bad one leaves the call without effect.
    const keys = Object.keys(values);
    const n = keys.length;
    const texts = this.texts;
    texts.length = n;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (!key) throw new RangeError('labbook.logMetrics: metric names must not be empty');
      const v = values[key];
      texts[i] = typeof v === 'number' && Number.isFinite(v) ? '' + v : numberText(metricNumber(key, v));
    }
    this.checkOpen('logMetrics()');
    const ms = Date.now();
    const head = `{"t":"metrics","step":`;
    const time = `,"time":${ms / 1000},"values":{`;
    let dropped: Array<[string, number]> | undefined;
    if (step !== undefined || n === 1) {
      // One line: every key at the given step, or one key at its next step.
      let body = '';
      let s = step ?? 0;
      for (let i = 0; i < n; i++) {
        const ks = this.keySteps(keys[i]);
        if (step === undefined) s = ks.last + 1;
        else if (s <= ks.last && ks.has(s)) {
          (dropped ??= []).push([keys[i], s]);
          continue;
        }
        ks.add(s);
        body = body ? `${body},${this.keyText(keys[i])}:${texts[i]}` : `${this.keyText(keys[i])}:${texts[i]}`;
      }
      if (body) this.append(`${head}${s}${time}${body}}}\n`);
    } else {
      // Each key at its own next step: one line per step, in step order.
      const byStep = new Map<number, string>();
      for (let i = 0; i < n; i++) {
        const ks = this.keySteps(keys[i]);
        const s = ks.last + 1;
        ks.add(s);
        const item = `${this.keyText(keys[i])}:${texts[i]}`;
        const group = byStep.get(s);
        byStep.set(s, group === undefined ? item : `${group},${item}`);
      }
      for (const s of [...byStep.keys()].sort((a, b) => a - b)) this.append(`${head}${s}${time}${byStep.get(s)!}}}\n`);
    }
    if (dropped && warnDropped) for (const [key, s] of dropped) warn(`labbook.logMetrics: metric ${JSON.stringify(key)} already has a value at step ${s}; the new value is ignored`);
    if (ms >= this.nextFlushMs || ms >= this.nextBeatMs) this.catchUp(ms);
  }

  private keySteps(key: string): KeySteps {
    let ks = this.steps.get(key);
    if (!ks) {
      ks = new KeySteps();
      this.steps.set(key, ks);
    }
    return ks;
  }

  /** A metric name as JSON, made once per name. */
  private keyText(key: string): string {
    let kj = this.keyJson.get(key);
    if (kj === undefined) {
      kj = JSON.stringify(key);
      this.keyJson.set(key, kj);
    }
    return kj;
  }

  /** The final status and message once the waiting lines had a last try: if records were lost, the
   *  run failed, and the message says how many. */
  countLosses(status: FinalStatus, message: string | undefined): [FinalStatus, string | undefined] {
    this.flush();
    if (this.writer.failing && this.buf.length) {
      this.lost += this.buf.length; // given up on: the status line gets the room left
      this.buf = [];
      this.bufChars = 0;
    }
    if (!this.lost) return [status, message];
    const reason = `disk full: ${this.lost} records could not be written (${this.writeError?.message ?? 'the disk had no room'})`;
    return [status === 'finished' ? 'failed' : status, message === undefined || message === null ? reason : `${message}\n${reason}`];
  }

  /** Appends the final status record, writes what waits and closes the file. Returns false when the
   *  final status could not be written. */
  end(statusRecord: Record<string, unknown>): boolean {
    if (this.fd !== undefined) this.buf.push(JSON.stringify(statusRecord) + '\n');
    this.finished = true;
    try {
      this.flush();
      return !(this.buf.length && this.writer.failing);
    } finally {
      if (this.fd !== undefined) {
        try {
          fs.closeSync(this.fd);
        } catch {
          /* already closed */
        }
        this.fd = undefined;
      }
    }
  }
}
