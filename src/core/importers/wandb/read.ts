/**
 * Reads a W&B run folder into an ImportedRun. The `.wandb` file is W&B's transaction log: a 7-byte
 * header (`:W&B`, magic 0xBEE1 little-endian, version 0), then the LevelDB log format, each record a
 * protobuf `wandb_internal.Record` (wandb/proto/wandb_internal.proto): history, summary, config,
 * stats, console output, run, exit.
 *
 * Besides the log, the run's `files/` folder gives fallbacks: `config.yaml` (`{key: {desc, value}}`),
 * `wandb-summary.json`, `output.log` (console) and `wandb-metadata.json` (start time, program).
 *
 * Reading is incremental: the reader keeps the offset of the first record not yet complete.
 */
import * as fs from 'fs';
import * as path from 'path';
import { scanLevelDbLog } from '../../codecs/leveldbLog';
import { parseYaml, YamlError } from '../../codecs/yaml';
import { readText, walkFolders } from '../../fsWalk';
import { type Problems, silentProblems } from '../../problems';
import { IMPORTED_SILENCE_SECONDS, type ImportedRun, type ImportedSeries } from '../contract';
import { IncrementalRunReader } from '../runReader';
import { isPlainObject as isObject, workspacePath } from '../shared';
import { cleanConsole, MAX_CONSOLE_CHARS, parseJsonValue, WandbRecords } from './records';

/** A run without an exit record whose log changed less than this long ago (seconds) counts as running. */
export const RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;
export const WANDB_HEADER_LENGTH = 7;
const READ_CHUNK = 16 * 1024 * 1024;

/** The 7-byte header every `.wandb` file starts with. */
export function isWandbHeader(buf: Buffer): boolean {
  return buf.length >= WANDB_HEADER_LENGTH && buf.toString('latin1', 0, 4) === ':W&B' && buf.readUInt16LE(4) === 0xbee1 && buf[6] === 0;
}

/** W&B `config.yaml`: `{key: {desc, value}}` → `{key: value}`, without `wandb_version` and `_wandb`. */
export function unwrapWandbConfig(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'wandb_version' || k === '_wandb') continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v) out[k] = (v as Record<string, unknown>).value;
    else out[k] = v;
  }
  return out;
}

interface LogState {
  offset: number;
  size: number;
  recovering: boolean;
  broken: boolean;
  headerChecked: boolean;
}

/**
 * Incremental reader of one W&B run folder. Call `read()` whenever the folder may have changed;
 * only the part of the `.wandb` log appended since the last call is decoded. Calls are serialized.
 * `read()` gives undefined when the folder is gone.
 */
export class WandbRunReader extends IncrementalRunReader {
  private log: LogState | undefined;
  private logFile: string | undefined;
  private decoded = new WandbRecords(this.problems);

  /** Records decoded from the `.wandb` log so far. */
  get recordCount(): number {
    return this.decoded.records;
  }


  private rel(abs: string): string {
    return workspacePath(this.workspaceRoot, abs) || '.';
  }

  private reset(): void {
    this.log = undefined;
    this.decoded = new WandbRecords(this.problems);
  }


