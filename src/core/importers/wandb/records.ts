/** Decodes the protobuf `wandb_internal.Record`s of a `.wandb` log into what they say of the run. */
import { parsePythonJson } from '../../codecs/pythonJson';
import { fieldKey, ProtoError, ProtoReader, WireType } from '../../codecs/protobuf';
import type { Problems } from '../../problems';

/** Console text kept: the last MiB, as for native runs. */
export const MAX_CONSOLE_CHARS = 1024 * 1024;

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

export interface SeriesBuilder {
  steps: number[];
  values: number[];
  times: (number | null)[];
}

/** A JSON value as W&B writes it (Python's json, so NaN / Infinity may appear bare). */
export function parseJsonValue(text: string): unknown {
  switch (text) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
  }
  try {
    // Bare tokens nested in objects or lists become null; only a value that is itself NaN or ±Infinity stays a number.
    return parsePythonJson(text, () => null);
  } catch {
    return undefined;
  }
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

/** What the records read so far say of a run; one per log, made anew when the log is replaced. */
export class WandbRecords {

  runId: string | undefined;
  displayName: string | undefined;
  project: string | undefined;
  entity: string | undefined;
  notes: string | undefined;
  group: string | undefined;
  jobType: string | undefined;
  tags: string[] = [];
  startTime: number | undefined;
  config: Record<string, unknown> = {};
  summary: Record<string, unknown> = {};
  history = new Map<string, SeriesBuilder>();
  historyRows = 0;
  lastStep = -1;
  lastTime: number | undefined;
  system = new Map<string, SeriesBuilder>();
  statsRows = 0;
  output: string[] = [];
  outputChars = 0;
  outputRaw: string[] = [];
  outputRawChars = 0;
  exitCode: number | undefined;
  runtime: number | undefined;
  records = 0;

  private readonly r = new ProtoReader(Buffer.alloc(0));

  constructor(private readonly problems: Problems) {}

  /** Decodes one record of the log (found at byte `offset` of `rel`); a record that cannot be decoded is reported and skipped. */
  decode(data: Buffer, rel: string, offset: number): void {
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

