/**
 * Run log format v1: record types and the parser for one line of `events.jsonl`.
 * The format is documented in docs/run-log-format.md.
 */

export const FORMAT_NAME = 'labbook-run';
export const FORMAT_VERSION = 1;
export const EVENTS_FILE = 'events.jsonl';

export type RunStatusValue = 'running' | 'finished' | 'failed' | 'killed';
export const RUN_STATUSES: readonly RunStatusValue[] = ['running', 'finished', 'failed', 'killed'];

export interface HeaderRecord {
  readonly t: 'header';
  readonly version: number;
  /** Empty when the log's `run_id` is not made of the documented characters (RUN_ID_PATTERN). */
  readonly runId: string;
  readonly project?: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags?: string[];
  readonly time?: number;
}
export interface ParamsRecord { readonly t: 'params'; readonly values: Record<string, unknown>; readonly reset: boolean; readonly time?: number }
export interface MetricsRecord { readonly t: 'metrics'; readonly step: number; readonly time?: number; readonly values: Record<string, number> }
export interface StatusRecord { readonly t: 'status'; readonly status: RunStatusValue; readonly time?: number; readonly message?: string }
export interface HeartbeatRecord { readonly t: 'heartbeat'; readonly time?: number }
export interface TagsRecord { readonly t: 'tags'; readonly tags: string[]; readonly reset: boolean; readonly time?: number }
export interface SetRecord { readonly t: 'set'; readonly name?: string; readonly description?: string; readonly time?: number }
export interface NoteRecord { readonly t: 'note'; readonly text: string; readonly time?: number }

export interface ArtifactRecord {
  readonly t: 'artifact'; readonly path: string; readonly name: string; readonly size?: number; readonly sha256?: string; readonly time?: number;
  /** Images logged per step (`log_image`): the step and an optional caption. */
  readonly step?: number; readonly caption?: string;
}
export interface DatasetRecord {
  readonly t: 'dataset'; readonly name: string; readonly path?: string; readonly uri?: string; readonly size?: number;
  readonly sha256?: string; readonly description?: string; readonly context?: string; readonly time?: number;
}
export interface EnvRecord { readonly t: 'env'; readonly values: Record<string, unknown>; readonly time?: number }
export type AlertLevel = 'info' | 'warning' | 'error';
export interface AlertRecord { readonly t: 'alert'; readonly condition: AlertCondition; readonly message: string; readonly level: AlertLevel; readonly time?: number }

export type AlertOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export interface AlertCondition { readonly text: string; readonly metric: string; readonly op: AlertOp; readonly value: number }

export type RunRecord =
  | HeaderRecord | ParamsRecord | MetricsRecord | StatusRecord
  | HeartbeatRecord | TagsRecord | SetRecord | NoteRecord
  | ArtifactRecord | DatasetRecord | EnvRecord | AlertRecord;

/** Parses `<metric> <op> <number>`, e.g. `val/loss > 2.0`. */
export function parseAlertCondition(text: string): AlertCondition | undefined {
  const m = /^\s*(\S+?)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$/.exec(text);
  if (!m) return undefined;
  const value = m[3] in NON_FINITE ? NON_FINITE[m[3]] : Number(m[3]);
  if (m[3].trim() === '' || Number.isNaN(value) && m[3] !== 'NaN') return undefined;
  return { text: text.trim(), metric: m[1], op: m[2] as AlertOp, value };
}

/** Whether `value` meets the condition. */
export function alertMet(c: AlertCondition, value: number): boolean {
  switch (c.op) {
    case '>': return value > c.value;
    case '>=': return value >= c.value;
    case '<': return value < c.value;
    case '<=': return value <= c.value;
    case '==': return value === c.value;
    case '!=': return value !== c.value;
  }
}

/** What a header's `run_id` may hold (docs/run-log-format.md): letters, digits, `-` and `_`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A run-relative path that stays inside the run folder, normalized to `/`; undefined if it would leave it. */
export function safeRunPath(p: string): string | undefined {
  if (p.includes('\0')) return undefined;
  const parts = p.replace(/\\/g, '/').split('/');
  // Absolute (`/`, `\`, UNC `\\host`), a drive (`C:`) or a `file:` URI: never run-relative.
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p) || /^file:/i.test(p)) return undefined;
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    out.push(part);
  }
  return out.length ? out.join('/') : undefined;
}

