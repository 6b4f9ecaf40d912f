/**
 * Labbook SDK for Node.js: writes the Labbook run log format v1 (docs/run-log-format.md).
 *
 *   import { startRun } from 'labbook-sdk';
 *   const run = startRun({ project: 'mnist', name: 'lr-0.01', config: { lr: 0.01 } });
 *   for (let step = 0; step < 100; step++) run.logMetrics({ 'train/loss': 1 / (step + 1) });
 *   run.logArtifact('model.bin', 'checkpoints');
 *   run.finish();
 *
 * Node standard library only. The same model and rules as the Python SDK (sdk/python).
 * This file holds the Run and the process hooks; values.ts, files.ts, capture.ts, runState.ts and
 * images.ts the parts it uses, currentRun.ts the module-level API (`log`, `config`, …).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LineWriter } from './lineWriter';
import { statusForExitCode } from './exitStatus';
import { configProxy } from './configProxy';
import { takePendingConfig } from './currentRun';
import { now, numberText, isPlainObject, jsonable, flatten, deepCopy, metricNumber, checkStep, tagsList, normalizeStatus, parseCondition, envFlag, envSeconds, warn } from './values';
import { cleanArtifactPath, hashFile, copyFile, inside, realpath, walkTree, hashTree } from './files';
import { stripCredentials, collectEnv, SystemSampler, gpuSample, attachConsole, detachConsole } from './capture';
import { runFolders, readHeader, findRunFolder, KeySteps, parseRelaxed, readState } from './runState';
import { type RawImage, imageBytes } from './images';

export const FORMAT = 'labbook-run';
export const FORMAT_VERSION = 1;
export const DEFAULT_LOGDIR = 'labbook';
export const ALERT_LEVELS = ['info', 'warning', 'error'] as const;

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export type FinalStatus = 'finished' | 'failed' | 'killed';
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export type Tags = string | readonly string[] | Readonly<Record<string, unknown>>;

export interface RunOptions {
  /** Experiment the run belongs to (default `"default"`). */
  project?: string;
  name?: string;
  description?: string;
  /** Labels; an object `{key: value}` becomes tags `key:value`. */
  tags?: Tags;
  /** Configuration: nested objects are flattened with `.` in the log. */
  config?: Record<string, unknown>;
  /** Log root; default `$LABBOOK_DIR`, else `./labbook`. */
  logdir?: string;
  /** A run id (or run folder) to append to instead of starting a new run. */
  resume?: string;
  /** Each capture can also be switched off with its environment variable (`LABBOOK_CAPTURE_ENV=0` …). */
  captureEnv?: boolean;
  captureGit?: boolean;
  capturePackages?: boolean;
  captureConsole?: boolean;
  captureSystem?: boolean;
  /** Seconds between system metric samples (default 10, `LABBOOK_SYSTEM_SECONDS`). */
  systemInterval?: number;
  /** Seconds between heartbeats (default 10, `LABBOOK_HEARTBEAT_SECONDS`). */
  heartbeatInterval?: number;
  /** Seconds between buffer flushes (default 0.5, `LABBOOK_FLUSH_SECONDS`). */
  flushInterval?: number;
  /**
   * Write `killed by SIGTERM` (SIGINT, SIGHUP) before the process dies of the signal, when the program
   * does not handle it (default false, `LABBOOK_HANDLE_SIGNALS=1`). Only for programs that give the
   * event loop a turn: a JavaScript signal handler cannot run during a synchronous loop, so it would
   * hold the signal until the loop ends. Without it a signal stops the program at once, as without
   * Labbook, and the extension shows the run as killed (its process is gone).
   */
  handleSignals?: boolean;
}

export interface DatasetOptions {
  /** A local file or folder (hashed). A `scheme://` string that is not a local path is taken as a URI. */
  path?: string;
  /** A remote location. */
  uri?: string;
  description?: string;
  context?: string;
}

export interface DatasetRecord {
  t: 'dataset';
  name: string;
  path?: string;
  size?: number;
  sha256?: string;
  uri?: string;
  description?: string;
  context?: string;
  time: number;
}

const DEFAULT_HEARTBEAT_SECONDS = 10;
const DEFAULT_FLUSH_SECONDS = 0.5;
const DEFAULT_SYSTEM_SECONDS = 10;
/** Lines are written once they hold this many characters (or every flushInterval): a small buffer
 *  keeps the lines young, so they cost the garbage collector next to nothing. */
