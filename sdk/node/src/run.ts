// `Run`: one run, a folder holding an append-only `events.jsonl`. Creating, resuming and finishing
// it are here; its log is an `EventLog`, its files a `RunFiles`, and its other records come from
// `RunRecords`.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { configProxy } from './configProxy';
import { withTrial } from './sweep/trialEnv';
import { collectEnv, SystemSampler, gpuSample, attachConsole, detachConsole, consoleFileSink } from './capture';
import { EventLog } from './eventLog';
import { type RawImage } from './images';
import * as lifecycle from './lifecycle';
import { DEFAULT_FLUSH_SECONDS, DEFAULT_HEARTBEAT_SECONDS, DEFAULT_SYSTEM_SECONDS, FORMAT, FORMAT_VERSION, resolveLogdir, type DatasetOptions, type DatasetRecord, type FinalStatus, type RunOptions } from './options';
import { RunFiles } from './runFiles';
import { RunRecords } from './runRecords';
import { findRunFolder, readState } from './runState';
import { deepCopy, envFlag, envSeconds, flatten, friendlyName, jsonable, now, processIdentity, tagsList, warn } from './values';

function localStamp(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** One run: a folder holding an append-only `events.jsonl`. Make one with `startRun()`. */
export class Run extends RunRecords {
  readonly logdir: string;
  readonly id: string;
  readonly path: string;
  readonly project: string;

  private readonly files: RunFiles;
  private readonly startMs = Date.now();
  private readonly startTime: number;
  private systemStep = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private envPending: { git: boolean; packages: boolean } | undefined;
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
    super();
    this.logdir = resolveLogdir(options.logdir);
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
    const openLog = (events: string) => new EventLog(this.id, events, flushEvery * 1000, heartbeat * 1000, this.startMs);

    if (options.resume === undefined) {
      this.project = options.project !== undefined ? String(options.project) : 'default';
      this.name = options.name !== undefined ? String(options.name) : undefined;
      this.description = options.description !== undefined ? String(options.description) : undefined;
      const trial = withTrial(options.config, options.tags);
      this.tags = trial.tags !== undefined ? tagsList(trial.tags) : undefined;
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
      this.out = openLog(path.join(folder, 'events.jsonl'));
      this.files = new RunFiles(folder, this.out);
      this.configData = deepCopy(trial.config ?? {});
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
      this.out = openLog(events);
      for (const [k, v] of st.steps) this.out.steps.set(k, v);
      this.systemStep = st.systemStep;
      this.files = new RunFiles(folder, this.out, st.artifacts);
      this.configData = st.params;
      if (!st.complete) this.out.append('\n');
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

    lifecycle.opened(this, handleSignals);

    if (captureConsole) {
      this.out.consoleSink = consoleFileSink(path.join(this.path, 'console.log'));
      attachConsole(this.out.consoleSink);
    }
    const flushTimer = setInterval(() => this.out.flushQuietly(), flushEvery * 1000);
    const beatTimer = setInterval(() => this.out.beat(Date.now()), heartbeat * 1000);
    this.timers.push(flushTimer, beatTimer);
    if (captureSystem) {
      const sampler = new SystemSampler();
      const t = setInterval(() => {
        if (this.out.finished) return;
        const values = sampler.sample();
        const step = this.systemStep++;
        gpuSample((gpu) => {
          if (this.out.finished) return;
          try {
            this.out.logMetrics({ ...values, ...gpu }, step, false);
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
    return this.out.finished;
  }

  get eventsPath(): string {
    return path.join(this.path, 'events.jsonl');
  }

  /** Writes everything logged so far to disk now (also done at least every 0.5 s and at exit). */
  flush(): void {
    this.out.flush();
  }

  private captureEnvNow(): void {
    const pending = this.envPending;
    if (!pending || this.out.finished) return;
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
    this.out.logMetrics(values, step, true);
  }

  /** Alias of `logMetrics`. */
  log(values: Record<string, number | boolean | bigint | string>, step?: number): void {
    this.out.logMetrics(values, step, true);
  }

  logMetric(key: string, value: number | boolean | bigint | string, step?: number): void {
    this.out.logMetrics({ [key]: value }, step, true);
  }

  // ---- files

  /** The run's `artifacts/` folder (created). Files saved there are recorded when the run finishes. */
  getOutputsPath(): string {
    return this.files.outputsPath();
  }

  /**
   * Logs an image under `key` at a step (the key's next step by default; a second image for a key
   * and step is dropped with a warning), stored as `artifacts/images/<key>/step_<step>.<ext>`.
   * `image`: a path to an image file, its bytes, or raw pixels `{ width, height, channels, data }`.
   * Returns the artifact name, or undefined when dropped.
   */
  logImage(key: string, image: string | Uint8Array | RawImage, step?: number, caption?: string): string | undefined {
    this.checkOpen('logImage()');
    return this.files.logImage(key, image, step, caption);
  }

  /** Copies a file into `<run>/artifacts/[artifactPath/]<file name>`; returns its artifact name. */
  logArtifact(file: string, artifactPath?: string): string;
  logArtifact(folder: string, artifactPath?: string): string | string[];
  logArtifact(file: string, artifactPath?: string): string | string[] {
    this.checkOpen('logArtifact()');
    return this.files.logArtifact(file, artifactPath);
  }

  /** Copies every file below `folder` into `<run>/artifacts/[artifactPath/]`; links out of the folder are skipped. */
  logArtifacts(folder: string, artifactPath?: string): string[] {
    this.checkOpen('logArtifacts()');
    return this.files.logArtifacts(folder, artifactPath);
  }

  /** Records data the run used: a local file or folder (size and sha256) or a remote URI. */
  logDataset(name: string, options: DatasetOptions = {}): DatasetRecord {
    this.checkOpen('logDataset()');
    return this.files.logDataset(name, options);
  }

  /** Alias of `logDataset` (Polyaxon's name). */
  logDataRef(name: string, options: DatasetOptions = {}): DatasetRecord {
    return this.logDataset(name, options);
  }

  // ---- the end

  /** Ends the run with status `finished`, `failed` or `killed`. Returns false if it was already finished. */
  finish(status: FinalStatus = 'finished', message?: string): boolean {
    if (status !== 'finished' && status !== 'failed' && status !== 'killed') throw new RangeError(`labbook: finish status must be 'finished', 'failed' or 'killed', not ${JSON.stringify(status)}`);
    if (this.out.finished) return false;
    for (const t of this.timers) clearInterval(t);
    if (this.envPending && status !== 'killed') this.captureEnvNow();
    const sink = this.out.consoleSink;
    if (sink) detachConsole(sink);
    try {
      this.files.recordOutputs();
    } catch {
      /* best effort */
    }
    [status, message] = this.out.countLosses(status, message);
    const rec: Record<string, unknown> = { t: 'status', status, time: now(), duration: Math.round(Date.now() - this.startMs) / 1000 };
    if (message !== undefined && message !== null) rec.message = String(message);
    this.status = status;
    try {
      if (!this.out.end(rec)) this.reportUnsaved();
    } finally {
      sink?.close();
      this.out.consoleSink = undefined;
      lifecycle.closed(this);
    }
    return true;
  }

  /** The final status could not be written: say so, and make the process exit with 1. */
  private reportUnsaved(): void {
    const err = this.out.writeError;
    try {
      process.stderr.write(`labbook: run ${this.id} could not be saved: its final status and ${this.out.lost} earlier records were not written to ${this.eventsPath} (${err?.message ?? String(err)})\n`);
    } catch {
      /* nowhere to say it */
    }
    lifecycle.unsaved(this.id);
  }
}