/** Result of parsing one line: a record, a line to skip quietly, or a problem to report. */
export type ParsedLine =
  | { readonly kind: 'record'; readonly record: RunRecord; readonly warning?: string }
  | { readonly kind: 'blank' }
  | { readonly kind: 'unknown'; readonly type: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Python's json.dumps writes bare NaN / Infinity / -Infinity; turn them into strings outside of string literals. */
function quoteBareNonFinite(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`));
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value in NON_FINITE) return NON_FINITE[value];
  return undefined;
}

function optionalTime(obj: Record<string, unknown>): number | undefined {
  const t = obj.time;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

function optionalNumber(obj: Record<string, unknown>, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function optionalString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string');
}

export function parseLine(line: string): ParsedLine {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return { kind: 'blank' };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    try {
      obj = JSON.parse(quoteBareNonFinite(text));
    } catch {
      return { kind: 'invalid', reason: `not valid JSON (${(e as Error).message})` };
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { kind: 'invalid', reason: 'not a JSON object' };
  return toRecord(obj as Record<string, unknown>);
}

function toRecord(o: Record<string, unknown>): ParsedLine {
  const t = o.t;
  if (typeof t !== 'string') return { kind: 'invalid', reason: 'no record type "t"' };
  const time = optionalTime(o);
  switch (t) {
    case 'header': {
      const runId = o.run_id;
      if (typeof runId !== 'string' || runId === '') return { kind: 'invalid', reason: 'header without "run_id"' };
      const version = typeof o.version === 'number' ? o.version : FORMAT_VERSION;
      // A run id outside the documented characters is not used (it names files and ends up in
      // edits files and commands); the run is known by its folder instead, the rest of the header is kept.
      const valid = RUN_ID_PATTERN.test(runId);
      const shownId = runId.length > 60 ? `${JSON.stringify(runId.slice(0, 60))}…` : JSON.stringify(runId);
      return {
        kind: 'record',
        ...(valid ? {} : { warning: `"run_id" ${shownId} is not letters, digits, "-" and "_": the run is known by its folder` }),
        record: {
          t, version, runId: valid ? runId : '', time,
          project: optionalString(o, 'project'),
          name: optionalString(o, 'name'),
          description: optionalString(o, 'description'),
          tags: stringList(o.tags),
        },
      };
    }
    case 'params': {
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'params without an object "values"' };
      return { kind: 'record', record: { t, values: o.values as Record<string, unknown>, reset: o.reset === true, time } };
    }
    case 'metrics': {
      const step = o.step;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) return { kind: 'invalid', reason: 'metrics without an integer "step" >= 0' };
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'metrics without an object "values"' };
      const values: Record<string, number> = {};
      const bad: string[] = [];
      for (const [key, raw] of Object.entries(o.values as Record<string, unknown>)) {
        const n = toNumber(raw);
        if (n === undefined) bad.push(key); else values[key] = n;
      }
      if (bad.length > 0 && Object.keys(values).length === 0) return { kind: 'invalid', reason: `metric values are not numbers: ${bad.join(', ')}` };
      return { kind: 'record', record: { t, step, time, values }, warning: bad.length > 0 ? `metric values are not numbers and were skipped: ${bad.join(', ')}` : undefined };
    }
    case 'status': {
      const status = o.status;
      if (typeof status !== 'string' || !(RUN_STATUSES as readonly string[]).includes(status)) return { kind: 'invalid', reason: `unknown status ${JSON.stringify(status)}` };
      return { kind: 'record', record: { t, status: status as RunStatusValue, time, message: optionalString(o, 'message') } };
    }
    case 'heartbeat':
      return { kind: 'record', record: { t, time } };
    case 'tags': {
      const tags = stringList(o.tags);
      if (!tags) return { kind: 'invalid', reason: 'tags without a list "tags"' };
      return { kind: 'record', record: { t, tags, reset: o.reset === true, time } };
    }
    case 'set':
      return { kind: 'record', record: { t, name: optionalString(o, 'name'), description: optionalString(o, 'description'), time } };
    case 'note': {
      const text = optionalString(o, 'text');
      if (text === undefined) return { kind: 'invalid', reason: 'note without a string "text"' };
      return { kind: 'record', record: { t, text, time } };
    }
    case 'artifact': {
      const raw = optionalString(o, 'path');
      if (raw === undefined) return { kind: 'invalid', reason: 'artifact without a string "path"' };
      const safe = safeRunPath(raw);
      if (!safe) return { kind: 'invalid', reason: `artifact path ${JSON.stringify(raw)} leaves the run folder` };
      const step = optionalNumber(o, 'step');
      return {
        kind: 'record',
        record: {
          t, path: safe, name: optionalString(o, 'name') ?? safe.replace(/^artifacts\//, ''), size: optionalNumber(o, 'size'), sha256: optionalString(o, 'sha256'), time,
          step: step !== undefined && Number.isSafeInteger(step) && step >= 0 ? step : undefined, caption: optionalString(o, 'caption'),
        },
      };
    }
    case 'dataset': {
      const name = optionalString(o, 'name');
      if (!name) return { kind: 'invalid', reason: 'dataset without a "name"' };
      return {
        kind: 'record',
        record: {
          t, name, time,
          path: optionalString(o, 'path'), uri: optionalString(o, 'uri'), size: optionalNumber(o, 'size'), sha256: optionalString(o, 'sha256'),
          description: optionalString(o, 'description'), context: optionalString(o, 'context'),
        },
      };
    }
    case 'env': {
      if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) return { kind: 'invalid', reason: 'env without an object "values"' };
      return { kind: 'record', record: { t, values: o.values as Record<string, unknown>, time } };
    }
    case 'alert': {
      const text = optionalString(o, 'condition');
      const condition = text === undefined ? undefined : parseAlertCondition(text);
      if (!condition) return { kind: 'invalid', reason: `alert condition ${JSON.stringify(o.condition)} is not "<metric> <op> <number>"` };
      const level = o.level === 'info' || o.level === 'error' ? o.level : 'warning';
      return { kind: 'record', record: { t, condition, message: optionalString(o, 'message') ?? '', level, time } };
    }
    default:
      return { kind: 'unknown', type: t };
  }
}
