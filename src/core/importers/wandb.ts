/**
 * Reads Weights & Biases run folders (`wandb/run-*`, `wandb/offline-run-*`) into ImportedRuns.
 *
 * The `.wandb` file is W&B's transaction log: a 7-byte header (`:W&B`, magic 0xBEE1 little-endian,
 * version 0), then the LevelDB log format: 32 KiB blocks (counted from the start of the file, header
 * included) of chunks `crc32 (4) | length (2) | type (1) | data`, type FULL=1, FIRST=2, MIDDLE=3,
 * LAST=4; the checksum is zlib's CRC-32 of the type byte and the data (wandb does not mask it; a
 * masked LevelDB checksum is accepted too). Each record is a protobuf `wandb_internal.Record`
 * (wandb/proto/wandb_internal.proto): history, summary, config, stats, console output, run, exit.
 *
 * Besides the log, the run's `files/` folder gives fallbacks: `config.yaml` (`{key: {desc, value}}`),
 * `wandb-summary.json`, `output.log` (console) and `wandb-metadata.json` (start time, program).
 *
 * Reading is incremental: the reader keeps the offset of the first record not yet complete.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NODE_MODULES, readText, walkFolders } from '../fsWalk';
import { type Problems, silentProblems } from '../problems';
import { workspacePath } from './shared';
import { crc32, maskCrc } from '../codecs/crc';
import type { ImportedRun, ImportedSeries } from './contract';
import { fieldKey, ProtoError, ProtoReader, WireType } from '../codecs/protobuf';
import { IMPORTED_SILENCE_SECONDS } from './contract';
import { IncrementalRunReader } from './runReader';
import { parseYaml, YamlError } from '../codecs/yaml';

/** A run without an exit record whose log changed less than this long ago (seconds) counts as running. */
export const RUNNING_WINDOW_SECONDS = IMPORTED_SILENCE_SECONDS;
export const LEVELDB_BLOCK = 32768;
export const WANDB_HEADER_LENGTH = 7;
const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const MAX_DEPTH = 6;
/** Console text kept: the last MiB, as for native runs. */
const MAX_CONSOLE_CHARS = 1024 * 1024;
const READ_CHUNK = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Discovery

const RUN_FOLDER = /^(offline-)?run-/;

/** Run folders (absolute, sorted): `run-*` / `offline-run-*` directly under a `wandb/` folder, at most 6 levels below the workspace. */
export async function findWandbRuns(workspaceRoot: string): Promise<string[]> {
  const found: string[] = [];
  const isRun = (name: string, dir: string): boolean => RUN_FOLDER.test(name) && path.basename(dir) === 'wandb';
  await walkFolders(workspaceRoot, {
    // Folders at depth MAX_DEPTH - 1 are the deepest read: their run folders sit at MAX_DEPTH.
    maxDepth: MAX_DEPTH - 1,
    skip: NODE_MODULES,
    enter: (name, dir) => !isRun(name, dir),
    folder: (dir, entries) => {
      // Symlinks (`wandb/latest-run`) are not followed: they point at a run listed anyway.
      if (path.basename(dir) !== 'wandb') return;
      for (const e of entries) if (e.isDirectory() && RUN_FOLDER.test(e.name)) found.push(path.join(dir, e.name));
    },
  });
  return found.sort();
}

// ---------------------------------------------------------------------------------------------
// LevelDB log framing

export interface LogProblem {
  /** Absolute file offset of the chunk. */
  readonly offset: number;
  readonly message: string;
}

export interface LogScan {
  /** Absolute offset where the next read should start: the first chunk of the first incomplete record. */
  readonly nextOffset: number;
  /** Whether the scan ended while skipping the remains of a corrupt record (pass back in). */
  readonly recovering: boolean;
}

function chunkCrcOk(buf: Buffer, start: number, end: number, stored: number): boolean {
  const c = crc32(buf, start, end);
  return c === stored || maskCrc(c) === stored;
}