  protected async readNow(now: number): Promise<ImportedRun | undefined> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(this.runFolder, { withFileTypes: true });
    } catch {
      this.reset();
      return undefined;
    }
    const logName = entries
      .filter((e) => e.isFile() && e.name.endsWith('.wandb'))
      .map((e) => e.name)
      .sort()[0];
    const logFile = logName ? path.join(this.runFolder, logName) : undefined;
    if (logFile !== this.logFile) {
      this.reset();
      this.logFile = logFile;
    }
    let lastActivity = 0;
    if (logFile) {
      try {
        const st = await fs.promises.stat(logFile);
        lastActivity = st.mtimeMs / 1000;
        if (this.log && st.size < this.log.size) this.reset();
        this.log ??= { offset: 0, size: 0, recovering: false, broken: false, headerChecked: false };
        if (st.size > this.log.size && !this.log.broken) await this.readLog(logFile, this.log, st.size);
      } catch {
        // Vanished meanwhile: what was read stands.
      }
    }
    return this.build(now, lastActivity);
  }

  private async readLog(file: string, log: LogState, size: number): Promise<void> {
    const rel = this.rel(file);
    const handle = await fs.promises.open(file, 'r');
    try {
      if (!log.headerChecked) {
        if (size < WANDB_HEADER_LENGTH) return;
        const head = Buffer.alloc(WANDB_HEADER_LENGTH);
        await handle.read(head, 0, WANDB_HEADER_LENGTH, 0);
        if (!isWandbHeader(head)) {
          this.problems.report(`W&B: ${rel}: byte 0: not a W&B log (bad header); file skipped`);
          log.broken = true;
          return;
        }
        log.headerChecked = true;
        log.offset = WANDB_HEADER_LENGTH;
      }
      log.size = size;
      let want = READ_CHUNK;
      while (log.offset < size) {
        const base = log.offset;
        const len = Math.min(size - base, want);
        const buf = Buffer.allocUnsafe(len);
        const { bytesRead } = await handle.read(buf, 0, len, base);
        if (bytesRead <= 0) break;
        const data = bytesRead < len ? buf.subarray(0, bytesRead) : buf;
        const scan = scanLevelDbLog(
          data,
          base,
          (rec, offset) => this.decoded.decode(rec, rel, offset),
          (offset, message) => this.problems.report(`W&B: ${rel}: byte ${offset}: ${message}`),
          log.recovering,
        );
        log.recovering = scan.recovering;
        const atEnd = base + data.length >= size;
        if (scan.nextOffset > base) {
          log.offset = scan.nextOffset;
          want = READ_CHUNK;
          if (atEnd) break;
        } else if (atEnd) {
          break; // A torn record at the end: later.
        } else {
          want *= 2; // A record longer than what was read: read more at once.
        }
      }
    } finally {
      await handle.close();
    }
  }

  private async build(now: number, lastActivity: number): Promise<ImportedRun> {
    const d = this.decoded;
    const files = path.join(this.runFolder, 'files');
    const [yamlConfig, summaryJson, metadata] = await Promise.all([
      this.readConfigYaml(path.join(files, 'config.yaml')),
      readJson(path.join(files, 'wandb-summary.json'), this.problems, this.rel(path.join(files, 'wandb-summary.json')), this.workspaceRoot),
      readJson(path.join(files, 'wandb-metadata.json'), this.problems, this.rel(path.join(files, 'wandb-metadata.json')), this.workspaceRoot),
    ]);
    const params: Record<string, unknown> = { ...yamlConfig, ...unwrapWandbConfig(d.config) };
    const summary: Record<string, unknown> = { ...(isObject(summaryJson) ? summaryJson : {}), ...d.summary };

    const metrics = new Map<string, ImportedSeries>();
    for (const [k, s] of d.history) metrics.set(k, { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });
    // Summary values never logged to history (`run.summary["best"] = x`): one point at the last step.
    for (const [k, v] of Object.entries(summary)) {
      if (k.startsWith('_') || metrics.has(k) || typeof v !== 'number') continue;
      metrics.set(k, { steps: [Math.max(0, d.lastStep)], values: [v], times: [null] });
    }
    for (const [k, s] of d.system) metrics.set(k, { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });

    let console = '';
    if (d.output.length > 0) console = d.output.join('');
    else if (d.outputRaw.length > 0) console = d.outputRaw.join('');
    else console = (await readText(path.join(files, 'output.log'), this.workspaceRoot)) ?? '';
    console = cleanConsole(console);
    if (console.length > MAX_CONSOLE_CHARS) {
      console = console.slice(console.length - MAX_CONSOLE_CHARS);
      console = console.slice(console.indexOf('\n') + 1);
    }

    const meta = isObject(metadata) ? metadata : {};
    const wandbInternal = isObject(d.config._wandb) ? d.config._wandb : {};
    const configStart = typeof wandbInternal.start_time === 'number' ? wandbInternal.start_time : undefined;
    const metaStart = typeof meta.startedAt === 'string' ? parseUtc(meta.startedAt) : undefined;
    const startTime = d.startTime ?? configStart ?? metaStart;

    let status: ImportedRun['status'];
    if (d.exitCode === undefined) status = now - lastActivity <= RUNNING_WINDOW_SECONDS ? 'running' : 'killed';
    else if (d.exitCode === 0) status = 'finished';
    // 255: wandb's code for a KeyboardInterrupt; 128+n: killed by signal n (SIGINT, SIGKILL, SIGTERM…).
    else if (d.exitCode === 255 || d.exitCode > 128) status = 'killed';
    else status = 'failed';
    const endTime =
      status === 'running' ? undefined : startTime !== undefined && d.runtime !== undefined && d.runtime > 0 ? startTime + d.runtime : d.lastTime;

    const folderName = path.basename(this.runFolder);
    const idFromFolder = /-([a-z0-9]+)$/i.exec(folderName)?.[1];
    const runId = d.runId ?? idFromFolder;
    const program = typeof meta.codePath === 'string' ? meta.codePath : typeof meta.program === 'string' ? meta.program : undefined;
    const args = Array.isArray(meta.args) ? meta.args.filter((a): a is string => typeof a === 'string') : [];
    const tags = [...d.tags];
    if (d.group) tags.push(`group:${d.group}`);
    if (d.jobType) tags.push(`job_type:${d.jobType}`);
    return {
      source: 'wandb',
      uid: `wandb:${runId ?? this.rel(this.runFolder)}`,
      experiment: d.project ?? 'uncategorized',
      name: d.displayName ?? runId ?? folderName,
      description: program ? [program, ...args].join(' ') : undefined,
      status,
      startTime,
      endTime,
      params,
      tags,
      note: d.notes,
      folder: this.rel(this.runFolder),
      metrics,
      artifacts: await this.artifacts(),
      console: console || undefined,
    };
  }

  private async readConfigYaml(file: string): Promise<Record<string, unknown>> {
    const text = await readText(file, this.workspaceRoot);
    if (text === undefined) return {};
    try {
      return unwrapWandbConfig(parseYaml(text));
    } catch (e) {
      if (!(e instanceof YamlError)) throw e;
      this.problems.report(`W&B: ${this.rel(file)}: line ${e.line}: ${e.message.replace(/^line \d+: /, '')}; ignored`);
      return {};
    }
  }

  /** Media files W&B kept for the run (`files/media/**`). */
  private async artifacts(): Promise<string[]> {
    const out: string[] = [];
    await walkFolders(path.join(this.runFolder, 'files', 'media'), {
      inside: this.workspaceRoot,
      maxDepth: 4,
      dotFolders: true,
      sequential: true,
      file: (p) => void out.push(this.rel(p)),
    });
    return out.sort();
  }
}

/** `2024-11-13T09:05:56.678865` (UTC, no zone, as wandb-metadata.json has it) → Unix seconds. */
function parseUtc(text: string): number | undefined {
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone.replace(/(\.\d{3})\d+/, '$1'));
  if (!Number.isFinite(ms)) return undefined;
  const frac = /\.(\d+)/.exec(text)?.[1];
  return frac && frac.length > 3 ? Math.floor(ms / 1000) + Number(`0.${frac}`) : ms / 1000;
}

async function readJson(file: string, problems: Problems, rel: string, root: string): Promise<unknown> {
  const text = await readText(file, root);
  if (text === undefined || text.trim() === '') return undefined;
  const v = parseJsonValue(text);
  if (v === undefined) problems.report(`W&B: ${rel}: byte 0: not valid JSON; ignored`);
  return v;
}

/** Reads one run folder once (see WandbRunReader for repeated reads). */
export function readWandbRun(workspaceRoot: string, runFolder: string, problems: Problems = silentProblems, now?: number): Promise<ImportedRun | undefined> {
  return new WandbRunReader(workspaceRoot, runFolder, problems).read(now);
}