const MAX_BUFFER_CHARS = 64 * 1024;
/** Records kept in memory while writes fail (a full disk); past it newer ones are lost. */
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

// ------------------------------------------------------------------------------------------ run

const openRuns = new Set<Run>();
let currentRun: Run | undefined;

function localStamp(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** One run: a folder holding an append-only `events.jsonl`. Make one with `startRun()`. */
const NAME_ADJECTIVES = ['amber', 'bold', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'golden', 'grand', 'happy', 'hidden', 'jolly', 'keen', 'lively', 'lucid', 'mellow', 'merry', 'nimble', 'noble', 'polar', 'proud', 'quiet', 'rapid', 'silver', 'sleek', 'sunny', 'swift', 'vivid'];
const NAME_NOUNS = ['badger', 'bison', 'canyon', 'comet', 'condor', 'cedar', 'delta', 'ember', 'falcon', 'fjord', 'gecko', 'glacier', 'harbor', 'heron', 'ibis', 'jaguar', 'kestrel', 'lagoon', 'lynx', 'maple', 'meadow', 'nebula', 'otter', 'panda', 'quasar', 'raven', 'sparrow', 'summit', 'tundra', 'walrus', 'willow', 'zephyr'];

/** A readable default run name from the run id, e.g. `swift-otter-417` (the Python SDK gives the same). */
export function friendlyName(runId: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0; // FNV-1a, 32 bits
  return `${NAME_ADJECTIVES[h % NAME_ADJECTIVES.length]}-${NAME_NOUNS[(h >>> 8) % NAME_NOUNS.length]}-${(h >>> 16) % 1000}`;
}

export class Run {
  readonly logdir: string;
  readonly id: string;
  readonly path: string;
  readonly project: string;
  name: string | undefined;
  description: string | undefined;
  tags: string[] | undefined;
  status: RunStatus = 'running';

  private configData: Record<string, unknown> = {};
  private fd: number | undefined;
  private buf: string[] = [];
  private bufChars = 0;
  private readonly steps = new Map<string, KeySteps>();
  private readonly keyJson = new Map<string, string>();
  /** The values' texts of a log call (reused: no array per call). */
  private readonly texts: string[] = [];
  private finishedFlag = false;
  private readonly startMs = Date.now();
  private readonly startTime: number;
  private systemStep = 0;
  private artifactNames = new Set<string>();
  private imageSteps = new Map<string, KeySteps>();
  private readonly timers: NodeJS.Timeout[] = [];
  private consoleSink: { write(text: string): void; flush(): void; close(): void } | undefined;
  private envPending: { git: boolean; packages: boolean } | undefined;
  private writer!: LineWriter;
  /** Records given up on while writes failed. */
  private lost = 0;
  private dropping = false;
  private readonly maxPending = maxPendingBytes();
  /** When the buffer is written and a heartbeat is due next, in ms (checked by every log call too:
   *  a synchronous training loop never lets the timers run). */
  private readonly flushEveryMs: number;
  private readonly beatEveryMs: number;
  private nextFlushMs = 0;
  private nextBeatMs = 0;
  private readonly configView = configProxy({
    values: () => this.configData,
    set: (key, value) => this.logParams({ [key]: value }),
    remove: (key) => {
      const rest = { ...this.configData };
      delete rest[key];
      this.logParams(rest, true);
    },
    copy: deepCopy,
  });

  constructor(options: RunOptions = {}) {
    const logdir = options.logdir ?? process.env.LABBOOK_DIR ?? DEFAULT_LOGDIR;
    this.logdir = path.resolve(logdir);
    const heartbeat = envSeconds(options.heartbeatInterval, 'LABBOOK_HEARTBEAT_SECONDS', DEFAULT_HEARTBEAT_SECONDS);
    const flushEvery = envSeconds(options.flushInterval, 'LABBOOK_FLUSH_SECONDS', DEFAULT_FLUSH_SECONDS);
    const systemEvery = envSeconds(options.systemInterval, 'LABBOOK_SYSTEM_SECONDS', DEFAULT_SYSTEM_SECONDS);
    const captureEnv = envFlag(options.captureEnv, 'LABBOOK_CAPTURE_ENV');
    const captureGit = envFlag(options.captureGit, 'LABBOOK_CAPTURE_GIT');
    const capturePackages = envFlag(options.capturePackages, 'LABBOOK_CAPTURE_PACKAGES');
    const captureConsole = envFlag(options.captureConsole, 'LABBOOK_CAPTURE_CONSOLE');
    const captureSystem = envFlag(options.captureSystem, 'LABBOOK_CAPTURE_SYSTEM');
    const handleSignals = envFlag(options.handleSignals, 'LABBOOK_HANDLE_SIGNALS', false);
    this.startTime = now();
    this.flushEveryMs = flushEvery * 1000;
    this.beatEveryMs = heartbeat * 1000;
    this.nextFlushMs = this.startMs + this.flushEveryMs;
    this.nextBeatMs = this.startMs + this.beatEveryMs;

    if (options.resume === undefined) {
      this.project = options.project !== undefined ? String(options.project) : 'default';
      this.name = options.name !== undefined ? String(options.name) : undefined;
      this.description = options.description !== undefined ? String(options.description) : undefined;
      this.tags = options.tags !== undefined ? tagsList(options.tags) : undefined;
      fs.mkdirSync(this.logdir, { recursive: true });
      const stamp = localStamp(this.startTime);
      let id = '';
      let folder = '';
      for (let i = 0; ; i++) {
        id = crypto.randomBytes(5).toString('hex');
        folder = path.join(this.logdir, `run-${stamp}-${id}`);
        try {
          fs.mkdirSync(folder);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 100) throw e;
        }
      }
      this.id = id;
      this.path = folder;
      if (this.name === undefined) this.name = friendlyName(id);
      this.fd = fs.openSync(path.join(folder, 'events.jsonl'), 'a');
      this.writer = new LineWriter(this.eventsPath, warn);
      this.configData = deepCopy(options.config ?? {});
      const header: Record<string, unknown> = { t: 'header', format: FORMAT, version: FORMAT_VERSION, run_id: id, project: this.project };
      if (this.name !== undefined) header.name = this.name;
      if (this.description !== undefined) header.description = this.description;
      if (this.tags !== undefined) header.tags = [...this.tags];
      header.time = this.startTime;
      Object.assign(header, processIdentity());
      this.record(header, false);
      this.record({ t: 'params', values: flatten(this.configData), time: now() }, false);
      this.record({ t: 'status', status: 'running', time: now() });
    } else {
      const folder = findRunFolder(this.logdir, String(options.resume));
      const events = path.join(folder, 'events.jsonl');
      const st = readState(events);
      this.path = folder;
      this.id = st.runId ?? path.basename(folder);
      this.project = st.project;
      if (options.project !== undefined && String(options.project) !== this.project) warn(`labbook: run ${this.id} belongs to project ${JSON.stringify(this.project)}; project ${JSON.stringify(options.project)} is ignored`);
      this.name = st.name;
      this.description = st.description;
      this.tags = st.tags;
      for (const [k, v] of st.steps) this.steps.set(k, v);
      this.systemStep = st.systemStep;
      this.artifactNames = st.artifacts;
      this.configData = st.params;
      this.fd = fs.openSync(events, 'a');
      this.writer = new LineWriter(events, warn);
      if (!st.complete) this.append('\n');
      this.record({ t: 'status', status: 'running', time: now(), resumed: true, ...processIdentity() }, false);
      if (options.config && Object.keys(options.config).length) this.logParams(options.config);
      if (options.name !== undefined && String(options.name) !== this.name) this.setName(options.name);
      if (options.description !== undefined && String(options.description) !== this.description) this.setDescription(options.description);
      if (options.tags !== undefined) {
        const add = tagsList(options.tags).filter((t) => !(this.tags ?? []).includes(t));
        if (add.length) this.logTags(add);
      }
      this.flush();
    }

    openRuns.add(this);
    installHooks(handleSignals);

    if (captureConsole) {
      const file = path.join(this.path, 'console.log');
      let pending: string[] = [];
      let open = true;
      const sink = {
        write: (text: string) => {
          if (open) pending.push(text);
        },
        flush: () => {
          if (!pending.length) return;
          const data = pending.join('');
          pending = [];
          try {
            fs.appendFileSync(file, data, 'utf8');
          } catch {
            /* console.log is best effort */
          }
        },
        close: () => {
          sink.flush();
          open = false;
        },
      };
      this.consoleSink = sink;
      attachConsole(sink);
    }
    const flushTimer = setInterval(() => this.flushQuietly(), flushEvery * 1000);
    const beatTimer = setInterval(() => this.beat(Date.now()), heartbeat * 1000);
    this.timers.push(flushTimer, beatTimer);
    if (captureSystem) {
      const sampler = new SystemSampler();
      const t = setInterval(() => {
        if (this.finishedFlag) return;
        const values = sampler.sample();
        const step = this.systemStep++;
        gpuSample((gpu) => {
          if (this.finishedFlag) return;
          try {
            this.logInternal({ ...values, ...gpu }, step, false);
          } catch {
            /* finished meanwhile */
          }
        });
      }, systemEvery * 1000);
      this.timers.push(t);
    }
    for (const t of this.timers) t.unref();
    if (captureEnv) {
      this.envPending = { git: captureGit, packages: capturePackages };
      setImmediate(() => this.captureEnvNow()).unref?.();
    }
  }

  // ---- properties

  /** The configuration: reading gives copies; `run.config.lr = 0.1` records the change (as `logParams`). */
  get config(): Record<string, unknown> {
    return this.configView;
  }

  /** `run.config = {...}` adds or overrides those values (as `logParams`). */
  set config(values: Record<string, unknown>) {
    this.logParams(values);
  }

  get finished(): boolean {
    return this.finishedFlag;
  }

  get eventsPath(): string {
    return path.join(this.path, 'events.jsonl');
  }

  // ---- writing

  private append(line: string, flush = false): void {
    if (this.fd === undefined || this.finishedFlag) throw new Error(`labbook: run ${this.id} is finished`);
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

  private record(rec: Record<string, unknown>, flush = true): void {
    this.append(JSON.stringify(rec) + '\n', flush);
  }

  /** Writes everything logged so far to disk now (also done at least every 0.5 s and at exit). */
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

  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      /* never throw from a timer */
    }
  }

  private beat(ms: number): void {
    this.nextBeatMs = ms + this.beatEveryMs;
    if (!this.finishedFlag) this.append(`{"t":"heartbeat","time":${numberText(ms / 1000)}}\n`);
  }

  /** What the timers do, done from a log call when they are late (a loop that never yields). */
  private catchUp(ms: number): void {
    if (ms >= this.nextBeatMs) this.beat(ms);
    if (ms >= this.nextFlushMs && !this.writer.failing) {
      this.nextFlushMs = ms + this.flushEveryMs;
      this.flushQuietly();
    }
  }

  private checkOpen(what: string): void {
    if (this.finishedFlag) throw new Error(`labbook: ${what} on run ${this.id}, which is already finished`);
  }

  private captureEnvNow(): void {
    const pending = this.envPending;
    if (!pending || this.finishedFlag) return;
    this.envPending = undefined;
    try {
      this.record({ t: 'env', values: jsonable(collectEnv(this.path, this.startTime, pending.git, pending.packages)), time: now() });
    } catch {
      /* capture is best effort */
    }
  }

  // ---- metrics

  /**
   * Logs metrics. Without `step` every metric goes to its own next step (0, 1, 2, …); with `step` all
   * go to that step. A second value for a metric at a step it already has is dropped with a warning.
   * Values must be numbers (booleans count as 0/1, bigints are converted); NaN and ±Infinity are kept.
   */
  logMetrics(values: Record<string, number | boolean | bigint | string>, step?: number): void {
    this.logInternal(values, step, true);
  }

  /** Alias of `logMetrics`. */
  log(values: Record<string, number | boolean | bigint | string>, step?: number): void {
    this.logInternal(values, step, true);
  }

  logMetric(key: string, value: number | boolean | bigint | string, step?: number): void {
    this.logInternal({ [key]: value }, step, true);
  }

  private logInternal(values: Record<string, unknown>, step: number | undefined, warnDropped: boolean): void {
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

  // ---- params, tags, text

  /** Adds or overrides configuration values (nested objects are flattened in the log); `reset` replaces them all. */
  logParams(values: Record<string, unknown>, reset = false): void {
    this.checkOpen('logParams()');
    if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TypeError('labbook.logParams expects an object');
    const copy = deepCopy(values);
    if (reset) {
      this.configData = copy;
      this.record({ t: 'params', values: flatten(this.configData), reset: true, time: now() });
      return;
    }
    let replacedNested = false;
    for (const [k, v] of Object.entries(copy)) {
      if (isPlainObject(this.configData[k])) replacedNested = true;
      this.configData[k] = v;
    }
    if (replacedNested) this.record({ t: 'params', values: flatten(this.configData), reset: true, time: now() });
    else if (Object.keys(copy).length) this.record({ t: 'params', values: flatten(copy), time: now() });
  }

  logParam(key: string, value: unknown): void {
    this.logParams({ [key]: value });
  }

  /** Adds tags (or replaces all tags with `reset`). */
  logTags(tags: Tags, reset = false): void {
    this.checkOpen('logTags()');
    const list = tagsList(tags);
    if (reset || this.tags === undefined) this.tags = [...list];
    else for (const t of list) if (!this.tags.includes(t)) this.tags.push(t);
    this.record({ t: 'tags', tags: list, reset: Boolean(reset) });
  }

  setName(name: string): void {
    this.checkOpen('setName()');
    this.name = String(name);
    this.record({ t: 'set', name: this.name });
  }

  setDescription(description: string): void {
    this.checkOpen('setDescription()');
    this.description = String(description);
    this.record({ t: 'set', description: this.description });
  }

  /** Sets the run's markdown note (the last note is the run's note). */
  note(text: string): void {
    this.checkOpen('note()');
    this.record({ t: 'note', text: String(text), time: now() });
  }

  /** Adds to the run's environment (top-level keys replace earlier ones). */
  logEnv(values: Record<string, unknown>): void {
    this.checkOpen('logEnv()');
    this.record({ t: 'env', values: jsonable(values), time: now() });
  }

  /** Records the code version by hand (Polyaxon style): the `git` part of the environment. */
  logCodeRef(ref: { commit?: string; branch?: string; url?: string; dirty?: boolean } = {}): void {
    const git: Record<string, unknown> = {};
    if (ref.commit !== undefined && ref.commit !== null) git.commit = String(ref.commit);
    if (ref.branch !== undefined && ref.branch !== null) git.branch = String(ref.branch);
    if (ref.url !== undefined && ref.url !== null) git.remote = stripCredentials(String(ref.url));
    if (ref.dirty !== undefined && ref.dirty !== null) git.dirty = Boolean(ref.dirty);
    this.logEnv({ git });
  }

  /** MLflow style: `{key: value}` becomes tags `key:value` (an array or a string is added as is). */
  setTags(tags: Tags): void {
    this.logTags(tags);
  }

  /** MLflow style: the tag `key:value` (just `key` without a value). */
  setTag(key: string, value?: unknown): void {
    this.logTags({ [key]: value });
  }

  // ---- status

  /** Polyaxon style: finishes the run as `finished`. */
  logSucceeded(message?: string): boolean {
    return this.finish('finished', message);
  }

  /** Polyaxon style: finishes the run as `failed` (the traceback, when given, follows the message). */
  logFailed(message?: string, traceback?: string): boolean {
    if (traceback !== undefined && traceback !== null) message = message ? `${message}\n\n${traceback}` : String(traceback);
    return this.finish('failed', message);
  }

  /** Polyaxon style: finishes the run as `killed`. */
  logStopped(message?: string): boolean {
    return this.finish('killed', message);
  }

  /** `running` appends a status record; a final status (also succeeded, stopped, FAILED…) finishes the run. */
  logStatus(status: string, message?: string): boolean {
    const s = normalizeStatus(status);
    if (s === 'running') {
      this.checkOpen('logStatus()');
      const rec: Record<string, unknown> = { t: 'status', status: 'running', time: now() };
      if (message !== undefined) rec.message = String(message);
      this.record(rec);
      return true;
    }
    return this.finish(s, message);
  }

  // ---- files

  /** The run's `artifacts/` folder (created). Files saved there are recorded when the run finishes. */
  getOutputsPath(): string {
    const p = path.join(this.path, 'artifacts');
    fs.mkdirSync(p, { recursive: true });
    return p;
  }

  private copyArtifact(src: string, name: string): string {
    const dest = path.join(this.path, 'artifacts', ...name.split('/'));
    const { size, sha256 } = copyFile(src, dest);
    this.record({ t: 'artifact', path: 'artifacts/' + name, name, size, sha256, time: now() });
    this.artifactNames.add(name);
    return name;
  }

  /**
   * Logs an image under `key` at a step (the key's next step by default; a second image for a key
   * and step is dropped with a warning), stored as `artifacts/images/<key>/step_<step>.<ext>`.
   * `image`: a path to an image file, its bytes, or raw pixels `{ width, height, channels, data }`.
   * Returns the artifact name, or undefined when dropped.
   */
  logImage(key: string, image: string | Uint8Array | RawImage, step?: number, caption?: string): string | undefined {
    this.checkOpen('logImage()');
    const keyPath = cleanArtifactPath(key);
    if (!keyPath) throw new RangeError('labbook.logImage: the key must not be empty');
    if (step !== undefined) checkStep(step);
    const { data, ext } = imageBytes(image);
    let ks = this.imageSteps.get(keyPath);
    if (!ks) {
      const prefix = `images/${keyPath}/step_`;
      const known = [...this.artifactNames].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).split('.')[0]).filter((h) => /^\d+$/.test(h)).map(Number).sort((a, b) => a - b);
      ks = new KeySteps([...new Set(known)]);
      this.imageSteps.set(keyPath, ks);
    }
    const s = step ?? ks.last + 1;
    if (ks.has(s)) {
      warn(`labbook.logImage: ${JSON.stringify(keyPath)} already has an image at step ${s}; the new one is ignored`);
      return undefined;
    }
    ks.add(s);
    const name = `images/${keyPath}/step_${s}.${ext}`;
    const dest = path.join(this.path, 'artifacts', ...name.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, dest);
    const rec: Record<string, unknown> = { t: 'artifact', path: 'artifacts/' + name, name, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), time: now(), step: s };
    if (caption !== undefined) rec.caption = String(caption);
    this.record(rec);
    this.artifactNames.add(name);
    return name;
  }

  /** Copies a file into `<run>/artifacts/[artifactPath/]<file name>`; returns its artifact name. */
  logArtifact(file: string, artifactPath?: string): string;
  logArtifact(folder: string, artifactPath?: string): string | string[];
  logArtifact(file: string, artifactPath?: string): string | string[] {
    this.checkOpen('logArtifact()');
    const prefix = cleanArtifactPath(artifactPath);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new Error(`labbook.logArtifact: no such file: ${JSON.stringify(file)}`);
    }
    const base = path.basename(path.resolve(file));
    if (st.isDirectory()) return this.logArtifacts(file, prefix ? `${prefix}/${base}` : base);
    if (!st.isFile()) throw new Error(`labbook.logArtifact: not a regular file: ${JSON.stringify(file)}`);
    return this.copyArtifact(file, prefix ? `${prefix}/${base}` : base);
  }

  /** Copies every file below `folder` into `<run>/artifacts/[artifactPath/]`; links out of the folder are skipped. */
  logArtifacts(folder: string, artifactPath?: string): string[] {
    this.checkOpen('logArtifacts()');
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(folder);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new Error(`labbook.logArtifacts: not a folder: ${JSON.stringify(folder)}`);
    const prefix = cleanArtifactPath(artifactPath);
    const { files, skipped } = walkTree(folder);
    const runReal = realpath(this.path);
    const srcInRun = inside(realpath(folder), runReal);
    const names: string[] = [];
    for (const [rel, abs] of files) {
      if (!srcInRun && inside(realpath(abs), runReal)) continue; // never copy the run into itself
      names.push(this.copyArtifact(abs, prefix ? `${prefix}/${rel}` : rel));
    }
    if (skipped.length) warn(`labbook.logArtifacts: skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that ${skipped.length === 1 ? 'is' : 'are'} not a regular file inside ${JSON.stringify(folder)} (links out of the folder are not followed): ${skipped.slice(0, 10).join(', ')}`);
    return names;
  }

  private recordOutputs(): void {
    const root = path.join(this.path, 'artifacts');
    if (!fs.existsSync(root)) return;
    for (const [rel, abs] of walkTree(root).files) {
      if (this.artifactNames.has(rel) || path.basename(rel).includes('.tmp-')) continue;
      const { size, sha256 } = hashFile(abs);
      this.record({ t: 'artifact', path: 'artifacts/' + rel, name: rel, size, sha256, time: now() }, false);
      this.artifactNames.add(rel);
    }
  }

  /** Records data the run used: a local file or folder (size and sha256) or a remote URI. */
  logDataset(name: string, options: DatasetOptions = {}): DatasetRecord {
    this.checkOpen('logDataset()');
    if (name === undefined || name === null || String(name) === '') throw new RangeError('labbook.logDataset: a name is required');
    const rec: Record<string, unknown> = { t: 'dataset', name: String(name) };
    let local = options.path;
    let uri = options.uri;
    if (local !== undefined && local.includes('://') && !fs.existsSync(local)) {
      uri = uri ?? local;
      local = undefined;
    }
    if (local !== undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(local);
      } catch {
        throw new Error(`labbook.logDataset: no such file or folder: ${JSON.stringify(local)}`);
      }
      let size: number;
      let sha256: string;
      if (st.isDirectory()) {
        const h = hashTree(local);
        ({ size, sha256 } = h);
        if (h.skipped.length) warn(`labbook.logDataset: ${h.skipped.length} entries of ${JSON.stringify(local)} are not hashed (links out of the folder, special files)`);
      } else ({ size, sha256 } = hashFile(local));
      rec.path = local;
      rec.size = size;
      rec.sha256 = sha256;
    }
    if (uri !== undefined) rec.uri = String(uri);
    if (local === undefined && uri === undefined) throw new RangeError('labbook.logDataset: give a local path or a remote uri');
    if (options.description !== undefined) rec.description = String(options.description);
    if (options.context !== undefined) rec.context = String(options.context);
    rec.time = now();
    this.record(rec);
    return rec as unknown as DatasetRecord;
  }

  /** Alias of `logDataset` (Polyaxon's name). */
  logDataRef(name: string, options: DatasetOptions = {}): DatasetRecord {
    return this.logDataset(name, options);
  }

  // ---- alerts

  /** Asks Labbook to notify once when a logged value meets `condition` (`"<metric> <op> <number>"`). */
  createAlert(condition: string, message?: string, level: AlertLevel = 'warning'): string {
    this.checkOpen('createAlert()');
    const [metric, op, number] = parseCondition(condition);
    if (!ALERT_LEVELS.includes(level)) throw new RangeError(`labbook.createAlert: level must be one of ${ALERT_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
    const rec: Record<string, unknown> = { t: 'alert', condition: `${metric} ${op} ${number}` };
    if (message !== undefined) rec.message = String(message);
    rec.level = level;
    rec.time = now();
    this.record(rec);
    return rec.condition as string;
  }

  // ---- the end

  /** Ends the run with status `finished`, `failed` or `killed`. Returns false if it was already finished. */
  finish(status: FinalStatus = 'finished', message?: string): boolean {
    if (status !== 'finished' && status !== 'failed' && status !== 'killed') throw new RangeError(`labbook: finish status must be 'finished', 'failed' or 'killed', not ${JSON.stringify(status)}`);
    if (this.finishedFlag) return false;
    for (const t of this.timers) clearInterval(t);
    if (this.envPending && status !== 'killed') this.captureEnvNow();
    const sink = this.consoleSink;
    if (sink) detachConsole(sink);
    try {
      this.recordOutputs();
    } catch {
      /* best effort */
    }
    [status, message] = this.countLosses(status, message);
    const rec: Record<string, unknown> = { t: 'status', status, time: now(), duration: Math.round(Date.now() - this.startMs) / 1000 };
    if (message !== undefined && message !== null) rec.message = String(message);
    if (this.fd !== undefined) this.buf.push(JSON.stringify(rec) + '\n');
    this.finishedFlag = true;
    this.status = status;
    try {
      this.flush();
      if (this.buf.length && this.writer.failing) this.reportUnsaved();
    } finally {
      if (this.fd !== undefined) {
        try {
          fs.closeSync(this.fd);
        } catch {
          /* already closed */
        }
        this.fd = undefined;
      }
      sink?.close();
      this.consoleSink = undefined;
      openRuns.delete(this);
      if (currentRun === this) currentRun = undefined;
    }
    return true;
  }

  /** The final status and message once the waiting lines had a last try: if records were lost, the
   *  run failed, and the message says how many. */
  private countLosses(status: FinalStatus, message: string | undefined): [FinalStatus, string | undefined] {
    this.flush();
    if (this.writer.failing && this.buf.length) {
      this.lost += this.buf.length; // given up on: the status line gets the room left
      this.buf = [];
      this.bufChars = 0;
    }
    if (!this.lost) return [status, message];
    const err = this.writer.error as Error | undefined;
    const reason = `disk full: ${this.lost} records could not be written (${err?.message ?? 'the disk had no room'})`;
    return [status === 'finished' ? 'failed' : status, message === undefined || message === null ? reason : `${message}\n${reason}`];
  }

  /** The final status could not be written: say so, and make the process exit with 1. */
  private reportUnsaved(): void {
    unsavedRuns.push(this.id);
    const err = this.writer.error as Error | undefined;
    try {
      process.stderr.write(`labbook: run ${this.id} could not be saved: its final status and ${this.lost} earlier records were not written to ${this.eventsPath} (${err?.message ?? String(err)})\n`);
    } catch {
      /* nowhere to say it */
    }
    if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
  }
}

/** Where the run's process is: the extension marks a running run killed once this process is gone. */
function processIdentity(): { host: string; pid: number } {
  return { host: os.hostname(), pid: process.pid };
}

function maxPendingBytes(): number {
  const raw = process.env.LABBOOK_MAX_PENDING_BYTES;
  const v = raw ? Number(raw) : NaN;
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_MAX_PENDING_BYTES;
}

/** Ids of runs whose final status could not be written. */
const unsavedRuns: string[] = [];

// ------------------------------------------------------------------------------------------ process hooks

let hooksInstalled = false;
const signalHandlers = new Map<NodeJS.Signals, () => void>();

function finishAll(status: FinalStatus, message?: string): void {
  for (const r of [...openRuns]) {
    try {
      r.finish(status, message);
    } catch {
      /* keep going */
    }
  }
}

function installHooks(handleSignals: boolean): void {
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

// ------------------------------------------------------------------------------------------ module API

/** Starts a run and makes it the current one (`getRun()`); an open current run is finished first. */
export function startRun(options: RunOptions = {}): Run {
  if (currentRun && !currentRun.finished) currentRun.finish('finished');
  const pending = takePendingConfig();
  if (pending) options = { ...options, config: { ...pending, ...(options.config ?? {}) } };
  const started = new Run(options);
  currentRun = started;
  return started;
}

/** Alias of `startRun` (SwanLab/W&B style). */
export const init = startRun;

/** The current run (made by `startRun`), or undefined. */
export function getRun(): Run | undefined {
  return currentRun;
}

/** Finishes the current run; false if there is none. */
export function finish(status: FinalStatus = 'finished', message?: string): boolean {
  return currentRun ? currentRun.finish(status, message) : false;
}

/** An experiment (project) under a log root; its runs are independent of the current run. */
export class Experiment {
  readonly name: string;
  readonly logdir: string;

  constructor(name = 'default', logdir?: string) {
    this.name = String(name);
    this.logdir = path.resolve(logdir ?? process.env.LABBOOK_DIR ?? DEFAULT_LOGDIR);
  }

  startRun(options: Omit<RunOptions, 'project' | 'logdir'> = {}): Run {
    return new Run({ ...options, project: this.name, logdir: this.logdir });
  }

  resumeRun(runId: string, options: Omit<RunOptions, 'project' | 'logdir' | 'resume'> = {}): Run {
    return this.startRun({ ...options, resume: runId });
  }

  /** The runs of this experiment, oldest first. */
  listRuns(): Array<{ id: string; name: string | undefined; path: string; status: RunStatus; time: number | undefined }> {
    const out = [];
    for (const folder of runFolders(this.logdir)) {
      const events = path.join(folder, 'events.jsonl');
      const header = readHeader(events);
      if (!header || (header.project ?? 'default') !== this.name) continue;
      let status: RunStatus = 'running';
      let name = typeof header.name === 'string' ? header.name : undefined;
      for (const line of fs.readFileSync(events, 'utf8').split('\n')) {
        if (!line.includes('"status"') && !line.includes('"set"')) continue;
        try {
          const rec = parseRelaxed(line) as Record<string, unknown>;
          if (rec.t === 'status' && typeof rec.status === 'string' && ['running', 'finished', 'failed', 'killed'].includes(rec.status)) status = rec.status as RunStatus;
          if (rec.t === 'set' && typeof rec.name === 'string') name = rec.name;
        } catch {
          /* skip */
        }
      }
      out.push({ id: String(header.run_id), name, path: folder, status, time: typeof header.time === 'number' ? header.time : undefined });
    }
    return out.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.path.localeCompare(b.path));
  }
}

export function createExperiment(name: string, logdir?: string): Experiment {
  return new Experiment(name, logdir);
}

export { config, log, logMetrics, logMetric, logParams, logParam, logTags, setTags, setTag, setName, setDescription, note, logEnv, logCodeRef, logStatus, logSucceeded, logFailed, logStopped, logArtifact, logArtifacts, logImage, logDataset, logDataRef, createAlert, getOutputsPath, flush } from './currentRun';
export { statusForExitCode, KILLED_EXIT_CODES } from './exitStatus';

export { jsonable, flatten, normalizeStatus, parseCondition } from './values';
export { walkTree, hashTree } from './files';
export { collectEnv } from './capture';
export { type RawImage, encodePng, imageExtension } from './images';