/**
 * Walks the LevelDB-log chunks of `buf`, whose first byte is at absolute file offset `base` (at a
 * record start or a block boundary, never inside the file header), calling `onRecord` with each
 * complete record. A chunk that fails its checksum or framing is reported and the rest of its block is
 * skipped (as LevelDB does); chunks of a record broken that way are dropped silently. An incomplete
 * chunk or record at the end of the buffer is left for the next read, without a report.
 */
export function scanLevelDbLog(
  buf: Buffer,
  base: number,
  onRecord: (data: Buffer, offset: number) => void,
  onProblem: (offset: number, message: string) => void,
  recovering = false,
): LogScan {
  const fileEnd = base + buf.length;
  let p = base;
  let parts: Buffer[] | null = null;
  let partsStart = -1;
  for (;;) {
    const blockEnd = (Math.floor(p / LEVELDB_BLOCK) + 1) * LEVELDB_BLOCK;
    if (blockEnd - p < CHUNK_HEADER) {
      // Block trailer (zeros): the next chunk starts in the next block.
      if (fileEnd < blockEnd) break;
      p = blockEnd;
      continue;
    }
    if (fileEnd - p < CHUNK_HEADER) break;
    const i = p - base;
    const stored = buf.readUInt32LE(i);
    const len = buf.readUInt16LE(i + 4);
    const type = buf[i + 6];
    if (stored === 0 && len === 0 && type === 0) {
      // Zero-filled rest of a block (preallocated or padded): skip to the next block.
      if (fileEnd < blockEnd) break;
      p = blockEnd;
      continue;
    }
    if (p + CHUNK_HEADER + len > blockEnd || type < FULL || type > LAST) {
      onProblem(p, type < FULL || type > LAST ? `unknown chunk type ${type}; rest of the block skipped` : 'chunk runs past its block; rest of the block skipped');
      parts = null;
      recovering = true;
      p = blockEnd;
      continue;
    }
    if (p + CHUNK_HEADER + len > fileEnd) break; // Torn: still being written.
    if (!chunkCrcOk(buf, i + 6, i + CHUNK_HEADER + len, stored)) {
      onProblem(p, 'chunk checksum mismatch; rest of the block skipped');
      parts = null;
      recovering = true;
      p = blockEnd;
      continue;
    }
    const data = buf.subarray(i + CHUNK_HEADER, i + CHUNK_HEADER + len);
    if (type === FULL || type === FIRST) {
      if (parts) onProblem(partsStart, 'record not finished before the next one; dropped');
      recovering = false;
      if (type === FULL) {
        parts = null;
        onRecord(data, p);
      } else {
        parts = [data];
        partsStart = p;
      }
    } else if (!parts) {
      if (!recovering) onProblem(p, `${type === MIDDLE ? 'middle' : 'last'} chunk without a first chunk; skipped`);
    } else {
      parts.push(data);
      if (type === LAST) {
        onRecord(Buffer.concat(parts), partsStart);
        parts = null;
      }
    }
    p += CHUNK_HEADER + len;
  }
  return { nextOffset: parts ? partsStart : p, recovering };
}

/** The 7-byte header every `.wandb` file starts with. */
export function isWandbHeader(buf: Buffer): boolean {
  return buf.length >= WANDB_HEADER_LENGTH && buf.toString('latin1', 0, 4) === ':W&B' && buf.readUInt16LE(4) === 0xbee1 && buf[6] === 0;
}

// ---------------------------------------------------------------------------------------------
// Records

// wandb_internal.Record and the messages it holds.
const RECORD_HISTORY = fieldKey(2, WireType.LengthDelimited);
const RECORD_SUMMARY = fieldKey(3, WireType.LengthDelimited);
const RECORD_OUTPUT = fieldKey(4, WireType.LengthDelimited);
const RECORD_CONFIG = fieldKey(5, WireType.LengthDelimited);
const RECORD_STATS = fieldKey(7, WireType.LengthDelimited);
const RECORD_OUTPUT_RAW = fieldKey(13, WireType.LengthDelimited);
const RECORD_RUN = fieldKey(17, WireType.LengthDelimited);
const RECORD_EXIT = fieldKey(18, WireType.LengthDelimited);
const HISTORY_ITEM = fieldKey(1, WireType.LengthDelimited);
const HISTORY_STEP = fieldKey(2, WireType.LengthDelimited);
const HISTORY_STEP_NUM = fieldKey(1, WireType.Varint);
/** HistoryItem, SummaryItem, ConfigItem, StatsItem: key = 1, nested_key = 2, value_json = 16. */
const ITEM_KEY = fieldKey(1, WireType.LengthDelimited);
const ITEM_NESTED_KEY = fieldKey(2, WireType.LengthDelimited);
const ITEM_VALUE_JSON = fieldKey(16, WireType.LengthDelimited);
const UPDATE_ITEM = fieldKey(1, WireType.LengthDelimited);
const REMOVE_ITEM = fieldKey(2, WireType.LengthDelimited);
const STATS_TIMESTAMP = fieldKey(2, WireType.LengthDelimited);
const STATS_ITEM = fieldKey(3, WireType.LengthDelimited);
const OUTPUT_LINE = fieldKey(3, WireType.LengthDelimited);
const TIMESTAMP_SECONDS = fieldKey(1, WireType.Varint);
const TIMESTAMP_NANOS = fieldKey(2, WireType.Varint);
const RUN_ID = fieldKey(1, WireType.LengthDelimited);
const RUN_ENTITY = fieldKey(2, WireType.LengthDelimited);
const RUN_PROJECT = fieldKey(3, WireType.LengthDelimited);
const RUN_CONFIG = fieldKey(4, WireType.LengthDelimited);
const RUN_GROUP = fieldKey(6, WireType.LengthDelimited);
const RUN_JOB_TYPE = fieldKey(7, WireType.LengthDelimited);
const RUN_DISPLAY_NAME = fieldKey(8, WireType.LengthDelimited);
const RUN_NOTES = fieldKey(9, WireType.LengthDelimited);
const RUN_TAGS = fieldKey(10, WireType.LengthDelimited);
const RUN_START_TIME = fieldKey(17, WireType.LengthDelimited);
const EXIT_CODE = fieldKey(1, WireType.Varint);
const EXIT_RUNTIME = fieldKey(2, WireType.Varint);

interface SeriesBuilder {
  steps: number[];
  values: number[];
  times: (number | null)[];
}

/** A JSON value as W&B writes it (Python's json, so NaN / Infinity may appear bare). */
function parseJsonValue(text: string): unknown {
  switch (text) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
  }
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/-?\b(NaN|Infinity)\b/g, 'null'));
    } catch {
      return undefined;
    }
  }
}

/** Keeps what a terminal would show of console text: the last `\r`-overwrite of each line, no ANSI escapes. */
export function cleanConsole(text: string): string {
  const noAnsi = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
  return noAnsi
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      const parts = line.split('\r');
      for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== '') return parts[i];
      return '';
    })
    .join('\n');
}

function setNested(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let o = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = o[keys[i]];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) o = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      o[keys[i]] = created;
      o = created;
    }
  }
  o[keys[keys.length - 1]] = value;
}

function deleteNested(target: Record<string, unknown>, keys: string[]): void {
  let o: unknown = target;
  for (let i = 0; i < keys.length - 1; i++) {
    if (typeof o !== 'object' || o === null) return;
    o = (o as Record<string, unknown>)[keys[i]];
  }
  if (typeof o === 'object' && o !== null) delete (o as Record<string, unknown>)[keys[keys.length - 1]];
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
  private readonly r = new ProtoReader(Buffer.alloc(0));

  private runId: string | undefined;
  private displayName: string | undefined;
  private project: string | undefined;
  private entity: string | undefined;
  private notes: string | undefined;
  private group: string | undefined;
  private jobType: string | undefined;
  private tags: string[] = [];
  private startTime: number | undefined;
  private config: Record<string, unknown> = {};
  private summary: Record<string, unknown> = {};
  private history = new Map<string, SeriesBuilder>();
  private historyRows = 0;
  private lastStep = -1;
  private lastTime: number | undefined;
  private system = new Map<string, SeriesBuilder>();
  private statsRows = 0;
  private output: string[] = [];
  private outputChars = 0;
  private outputRaw: string[] = [];
  private outputRawChars = 0;
  private exitCode: number | undefined;
  private runtime: number | undefined;
  private records = 0;

  /** Records decoded from the `.wandb` log so far. */
  get recordCount(): number {
    return this.records;
  }

  private rel(abs: string): string {
    return workspacePath(this.workspaceRoot, abs) || '.';
  }

  private reset(): void {
    this.log = undefined;
    this.runId = this.displayName = this.project = this.entity = this.notes = this.group = this.jobType = undefined;
    this.tags = [];
    this.startTime = undefined;
    this.config = {};
    this.summary = {};
    this.history.clear();
    this.historyRows = 0;
    this.lastStep = -1;
    this.lastTime = undefined;
    this.system.clear();
    this.statsRows = 0;
    this.output = [];
    this.outputChars = 0;
    this.outputRaw = [];
    this.outputRawChars = 0;
    this.exitCode = undefined;
    this.runtime = undefined;
    this.records = 0;
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
          (rec, offset) => this.decodeRecord(rec, rel, offset),
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

  private decodeRecord(data: Buffer, rel: string, offset: number): void {
    const r = this.r;
    r.reset(data);
    try {
      for (let k = r.next(); k !== 0; k = r.next()) {
        switch (k) {
          case RECORD_HISTORY:
            this.historyRecord();
            break;
          case RECORD_SUMMARY:
            this.updateRecord(this.summary);
            break;
          case RECORD_CONFIG:
            this.updateRecord(this.config);
            break;
          case RECORD_STATS:
            this.statsRecord();
            break;
          case RECORD_OUTPUT:
          case RECORD_OUTPUT_RAW:
            this.outputRecord(k === RECORD_OUTPUT);
            break;
          case RECORD_RUN:
            this.runRecord();
            break;
          case RECORD_EXIT:
            this.exitRecord();
            break;
          default:
            r.skip();
        }
      }
      this.records++;
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.problems.report(`W&B: ${rel}: byte ${offset}: cannot decode record (${e.message}); skipped`);
    }
  }

  /** Reads key (or nested_key, joined with '.') and value_json of an item; the reader is inside it. */
  private item(): { key: string; nested: string[]; json: string } {
    const r = this.r;
    let key = '';
    const nested: string[] = [];
    let json = '';
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === ITEM_KEY) key = r.string();
      else if (k === ITEM_NESTED_KEY) nested.push(r.string());
      else if (k === ITEM_VALUE_JSON) json = r.string();
      else r.skip();
    }
    if (!key && nested.length > 0) key = nested.join('.');
    return { key, nested: nested.length > 0 ? nested : [key], json };
  }

  private historyRecord(): void {
    const r = this.r;
    const outer = r.enter();
    const items: { key: string; json: string }[] = [];
    let step: number | undefined;
    let stepField: number | undefined;
    let time: number | null = null;
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === HISTORY_ITEM) {
        const o = r.enter();
        const it = this.item();
        r.leave(o);
        if (it.key === '_step') {
          const v = parseJsonValue(it.json);
          if (typeof v === 'number') step = v;
        } else if (it.key === '_timestamp') {
          const v = parseJsonValue(it.json);
          if (typeof v === 'number') time = v;
        } else items.push(it);
      } else if (k === HISTORY_STEP) {
        const o = r.enter();
        for (let k2 = r.next(); k2 !== 0; k2 = r.next()) {
          if (k2 === HISTORY_STEP_NUM) stepField = r.varint();
          else r.skip();
        }
        r.leave(o);
      } else r.skip();
    }
    r.leave(outer);
    const s = step ?? stepField ?? this.historyRows;
    this.historyRows++;
    this.lastStep = Math.max(this.lastStep, s);
    if (time !== null) this.lastTime = Math.max(this.lastTime ?? time, time);
    for (const it of items) {
      if (it.key.startsWith('_')) continue; // _runtime, _wandb and other bookkeeping
      const v = parseJsonValue(it.json);
      if (typeof v !== 'number') continue; // media, histograms, strings, booleans
      push(this.history, it.key, s, v, time);
    }
  }

  /** Summary / config updates and removals into `target`. */
  private updateRecord(target: Record<string, unknown>): void {
    const r = this.r;
    const outer = r.enter();
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === UPDATE_ITEM || k === REMOVE_ITEM) {
        const o = r.enter();
        const it = this.item();
        r.leave(o);
        if (!it.key) continue;
        if (k === REMOVE_ITEM) deleteNested(target, it.nested);
        else {
          const v = parseJsonValue(it.json);
          if (v !== undefined) setNested(target, it.nested, v);
        }
      } else r.skip();
    }
    r.leave(outer);
  }

  private timestamp(): number | undefined {
    const r = this.r;
    const o = r.enter();
    let seconds = 0;
    let nanos = 0;
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === TIMESTAMP_SECONDS) seconds = r.varint();
      else if (k === TIMESTAMP_NANOS) nanos = r.varint();
      else r.skip();
    }
    r.leave(o);
    return seconds || nanos ? seconds + nanos / 1e9 : undefined;
  }

  private statsRecord(): void {
    const r = this.r;
    const outer = r.enter();
    let time: number | null = null;
    const items: { key: string; json: string }[] = [];
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === STATS_TIMESTAMP) time = this.timestamp() ?? null;
      else if (k === STATS_ITEM) {
        const o = r.enter();
        items.push(this.item());
        r.leave(o);
      } else r.skip();
    }
    r.leave(outer);
    const step = this.statsRows++;
    if (time !== null) this.lastTime = Math.max(this.lastTime ?? time, time);
    for (const it of items) {
      const v = parseJsonValue(it.json);
      if (typeof v === 'number' && it.key) push(this.system, `system/${it.key}`, step, v, time);
    }
  }

  private outputRecord(cooked: boolean): void {
    const r = this.r;
    const outer = r.enter();
    let line = '';
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === OUTPUT_LINE) line = r.string();
      else r.skip();
    }
    r.leave(outer);
    if (!line) return;
    if (cooked) {
      this.output.push(line);
      this.outputChars += line.length;
      while (this.outputChars > 2 * MAX_CONSOLE_CHARS && this.output.length > 1) this.outputChars -= this.output.shift()!.length;
    } else {
      this.outputRaw.push(line);
      this.outputRawChars += line.length;
      while (this.outputRawChars > 2 * MAX_CONSOLE_CHARS && this.outputRaw.length > 1) this.outputRawChars -= this.outputRaw.shift()!.length;
    }
  }

  private runRecord(): void {
    const r = this.r;
    const outer = r.enter();
    const tags: string[] = [];
    for (let k = r.next(); k !== 0; k = r.next()) {
      switch (k) {
        case RUN_ID:
          this.runId = r.string() || this.runId;
          break;
        case RUN_ENTITY:
          this.entity = r.string() || this.entity;
          break;
        case RUN_PROJECT:
          this.project = r.string() || this.project;
          break;
        case RUN_CONFIG:
          this.updateRecord(this.config);
          break;
        case RUN_GROUP:
          this.group = r.string() || this.group;
          break;
        case RUN_JOB_TYPE:
          this.jobType = r.string() || this.jobType;
          break;
        case RUN_DISPLAY_NAME:
          this.displayName = r.string() || this.displayName;
          break;
        case RUN_NOTES:
          this.notes = r.string() || this.notes;
          break;
        case RUN_TAGS:
          tags.push(r.string());
          break;
        case RUN_START_TIME:
          this.startTime = this.timestamp() ?? this.startTime;
          break;
        default:
          r.skip();
      }
    }
    r.leave(outer);
    if (tags.length > 0) this.tags = tags;
  }

  private exitRecord(): void {
    const r = this.r;
    const outer = r.enter();
    let code = 0;
    for (let k = r.next(); k !== 0; k = r.next()) {
      if (k === EXIT_CODE) code = r.varint() | 0;
      else if (k === EXIT_RUNTIME) this.runtime = r.varint();
      else r.skip();
    }
    r.leave(outer);
    this.exitCode = code;
  }

  private async build(now: number, lastActivity: number): Promise<ImportedRun> {
    const files = path.join(this.runFolder, 'files');
    const [yamlConfig, summaryJson, metadata] = await Promise.all([
      this.readConfigYaml(path.join(files, 'config.yaml')),
      readJson(path.join(files, 'wandb-summary.json'), this.problems, this.rel(path.join(files, 'wandb-summary.json')), this.workspaceRoot),
      readJson(path.join(files, 'wandb-metadata.json'), this.problems, this.rel(path.join(files, 'wandb-metadata.json')), this.workspaceRoot),
    ]);
    const params: Record<string, unknown> = { ...yamlConfig, ...unwrapWandbConfig(this.config) };
    const summary: Record<string, unknown> = { ...(isObject(summaryJson) ? summaryJson : {}), ...this.summary };

    const metrics = new Map<string, ImportedSeries>();
    for (const [k, s] of this.history) metrics.set(k, { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });
    // Summary values never logged to history (`run.summary["best"] = x`): one point at the last step.
    for (const [k, v] of Object.entries(summary)) {
      if (k.startsWith('_') || metrics.has(k) || typeof v !== 'number') continue;
      metrics.set(k, { steps: [Math.max(0, this.lastStep)], values: [v], times: [null] });
    }
    for (const [k, s] of this.system) metrics.set(k, { steps: s.steps.slice(), values: s.values.slice(), times: s.times.slice() });

    let console = '';
    if (this.output.length > 0) console = this.output.join('');
    else if (this.outputRaw.length > 0) console = this.outputRaw.join('');
    else console = (await readText(path.join(files, 'output.log'), this.workspaceRoot)) ?? '';
    console = cleanConsole(console);
    if (console.length > MAX_CONSOLE_CHARS) {
      console = console.slice(console.length - MAX_CONSOLE_CHARS);
      console = console.slice(console.indexOf('\n') + 1);
    }

    const meta = isObject(metadata) ? metadata : {};
    const wandbInternal = isObject(this.config._wandb) ? this.config._wandb : {};
    const configStart = typeof wandbInternal.start_time === 'number' ? wandbInternal.start_time : undefined;
    const metaStart = typeof meta.startedAt === 'string' ? parseUtc(meta.startedAt) : undefined;
    const startTime = this.startTime ?? configStart ?? metaStart;

    let status: ImportedRun['status'];
    if (this.exitCode === undefined) status = now - lastActivity <= RUNNING_WINDOW_SECONDS ? 'running' : 'killed';
    else if (this.exitCode === 0) status = 'finished';
    // 255: wandb's code for a KeyboardInterrupt; 128+n: killed by signal n (SIGINT, SIGKILL, SIGTERM…).
    else if (this.exitCode === 255 || this.exitCode > 128) status = 'killed';
    else status = 'failed';
    const endTime =
      status === 'running' ? undefined : startTime !== undefined && this.runtime !== undefined && this.runtime > 0 ? startTime + this.runtime : this.lastTime;

    const folderName = path.basename(this.runFolder);
    const idFromFolder = /-([a-z0-9]+)$/i.exec(folderName)?.[1];
    const runId = this.runId ?? idFromFolder;
    const program = typeof meta.codePath === 'string' ? meta.codePath : typeof meta.program === 'string' ? meta.program : undefined;
    const args = Array.isArray(meta.args) ? meta.args.filter((a): a is string => typeof a === 'string') : [];
    const tags = [...this.tags];
    if (this.group) tags.push(`group:${this.group}`);
    if (this.jobType) tags.push(`job_type:${this.jobType}`);
    return {
      source: 'wandb',
      uid: `wandb:${runId ?? this.rel(this.runFolder)}`,
      experiment: this.project ?? 'uncategorized',
      name: this.displayName ?? runId ?? folderName,
      description: program ? [program, ...args].join(' ') : undefined,
      status,
      startTime,
      endTime,
      params,
      tags,
      note: this.notes,
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

function push(map: Map<string, SeriesBuilder>, key: string, step: number, value: number, time: number | null): void {
  let s = map.get(key);
  if (!s) {
    s = { steps: [], values: [], times: [] };
    map.set(key, s);
  }
  s.steps.push(step);
  s.values.push(value);
  s.times.push(time);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
